// Vectorised Philox4x32-10 and the quarter-circle test, one Highway build per target.
// One counter per 32-bit lane: the low product words come from a 32-bit multiply, the high
// words from two 32x32->64 multiplies (even lanes, then odd lanes shifted down) merged by a
// blend. Half the registers per counter of a layout with one counter per 64-bit lane, which
// is what lets enough independent streams stay in flight (measured in bench_pi_kernels
// against hand-written intrinsics kernels: docs/performance.md).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/pi/montecarlo_kernel.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include <cstdint>

#include "rankwise/pi/montecarlo.hpp"

HWY_BEFORE_NAMESPACE();
namespace rankwise::pi::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

constexpr std::uint32_t kM0 = 0xD2511F53u;  // Philox4x32 multipliers and Weyl key increments
constexpr std::uint32_t kM1 = 0xCD9E8D57u;
constexpr std::uint32_t kW0 = 0x9E3779B9u;
constexpr std::uint32_t kW1 = 0xBB67AE85u;
constexpr int kRounds = 10;
// Independent vectors of counters in flight, to hide the multiply latency; the rounds are
// unrolled. Fastest on Zen 5 (bench_pi_kernels shapes, hand-written kernels of the same
// layout): six streams with AVX-512's 32 registers, eight with AVX2's 16 (the spills cost less
// than the idle multiplier with fewer).
#undef RANKWISE_MC_STREAMS  // this file is compiled once per target
#if HWY_TARGET == HWY_AVX3 || (defined(HWY_AVX3_ZEN4) && HWY_TARGET == HWY_AVX3_ZEN4) || \
    (defined(HWY_AVX3_SPR) && HWY_TARGET == HWY_AVX3_SPR)
#define RANKWISE_MC_STREAMS 6
#elif HWY_TARGET == HWY_AVX2
#define RANKWISE_MC_STREAMS 8
#else
#define RANKWISE_MC_STREAMS 4
#endif
constexpr std::size_t kStreams = RANKWISE_MC_STREAMS;

#if HWY_TARGET != HWY_SCALAR
using D32 = hn::ScalableTag<std::uint32_t>;
using DU = hn::Repartition<std::uint64_t, D32>;
using DF = hn::Repartition<double, D32>;
using V32 = hn::Vec<D32>;
using VU = hn::Vec<DU>;

// The four words of a vector of counters through the rounds.
struct Words {
  V32 c0, c1, c2, c3;
};

// a * m as 64-bit products, split into high and low 32-bit words, lane by lane.
HWY_INLINE void MulHiLo(V32 a, V32 m, V32& hi, V32& lo) {
  const D32 d32;
  const DU du;
  const VU even = hn::MulEven(a, m);  // lanes 0, 2, ...: full products in 64-bit lanes
  const VU odd = hn::MulEven(hn::BitCast(d32, hn::ShiftRight<32>(hn::BitCast(du, a))), m);
  // The odd lanes' high words already sit in the odd 32-bit halves; the even ones move down.
  hi = hn::OddEven(hn::BitCast(d32, odd), hn::BitCast(d32, hn::ShiftRight<32>(even)));
  lo = hn::Mul(a, m);
}

HWY_INLINE void Round(Words& w, V32 m0, V32 m1, V32 k0, V32 k1) {
  V32 hi0, lo0, hi1, lo1;
  MulHiLo(w.c0, m0, hi0, lo0);
  MulHiLo(w.c2, m1, hi1, lo1);
  w.c0 = hn::Xor3(hi1, w.c1, k0);
  w.c2 = hn::Xor3(hi0, w.c3, k1);
  w.c1 = lo1;
  w.c3 = lo0;
}

