// The AVX-512 hand-written references of bench_pi_kernels (pi_hand_kernels.hpp, pi_hand_common.hpp).
#include <immintrin.h>

#include <cstddef>

#include "bench/pi_hand_common.hpp"

namespace hand::pi::detail {
namespace {

// ---- AVX-512: eight counters per vector, one per 64-bit lane ----
// Each lane holds a 32-bit word in its low half; vpmuludq multiplies exactly those halves into
// the full 64-bit product Philox needs, so the high halves may hold garbage until conversion.
// GCC 12's avx512fintrin.h fills the unused pass-through operand of masked builtins with
// _mm512_undefined_* (`__m512i __Y = __Y;`), which -Wmaybe-uninitialized reports in the caller
// once inlined (a GCC 12 false positive, GCC PR 105593): silenced for these kernels only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
namespace avx512 {
using V = __m512i;

struct Words {
  V c0, c1, c2, c3;
};

// Round 0 on counter (j_lo, j_hi, 0, 0): the second product is zero.
HAND_AVX512 inline Words first_round(V ctr, V m0, V k0, V k1) {
  const V p0 = _mm512_mul_epu32(ctr, m0);
  return {_mm512_xor_si512(_mm512_srli_epi64(ctr, 32), k0), _mm512_setzero_si512(),
          _mm512_xor_si512(_mm512_srli_epi64(p0, 32), k1), p0};
}

// Three-way XOR in one vpternlogq (truth table 0x96).
HAND_AVX512 inline V xor3(V a, V b, V c) { return _mm512_ternarylogic_epi64(a, b, c, 0x96); }

// The high word of each product into the low half of its lane: a shift, or (kSwap) a dword
// swap within the lane, which leaves the low word in the high half (garbage is allowed there)
// and may run on other pipes than the multiplies.
template <bool kSwap>
HAND_AVX512 inline V high(V p) {
  if constexpr (kSwap) return _mm512_shuffle_epi32(p, _MM_PERM_CDAB);
  return _mm512_srli_epi64(p, 32);
}

template <bool kSwap>
HAND_AVX512 inline void round(Words& w, V m0, V m1, V k0, V k1) {
  const V p0 = _mm512_mul_epu32(w.c0, m0);
  const V p1 = _mm512_mul_epu32(w.c2, m1);
  w.c0 = xor3(high<kSwap>(p1), w.c1, k0);
  w.c2 = xor3(high<kSwap>(p0), w.c3, k1);
  w.c1 = p1;
  w.c3 = p0;
}

HAND_AVX512 inline __m512d to_double(V u) {
  const V exponent = _mm512_set1_epi64(static_cast<long long>(kTwo52Bits));
  return _mm512_sub_pd(_mm512_castsi512_pd(_mm512_mask_blend_epi32(0x5555, exponent, u)),
                       _mm512_set1_pd(kTwo52MinusHalf));
}

HAND_AVX512 inline __mmask8 inside(V a, V b) {
  const __m512d x = to_double(a);
  const __m512d y = to_double(b);
  const __m512d r2 = _mm512_add_pd(_mm512_mul_pd(x, x), _mm512_mul_pd(y, y));
  return _mm512_cmp_pd_mask(r2, _mm512_set1_pd(kTwo64), _CMP_LT_OQ);
}

// S independent streams of eight calls hide the multiply latency; kUnroll unrolls the ten
// rounds too (the keys are then immediate-like broadcasts instead of loads from an array).
template <std::size_t S, bool kUnroll, bool kSwap = false>
HAND_AVX512 std::uint64_t philox_calls(std::uint64_t seed, std::uint64_t call_begin,
                                       std::uint64_t call_end) {
  const V m0 = _mm512_set1_epi64(kM0);
  const V m1 = _mm512_set1_epi64(kM1);
  V key0[kRounds];
  V key1[kRounds];
  for (int r = 0; r < kRounds; ++r) {
    key0[r] = _mm512_set1_epi64(round_key(seed, 0, r));
    key1[r] = _mm512_set1_epi64(round_key(seed, 1, r));
  }
  const V lane = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
  const V minus_one = _mm512_set1_epi64(-1);
  V hits = _mm512_setzero_si512();
  constexpr std::uint64_t kBlock = 8 * S;
  std::uint64_t j = call_begin;
  for (; j + kBlock <= call_end; j += kBlock) {
    Words w[S];
#pragma GCC unroll 16
    for (std::size_t s = 0; s < S; ++s) {
      const V ctr = _mm512_add_epi64(_mm512_set1_epi64(static_cast<long long>(j + 8 * s)), lane);
      w[s] = first_round(ctr, m0, key0[0], key1[0]);
    }
    if constexpr (kUnroll) {
#pragma GCC unroll 16
      for (int r = 1; r < kRounds; ++r) {
#pragma GCC unroll 16
        for (std::size_t s = 0; s < S; ++s) round<kSwap>(w[s], m0, m1, key0[r], key1[r]);
      }
    } else {
      for (int r = 1; r < kRounds; ++r) {
#pragma GCC unroll 16
        for (std::size_t s = 0; s < S; ++s) round<kSwap>(w[s], m0, m1, key0[r], key1[r]);
      }
    }
    // A hit adds 1 to its lane: subtracting -1 under the mask is one instruction.
#pragma GCC unroll 16
    for (std::size_t s = 0; s < S; ++s) {
      hits = _mm512_mask_sub_epi64(hits, inside(w[s].c0, w[s].c1), hits, minus_one);
      hits = _mm512_mask_sub_epi64(hits, inside(w[s].c2, w[s].c3), hits, minus_one);
    }
  }
  alignas(64) std::uint64_t lanes[8];
  _mm512_store_si512(lanes, hits);
  std::uint64_t total = 0;
  for (std::uint64_t h : lanes) total += h;
  return total + hits_scalar(seed, 2 * j, 2 * call_end);
}

// Sixteen counters per vector, one per 32-bit lane (as avx2::narrow).
namespace narrow {
struct Product {
  V hi, lo;
};

HAND_AVX512 inline Product mul(V a, V m) {
  const V even = _mm512_mul_epu32(a, m);
  const V odd = _mm512_mul_epu32(_mm512_srli_epi64(a, 32), m);
  return {_mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(even, 32), odd), _mm512_mullo_epi32(a, m)};
}

HAND_AVX512 inline void round(Words& w, V m0, V m1, V k0, V k1) {
  const Product p0 = mul(w.c0, m0);
  const Product p1 = mul(w.c2, m1);
  w.c0 = xor3(p1.hi, w.c1, k0);
  w.c2 = xor3(p0.hi, w.c3, k1);
  w.c1 = p1.lo;
  w.c3 = p0.lo;
}

HAND_AVX512 inline V count_inside(V hits, V a, V b) {
  const V e = _mm512_set1_epi32(0x43300000);
  const __m512d off = _mm512_set1_pd(kTwo52MinusHalf);
  const __m512d lim = _mm512_set1_pd(kTwo64);
  const V minus_one = _mm512_set1_epi64(-1);
  const __m512d xl = _mm512_sub_pd(_mm512_castsi512_pd(_mm512_unpacklo_epi32(a, e)), off);
  const __m512d xh = _mm512_sub_pd(_mm512_castsi512_pd(_mm512_unpackhi_epi32(a, e)), off);
  const __m512d yl = _mm512_sub_pd(_mm512_castsi512_pd(_mm512_unpacklo_epi32(b, e)), off);
  const __m512d yh = _mm512_sub_pd(_mm512_castsi512_pd(_mm512_unpackhi_epi32(b, e)), off);
  const __m512d rl = _mm512_add_pd(_mm512_mul_pd(xl, xl), _mm512_mul_pd(yl, yl));
  const __m512d rh = _mm512_add_pd(_mm512_mul_pd(xh, xh), _mm512_mul_pd(yh, yh));
  hits = _mm512_mask_sub_epi64(hits, _mm512_cmp_pd_mask(rl, lim, _CMP_LT_OQ), hits, minus_one);
  return _mm512_mask_sub_epi64(hits, _mm512_cmp_pd_mask(rh, lim, _CMP_LT_OQ), hits, minus_one);
}

template <std::size_t S>
HAND_AVX512 std::uint64_t philox_calls(std::uint64_t seed, std::uint64_t call_begin,
                                       std::uint64_t call_end) {
  const V m0 = _mm512_set1_epi32(static_cast<int>(kM0));
  const V m1 = _mm512_set1_epi32(static_cast<int>(kM1));
  V key0[kRounds];
  V key1[kRounds];
  for (int r = 0; r < kRounds; ++r) {
    key0[r] = _mm512_set1_epi32(static_cast<int>(round_key(seed, 0, r)));
    key1[r] = _mm512_set1_epi32(static_cast<int>(round_key(seed, 1, r)));
  }
  const V lane = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
  V hits = _mm512_setzero_si512();
  std::uint64_t scalar_hits = 0;
  constexpr std::uint64_t kBlock = 16 * S;
  std::uint64_t j = call_begin;
  for (; j + kBlock <= call_end; j += kBlock) {
    if ((j >> 32) != ((j + kBlock - 1) >> 32)) {  // counter low words wrap inside the block
      scalar_hits += hits_scalar(seed, 2 * j, 2 * (j + kBlock));
      continue;
    }
    Words w[S];
#pragma GCC unroll 16
    for (std::size_t s = 0; s < S; ++s) {
      const V lo = _mm512_add_epi32(_mm512_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(j + 16 * s))), lane);
      const Product p0 = mul(lo, m0);
      w[s] = {_mm512_xor_si512(_mm512_set1_epi32(static_cast<int>(j >> 32)), key0[0]), _mm512_setzero_si512(),
              _mm512_xor_si512(p0.hi, key1[0]), p0.lo};
    }
#pragma GCC unroll 16
    for (int r = 1; r < kRounds; ++r) {
#pragma GCC unroll 16
      for (std::size_t s = 0; s < S; ++s) round(w[s], m0, m1, key0[r], key1[r]);
    }
#pragma GCC unroll 16
    for (std::size_t s = 0; s < S; ++s) {
      hits = count_inside(hits, w[s].c0, w[s].c1);
      hits = count_inside(hits, w[s].c2, w[s].c3);
    }
  }
  alignas(64) std::uint64_t lanes[8];
  _mm512_store_si512(lanes, hits);
  std::uint64_t total = scalar_hits;
  for (std::uint64_t h : lanes) total += h;
  return total + hits_scalar(seed, 2 * j, 2 * call_end);
}
}  // namespace narrow

