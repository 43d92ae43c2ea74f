// The AVX2 hand-written references of bench_pi_kernels (pi_hand_kernels.hpp, pi_hand_common.hpp).
#include <immintrin.h>

#include <cstddef>

#include "bench/pi_hand_common.hpp"

namespace hand::pi::detail {
namespace {

// ---- AVX2: four counters per vector, same layout; no vpternlogq, so two XORs ----
namespace avx2 {
using V = __m256i;

struct Words {
  V c0, c1, c2, c3;
};

HAND_AVX2 inline Words first_round(V ctr, V m0, V k0, V k1) {
  const V p0 = _mm256_mul_epu32(ctr, m0);
  return {_mm256_xor_si256(_mm256_srli_epi64(ctr, 32), k0), _mm256_setzero_si256(),
          _mm256_xor_si256(_mm256_srli_epi64(p0, 32), k1), p0};
}

template <bool kSwap>
HAND_AVX2 inline V high(V p) {
  if constexpr (kSwap) return _mm256_shuffle_epi32(p, 0xB1);
  return _mm256_srli_epi64(p, 32);
}

template <bool kSwap>
HAND_AVX2 inline void round(Words& w, V m0, V m1, V k0, V k1) {
  const V p0 = _mm256_mul_epu32(w.c0, m0);
  const V p1 = _mm256_mul_epu32(w.c2, m1);
  // c1 ^ key does not wait for the multiply: one XOR less on the round's dependency chain.
  w.c0 = _mm256_xor_si256(high<kSwap>(p1), _mm256_xor_si256(w.c1, k0));
  w.c2 = _mm256_xor_si256(high<kSwap>(p0), _mm256_xor_si256(w.c3, k1));
  w.c1 = p1;
  w.c3 = p0;
}

HAND_AVX2 inline __m256d to_double(V u) {
  const V exponent = _mm256_set1_epi64x(static_cast<long long>(kTwo52Bits));
  return _mm256_sub_pd(_mm256_castsi256_pd(_mm256_blend_epi32(exponent, u, 0x55)),
                       _mm256_set1_pd(kTwo52MinusHalf));
}

// All-ones (-1) in the lanes that hit.
HAND_AVX2 inline V inside(V a, V b) {
  const __m256d x = to_double(a);
  const __m256d y = to_double(b);
  const __m256d r2 = _mm256_add_pd(_mm256_mul_pd(x, x), _mm256_mul_pd(y, y));
  return _mm256_castpd_si256(_mm256_cmp_pd(r2, _mm256_set1_pd(kTwo64), _CMP_LT_OQ));
}

template <std::size_t S, bool kUnroll, bool kSwap = false>
HAND_AVX2 std::uint64_t philox_calls(std::uint64_t seed, std::uint64_t call_begin,
                                     std::uint64_t call_end) {
  const V m0 = _mm256_set1_epi64x(kM0);
  const V m1 = _mm256_set1_epi64x(kM1);
  V key0[kRounds];
  V key1[kRounds];
  for (int r = 0; r < kRounds; ++r) {
    key0[r] = _mm256_set1_epi64x(round_key(seed, 0, r));
    key1[r] = _mm256_set1_epi64x(round_key(seed, 1, r));
  }
  const V lane = _mm256_set_epi64x(3, 2, 1, 0);
  V hits = _mm256_setzero_si256();
  constexpr std::uint64_t kBlock = 4 * S;
  std::uint64_t j = call_begin;
  for (; j + kBlock <= call_end; j += kBlock) {
    Words w[S];
#pragma GCC unroll 16
    for (std::size_t s = 0; s < S; ++s) {
      const V ctr = _mm256_add_epi64(_mm256_set1_epi64x(static_cast<long long>(j + 4 * s)), lane);
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
#pragma GCC unroll 16
    for (std::size_t s = 0; s < S; ++s) {
      hits = _mm256_sub_epi64(hits, inside(w[s].c0, w[s].c1));
      hits = _mm256_sub_epi64(hits, inside(w[s].c2, w[s].c3));
    }
  }
  alignas(32) std::uint64_t lanes[4];
  _mm256_store_si256(reinterpret_cast<V*>(lanes), hits);
  return lanes[0] + lanes[1] + lanes[2] + lanes[3] + hits_scalar(seed, 2 * j, 2 * call_end);
}

// The other layout: eight counters per vector, one per 32-bit lane. Half the registers per
// counter (AVX2 has only 16), at the price of more work per multiply: vpmuludq sees only the
// even lanes, so the odd ones are multiplied after a shift, the high words are merged with a
// blend, and the low words come from vpmulld.
namespace narrow {
struct Product {
  V hi, lo;
};

HAND_AVX2 inline Product mul(V a, V m) {
  const V even = _mm256_mul_epu32(a, m);
  const V odd = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), m);
  return {_mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA), _mm256_mullo_epi32(a, m)};
}

HAND_AVX2 inline void round(Words& w, V m0, V m1, V k0, V k1) {
  const Product p0 = mul(w.c0, m0);
  const Product p1 = mul(w.c2, m1);
  w.c0 = _mm256_xor_si256(p1.hi, _mm256_xor_si256(w.c1, k0));
  w.c2 = _mm256_xor_si256(p0.hi, _mm256_xor_si256(w.c3, k1));
  w.c1 = p1.lo;
  w.c3 = p0.lo;
}

// Hits among the 2 x 8 samples of two words holding (x, y) per lane: each word is spread over
// two vectors of 64-bit lanes under the exponent of 2^52 (the same spread for x and y, so the
// pairs stay together).
HAND_AVX2 inline V inside2(V a, V b) {
  const V e = _mm256_set1_epi32(0x43300000);
  const __m256d off = _mm256_set1_pd(kTwo52MinusHalf);
  const __m256d lim = _mm256_set1_pd(kTwo64);
  const __m256d xl = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_unpacklo_epi32(a, e)), off);
  const __m256d xh = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_unpackhi_epi32(a, e)), off);
  const __m256d yl = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_unpacklo_epi32(b, e)), off);
  const __m256d yh = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_unpackhi_epi32(b, e)), off);
  const __m256d rl = _mm256_add_pd(_mm256_mul_pd(xl, xl), _mm256_mul_pd(yl, yl));
  const __m256d rh = _mm256_add_pd(_mm256_mul_pd(xh, xh), _mm256_mul_pd(yh, yh));
  return _mm256_add_epi64(_mm256_castpd_si256(_mm256_cmp_pd(rl, lim, _CMP_LT_OQ)),
                          _mm256_castpd_si256(_mm256_cmp_pd(rh, lim, _CMP_LT_OQ)));  // -1 or -2 per lane
}