// Adds to `hits` (one count per 64-bit lane) the samples (a, b) = (x, y) per 32-bit lane that
// fall inside the circle. Each word u becomes u + 0.5 exactly: u under the exponent bits of
// 2^52 (an interleave, the same for x and y so the pairs stay together), minus 2^52 - 0.5.
HWY_INLINE VU CountInside(VU hits, V32 a, V32 b) {
  const D32 d32;
  const DU du;
  const DF df;
  const V32 e = hn::Set(d32, 0x43300000u);
  const auto off = hn::Set(df, 4503599627370495.5);
  const auto limit = hn::Set(df, 18446744073709551616.0);  // 2^64
  const auto xl = hn::Sub(hn::BitCast(df, hn::InterleaveLower(d32, a, e)), off);
  const auto xh = hn::Sub(hn::BitCast(df, hn::InterleaveUpper(d32, a, e)), off);
  const auto yl = hn::Sub(hn::BitCast(df, hn::InterleaveLower(d32, b, e)), off);
  const auto yh = hn::Sub(hn::BitCast(df, hn::InterleaveUpper(d32, b, e)), off);
  // Plain multiply and add (no FMA) so every target rounds as the reference does.
  const auto in_l = hn::Lt(hn::Add(hn::Mul(xl, xl), hn::Mul(yl, yl)), limit);
  const auto in_h = hn::Lt(hn::Add(hn::Mul(xh, xh), hn::Mul(yh, yh)), limit);
  hits = hn::Sub(hits, hn::BitCast(du, hn::VecFromMask(df, in_l)));  // all-ones = -1
  return hn::Sub(hits, hn::BitCast(du, hn::VecFromMask(df, in_h)));
}
#endif

std::uint64_t HitsCallsKernel(std::uint64_t seed, std::uint64_t call_begin,
                              std::uint64_t call_end) {
#if HWY_TARGET == HWY_SCALAR
  // One lane cannot hold a counter's words side by side: use the reference generator.
  return montecarlo_hits_reference(seed, 2 * call_begin, 2 * call_end);
#else
  const D32 d32;
  const DU du;
  constexpr std::size_t lanes = hn::MaxLanes(d32);
  constexpr std::uint64_t block = lanes * kStreams;

  const V32 m0 = hn::Set(d32, kM0);
  const V32 m1 = hn::Set(d32, kM1);
  V32 key0[kRounds];
  V32 key1[kRounds];
  for (int r = 0; r < kRounds; ++r) {
    key0[r] = hn::Set(d32, static_cast<std::uint32_t>(seed) + static_cast<std::uint32_t>(r) * kW0);
    key1[r] = hn::Set(d32, static_cast<std::uint32_t>(seed >> 32) + static_cast<std::uint32_t>(r) * kW1);
  }
  const V32 lane = hn::Iota(d32, 0);
  VU hits = hn::Zero(du);
  std::uint64_t tail_hits = 0;
  std::uint64_t j = call_begin;
  for (; j + block <= call_end; j += block) {
    if ((j >> 32) != ((j + block - 1) >> 32)) {  // the counters' low words wrap in this block
      tail_hits += montecarlo_hits_reference(seed, 2 * j, 2 * (j + block));
      continue;
    }
    Words w[kStreams];
#pragma GCC unroll 16
    for (std::size_t s = 0; s < kStreams; ++s) {
      // Round 0 on counter (j_lo + lane, j_hi, 0, 0): the second product is zero.
      const V32 lo = hn::Add(hn::Set(d32, static_cast<std::uint32_t>(j + s * lanes)), lane);
      V32 hi0, lo0;
      MulHiLo(lo, m0, hi0, lo0);
      w[s] = {hn::Xor(hn::Set(d32, static_cast<std::uint32_t>(j >> 32)), key0[0]), hn::Zero(d32),
              hn::Xor(hi0, key1[0]), lo0};
    }
#pragma GCC unroll 16
    for (int r = 1; r < kRounds; ++r) {
#pragma GCC unroll 16
      for (std::size_t s = 0; s < kStreams; ++s) Round(w[s], m0, m1, key0[r], key1[r]);
    }
#pragma GCC unroll 16
    for (std::size_t s = 0; s < kStreams; ++s) {
      hits = CountInside(hits, w[s].c0, w[s].c1);  // even samples: words 0, 1
      hits = CountInside(hits, w[s].c2, w[s].c3);  // odd samples: words 2, 3
    }
  }
  HWY_ALIGN std::uint64_t lane_hits[hn::MaxLanes(du)];
  hn::Store(hits, du, lane_hits);
  std::uint64_t total = tail_hits;
  for (std::uint64_t h : lane_hits) total += h;
  if (j < call_end) total += montecarlo_hits_reference(seed, 2 * j, 2 * call_end);
  return total;
#endif
}

}  // namespace rankwise::pi::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace rankwise::pi {
HWY_EXPORT(HitsCallsKernel);

std::uint64_t montecarlo_hits_calls(std::uint64_t seed, std::uint64_t call_begin,
                                    std::uint64_t call_end) {
  if (call_begin >= call_end) return 0;
  return HWY_DYNAMIC_DISPATCH(HitsCallsKernel)(seed, call_begin, call_end);
}
}  // namespace rankwise::pi
#endif