// Divider bound: 1/d for K vectors of denominators per iteration, all independent. The
// denominators stay in [1, 2) like the product's 1 + x^2 and change every iteration (nothing
// to hoist); A accumulators keep every quotient live without a long add chain.
template <std::size_t K, std::size_t A>
HAND_AVX512 DividerRun divide(std::uint64_t vector_divisions) {
  const std::uint64_t iterations = vector_divisions / K;
  const __m512d one = _mm512_set1_pd(1.0);
  const __m512d step = _mm512_set1_pd(0.5 / static_cast<double>(iterations + 1));
  const __m512d lane = _mm512_set_pd(7, 6, 5, 4, 3, 2, 1, 0);
  const double kd = static_cast<double>(K);
  __m512d d[K];
  __m512d acc[A];
  for (std::size_t k = 0; k < K; ++k) {
    d[k] = _mm512_add_pd(_mm512_set1_pd(1.0 + 0.5 * static_cast<double>(k) / kd),
                         _mm512_mul_pd(lane, _mm512_set1_pd(0.5 / (8.0 * kd))));
  }
  for (std::size_t a = 0; a < A; ++a) acc[a] = _mm512_setzero_pd();
  for (std::uint64_t it = 0; it < iterations; ++it) {
#pragma GCC unroll 16
    for (std::size_t k = 0; k < K; ++k) {
      acc[k % A] = _mm512_add_pd(acc[k % A], _mm512_div_pd(one, d[k]));
      d[k] = _mm512_add_pd(d[k], step);
    }
  }
  for (std::size_t a = 1; a < A; ++a) acc[0] = _mm512_add_pd(acc[0], acc[a]);
  alignas(64) double l[8];
  _mm512_store_pd(l, acc[0]);
  double sum = 0;
  for (double v : l) sum += v;
  return {iterations * K, sum};
}
}  // namespace avx512
#pragma GCC diagnostic pop

}  // namespace

