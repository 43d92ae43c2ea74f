// Vectorised Philox4x32-10 and the quarter-circle test, one Highway build per target.
// Counters live in 64-bit lanes holding 32-bit values, so MulEven gives the full 32x32->64
// products Philox needs on every x86 target.
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
// Independent vectors in flight, to hide the multiply latency. AVX-512 has 32 registers: six
// streams with the rounds unrolled keep every counter in a register (2.4 G samples/s on Zen 5
// against 1.96 with AVX2's shape); with AVX2's 16 registers, four rolled streams are fastest
// (unrolling there spills: 0.74 against 0.90 G samples/s on the same core).
#undef RANKWISE_MC_UNROLL  // this file is compiled once per target
#if HWY_TARGET == HWY_AVX3 || (defined(HWY_AVX3_ZEN4) && HWY_TARGET == HWY_AVX3_ZEN4) || \
    (defined(HWY_AVX3_SPR) && HWY_TARGET == HWY_AVX3_SPR)
#define RANKWISE_MC_UNROLL 1
constexpr std::size_t kStreams = 6;
#else
#define RANKWISE_MC_UNROLL 0
constexpr std::size_t kStreams = 4;
#endif

std::uint64_t HitsCallsKernel(std::uint64_t seed, std::uint64_t call_begin,
                              std::uint64_t call_end) {
#if HWY_TARGET == HWY_SCALAR
  // One lane cannot be viewed as two 32-bit halves: use the reference generator.
  return montecarlo_hits_reference(seed, 2 * call_begin, 2 * call_end);
#else
  const hn::ScalableTag<std::uint64_t> du;
  const hn::Repartition<std::uint32_t, decltype(du)> d32;
  const hn::Repartition<double, decltype(du)> df;
  using VU = hn::Vec<decltype(du)>;
  using VF = hn::Vec<decltype(df)>;
  const std::size_t lanes = hn::Lanes(du);
  const std::size_t block = lanes * kStreams;

  const auto m0 = hn::BitCast(d32, hn::Set(du, kM0));
  const auto m1 = hn::BitCast(d32, hn::Set(du, kM1));
  VU key0[kRounds];
  VU key1[kRounds];
  for (int r = 0; r < kRounds; ++r) {
    key0[r] = hn::Set(du, static_cast<std::uint32_t>(seed) + static_cast<std::uint32_t>(r) * kW0);
    key1[r] = hn::Set(du, static_cast<std::uint32_t>(seed >> 32) + static_cast<std::uint32_t>(r) * kW1);
  }
  // Low word u (< 2^32) + 0.5, exactly: blend u under the exponent bits of 2^52 (one
  // instruction, which also discards the garbage high half), then subtract 2^52 - 0.5.
  const auto exponent = hn::BitCast(d32, hn::Set(du, 0x4330000000000000ull));
  const VF offset = hn::Set(df, 4503599627370495.5);
  const VF limit = hn::Set(df, 18446744073709551616.0);  // 2^64
  auto to_double = [&](VU u) {
    return hn::Sub(hn::BitCast(df, hn::OddEven(exponent, hn::BitCast(d32, u))), offset);
  };

  // Only the low 32 bits of each 64-bit lane are meaningful: MulEven reads just those, so the
  // high halves may hold garbage until the words are converted at the end (saves the masks).
  VU hits = hn::Zero(du);
  std::uint64_t j = call_begin;
  for (; j + block <= call_end; j += block) {
    VU c0[kStreams], c1[kStreams], c2[kStreams], c3[kStreams];
    for (std::size_t s = 0; s < kStreams; ++s) {
      // Round 0 with counter (j_lo, j_hi, 0, 0): the second product is zero.
      const VU ctr = hn::Iota(du, j + s * lanes);
      const VU p0 = hn::MulEven(m0, hn::BitCast(d32, ctr));
      c0[s] = hn::Xor(hn::ShiftRight<32>(ctr), key0[0]);
      c1[s] = hn::Zero(du);
      c2[s] = hn::Xor(hn::ShiftRight<32>(p0), key1[0]);
      c3[s] = p0;
    }
#if RANKWISE_MC_UNROLL
#pragma GCC unroll 10
#endif
    for (int r = 1; r < kRounds; ++r) {
#if RANKWISE_MC_UNROLL
#pragma GCC unroll 8
#endif
      for (std::size_t s = 0; s < kStreams; ++s) {
        const VU p0 = hn::MulEven(m0, hn::BitCast(d32, c0[s]));
        const VU p1 = hn::MulEven(m1, hn::BitCast(d32, c2[s]));
        c0[s] = hn::Xor(hn::Xor(hn::ShiftRight<32>(p1), c1[s]), key0[r]);
        c2[s] = hn::Xor(hn::Xor(hn::ShiftRight<32>(p0), c3[s]), key1[r]);
        c1[s] = p1;
        c3[s] = p0;
      }
    }
    for (std::size_t s = 0; s < kStreams; ++s) {
      const VF x0 = to_double(c0[s]), y0 = to_double(c1[s]);
      const VF x1 = to_double(c2[s]), y1 = to_double(c3[s]);
      // Plain multiply and add (no FMA) so every target rounds identically.
      const auto in0 = hn::Lt(hn::Add(hn::Mul(x0, x0), hn::Mul(y0, y0)), limit);
      const auto in1 = hn::Lt(hn::Add(hn::Mul(x1, x1), hn::Mul(y1, y1)), limit);
      hits = hn::Sub(hits, hn::BitCast(du, hn::VecFromMask(df, in0)));  // all-ones = -1
      hits = hn::Sub(hits, hn::BitCast(du, hn::VecFromMask(df, in1)));
    }
  }
  HWY_ALIGN std::uint64_t lane_hits[HWY_MAX_BYTES / sizeof(std::uint64_t)];
  hn::Store(hits, du, lane_hits);
  std::uint64_t total = 0;
  for (std::size_t l = 0; l < lanes; ++l) total += lane_hits[l];
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