template <std::size_t S>
HAND_AVX2 std::uint64_t philox_calls(std::uint64_t seed, std::uint64_t call_begin,
                                     std::uint64_t call_end) {
  const V m0 = _mm256_set1_epi32(static_cast<int>(kM0));
  const V m1 = _mm256_set1_epi32(static_cast<int>(kM1));
  V key0[kRounds];
  V key1[kRounds];
  for (int r = 0; r < kRounds; ++r) {
    key0[r] = _mm256_set1_epi32(static_cast<int>(round_key(seed, 0, r)));
    key1[r] = _mm256_set1_epi32(static_cast<int>(round_key(seed, 1, r)));
  }
  const V lane = _mm256_set_epi32(7, 6, 5, 4, 3, 2, 1, 0);
  V hits = _mm256_setzero_si256();
  std::uint64_t scalar_hits = 0;
  constexpr std::uint64_t kBlock = 8 * S;
  std::uint64_t j = call_begin;
  for (; j + kBlock <= call_end; j += kBlock) {
    if ((j >> 32) != ((j + kBlock - 1) >> 32)) {  // counter low words wrap inside the block
      scalar_hits += hits_scalar(seed, 2 * j, 2 * (j + kBlock));
      continue;
    }
    Words w[S];
#pragma GCC unroll 16
    for (std::size_t s = 0; s < S; ++s) {
      // Round 0 on counter (j_lo + lane, j_hi, 0, 0): the second product is zero.
      const V lo = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(j + 8 * s))), lane);
      const Product p0 = mul(lo, m0);
      w[s] = {_mm256_xor_si256(_mm256_set1_epi32(static_cast<int>(j >> 32)), key0[0]), _mm256_setzero_si256(),
              _mm256_xor_si256(p0.hi, key1[0]), p0.lo};
    }
#pragma GCC unroll 16
    for (int r = 1; r < kRounds; ++r) {
#pragma GCC unroll 16
      for (std::size_t s = 0; s < S; ++s) round(w[s], m0, m1, key0[r], key1[r]);
    }