// Measured on Zen 5 (AMD EPYC, 4.0 GHz), `bench_pi_kernels shapes 1e6 2e8 3 2`, G per second:
// the divider shapes all reach the same ~1.0 G vdivpd/s, within noise; the Philox shapes
// plateau at 2.7-2.8 G samples/s from six streams on (eight are slower: spills).
std::vector<DividerShape> avx512_divider_shapes() {
  return {
      {"avx512 div x10 acc2", Isa::avx512, avx512::divide<10, 2>},  // 8.12 G terms/s
      {"avx512 div x8 acc2", Isa::avx512, avx512::divide<8, 2>},    // 8.06
      {"avx512 div x12 acc4", Isa::avx512, avx512::divide<12, 4>},  // 8.09
  };
}

std::vector<PhiloxShape> avx512_philox_shapes() {
  return {
      {"avx512 7 streams unrolled", Isa::avx512, avx512::philox_calls<7, true>},        // 2.77-2.84
      {"avx512 6 streams unrolled", Isa::avx512, avx512::philox_calls<6, true>},        // 2.67-2.75
      {"avx512 6 streams unrolled swap", Isa::avx512, avx512::philox_calls<6, true, true>},  // 2.74-2.81
      {"avx512 6 streams rolled", Isa::avx512, avx512::philox_calls<6, false>},         // 2.66-2.69
      {"avx512 8 streams unrolled", Isa::avx512, avx512::philox_calls<8, true>},        // 2.38-2.44
      {"avx512 4 streams unrolled", Isa::avx512, avx512::philox_calls<4, true>},        // 2.24-2.31
      {"avx512 32-bit lanes 4 streams", Isa::avx512, avx512::narrow::philox_calls<4>},  // 2.69-2.75
      {"avx512 32-bit lanes 6 streams", Isa::avx512, avx512::narrow::philox_calls<6>},  // 2.79
  };
}

}  // namespace hand::pi::detail