#pragma GCC unroll 16
    for (std::size_t s = 0; s < S; ++s) {
      hits = _mm256_sub_epi64(hits, inside2(w[s].c0, w[s].c1));
      hits = _mm256_sub_epi64(hits, inside2(w[s].c2, w[s].c3));
    }
  }
  alignas(32) std::uint64_t lanes[4];
  _mm256_store_si256(reinterpret_cast<V*>(lanes), hits);
  return lanes[0] + lanes[1] + lanes[2] + lanes[3] + scalar_hits + hits_scalar(seed, 2 * j, 2 * call_end);
}
}  // namespace narrow

template <std::size_t K, std::size_t A>
HAND_AVX2 DividerRun divide(std::uint64_t vector_divisions) {
  const std::uint64_t iterations = vector_divisions / K;
  const __m256d one = _mm256_set1_pd(1.0);
  const __m256d step = _mm256_set1_pd(0.5 / static_cast<double>(iterations + 1));
  const __m256d lane = _mm256_set_pd(3, 2, 1, 0);
  const double kd = static_cast<double>(K);
  __m256d d[K];
  __m256d acc[A];
  for (std::size_t k = 0; k < K; ++k) {
    d[k] = _mm256_add_pd(_mm256_set1_pd(1.0 + 0.5 * static_cast<double>(k) / kd),
                         _mm256_mul_pd(lane, _mm256_set1_pd(0.5 / (4.0 * kd))));
  }
  for (std::size_t a = 0; a < A; ++a) acc[a] = _mm256_setzero_pd();
  for (std::uint64_t it = 0; it < iterations; ++it) {
#pragma GCC unroll 16
    for (std::size_t k = 0; k < K; ++k) {
      acc[k % A] = _mm256_add_pd(acc[k % A], _mm256_div_pd(one, d[k]));
      d[k] = _mm256_add_pd(d[k], step);
    }
  }
  for (std::size_t a = 1; a < A; ++a) acc[0] = _mm256_add_pd(acc[0], acc[a]);
  alignas(32) double l[4];
  _mm256_store_pd(l, acc[0]);
  return {iterations * K, ((l[0] + l[1]) + l[2]) + l[3]};
}
}  // namespace avx2

}  // namespace

// Measured on Zen 5 (AMD EPYC, 4.0 GHz, the AVX2 code), `bench_pi_kernels shapes 1e6 2e8 3 2`,
// G per second: the divider shapes reach the same ~1.0 G vdivpd ymm/s; for Philox the
// 64-bit-lane layout runs out of registers (0.84 at best, four unrolled streams) and the
// 32-bit-lane layout wins: 1.20 (4 streams), 1.29 (6), 1.31 (8).
std::vector<DividerShape> avx2_divider_shapes() {
  return {
      {"avx2 div x8 acc2", Isa::avx2, avx2::divide<8, 2>},          // 4.06
      {"avx2 div x10 acc2", Isa::avx2, avx2::divide<10, 2>},        // 4.04
      {"avx2 div x12 acc4", Isa::avx2, avx2::divide<12, 4>},        // 4.04
  };
}

std::vector<PhiloxShape> avx2_philox_shapes() {
  return {
      {"avx2 32-bit lanes 8 streams", Isa::avx2, avx2::narrow::philox_calls<8>},        // 1.31
      {"avx2 32-bit lanes 6 streams", Isa::avx2, avx2::narrow::philox_calls<6>},        // 1.29
      {"avx2 32-bit lanes 4 streams", Isa::avx2, avx2::narrow::philox_calls<4>},        // 1.19-1.20
      {"avx2 32-bit lanes 3 streams", Isa::avx2, avx2::narrow::philox_calls<3>},        // 1.12
      {"avx2 4 streams unrolled", Isa::avx2, avx2::philox_calls<4, true>},              // 0.83-0.87
      {"avx2 4 streams unrolled swap", Isa::avx2, avx2::philox_calls<4, true, true>},   // 0.78-0.79
      {"avx2 3 streams unrolled", Isa::avx2, avx2::philox_calls<3, true>},              // 0.72-0.75
      {"avx2 4 streams rolled", Isa::avx2, avx2::philox_calls<4, false>},               // 0.73-0.74
      {"avx2 5 streams rolled", Isa::avx2, avx2::philox_calls<5, false>},               // 0.76-0.79
  };
}

}  // namespace hand::pi::detail
