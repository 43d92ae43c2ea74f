// Hand-written reference kernels for bench_pi_kernels (see pi_hand_kernels.hpp). Intrinsics in
// functions with target attributes, so this file builds without -mavx512f / -mavx2 and the
// caller runs a kernel only where cpu_has() says the CPU has its instruction set.
//
// Compiled with -ffp-contract=off (bench/CMakeLists.txt): the quarter-circle test must round
// x*x + y*y as two products and a sum, as the product and Random123's scalar reference do; GCC
// would otherwise be free to fuse the vector multiply and add into an FMA.
#include "bench/pi_hand_kernels.hpp"

#include <immintrin.h>

#include <cstddef>

namespace hand::pi {
namespace {

#define HAND_AVX512 __attribute__((target("avx512f")))
#define HAND_AVX2 __attribute__((target("avx2,fma")))

// ---- Philox4x32-10 (Random123's constants) ----
constexpr std::uint32_t kM0 = 0xD2511F53u;  // multipliers
constexpr std::uint32_t kM1 = 0xCD9E8D57u;
constexpr std::uint32_t kW0 = 0x9E3779B9u;  // Weyl key increments
constexpr std::uint32_t kW1 = 0xBB67AE85u;
constexpr int kRounds = 10;
constexpr double kTwo64 = 18446744073709551616.0;
// A 32-bit word u becomes u + 0.5 exactly as (2^52 + u) - (2^52 - 0.5): u goes under the
// exponent bits of 2^52 (one blend, which also drops whatever the lane's high half held).
constexpr std::uint64_t kTwo52Bits = 0x4330000000000000ull;
constexpr double kTwo52MinusHalf = 4503599627370495.5;

// Round r's key word: seed word + r * increment (mod 2^32).
std::uint32_t round_key(std::uint64_t seed, int word, int r) {
  const auto s = static_cast<std::uint32_t>(word == 0 ? seed : seed >> 32);
  return s + static_cast<std::uint32_t>(r) * (word == 0 ? kW0 : kW1);
}

// One scalar Philox call (counter = call, 0, 0; key = seed): for the odd samples at the ends.
void philox_scalar(std::uint64_t seed, std::uint64_t call, std::uint32_t out[4]) {
  std::uint32_t c[4] = {static_cast<std::uint32_t>(call), static_cast<std::uint32_t>(call >> 32), 0u, 0u};
  for (int r = 0; r < kRounds; ++r) {
    const std::uint64_t p0 = std::uint64_t{kM0} * c[0];
    const std::uint64_t p1 = std::uint64_t{kM1} * c[2];
    const std::uint32_t n0 = static_cast<std::uint32_t>(p1 >> 32) ^ c[1] ^ round_key(seed, 0, r);
    const std::uint32_t n2 = static_cast<std::uint32_t>(p0 >> 32) ^ c[3] ^ round_key(seed, 1, r);
    c[0] = n0;
    c[1] = static_cast<std::uint32_t>(p1);
    c[2] = n2;
    c[3] = static_cast<std::uint32_t>(p0);
  }
  for (int w = 0; w < 4; ++w) out[w] = c[w];
}

bool sample_hits(std::uint32_t a, std::uint32_t b) {
  const double x = static_cast<double>(a) + 0.5;
  const double y = static_cast<double>(b) + 0.5;
  return x * x + y * y < kTwo64;
}

// Sample k = call 2k (words 0, 1) or 2k+1 (words 2, 3), as pi::montecarlo_hits.
std::uint64_t hits_scalar(std::uint64_t seed, std::uint64_t begin, std::uint64_t end) {
  std::uint64_t hits = 0;
  for (std::uint64_t k = begin; k < end; ++k) {
    std::uint32_t w[4];
    philox_scalar(seed, k / 2, w);
    const std::size_t i = (k % 2) * 2;
    hits += sample_hits(w[i], w[i + 1]) ? 1u : 0u;
  }
  return hits;
}

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

Isa isa_for_target(const std::string& target) {
  if (target.rfind("AVX3", 0) == 0 && cpu_has(Isa::avx512)) return Isa::avx512;
  if (target == "AVX2" && cpu_has(Isa::avx2)) return Isa::avx2;
  return Isa::none;
}

bool cpu_has(Isa isa) {
  switch (isa) {
    case Isa::avx512: return __builtin_cpu_supports("avx512f") != 0;
    case Isa::avx2: return __builtin_cpu_supports("avx2") != 0 && __builtin_cpu_supports("fma") != 0;
    case Isa::none: break;
  }
  return false;
}

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::avx512: return "avx512";
    case Isa::avx2: return "avx2";
    case Isa::none: break;
  }
  return "none";
}

int double_lanes(Isa isa) {
  switch (isa) {
    case Isa::avx512: return 8;
    case Isa::avx2: return 4;
    case Isa::none: break;
  }
  return 1;
}

// Measured on Zen 5 (AMD EPYC, 4.0 GHz), `bench_pi_kernels shapes 1e6 2e8 3 2`, G per second:
// the divider shapes all reach the same ~1.0 G vdivpd/s (zmm and ymm alike), within noise. For
// Philox the AVX-512 shapes plateau at 2.7-2.8 G samples/s from six streams on (eight are
// slower: spills); on AVX2 the 64-bit-lane layout runs out of registers (0.84 at best, four
// unrolled streams) and the 32-bit-lane layout wins: 1.20 (4 streams), 1.29 (6), 1.31 (8).
const std::vector<DividerShape>& divider_shapes() {
  static const std::vector<DividerShape> shapes = {
      {"avx512 div x10 acc2", Isa::avx512, avx512::divide<10, 2>},  // 8.12 G terms/s
      {"avx512 div x8 acc2", Isa::avx512, avx512::divide<8, 2>},    // 8.06
      {"avx512 div x12 acc4", Isa::avx512, avx512::divide<12, 4>},  // 8.09
      {"avx2 div x8 acc2", Isa::avx2, avx2::divide<8, 2>},          // 4.06
      {"avx2 div x10 acc2", Isa::avx2, avx2::divide<10, 2>},        // 4.04
      {"avx2 div x12 acc4", Isa::avx2, avx2::divide<12, 4>},        // 4.04
  };
  return shapes;
}

const std::vector<PhiloxShape>& philox_shapes() {
  static const std::vector<PhiloxShape> shapes = {
      {"avx512 7 streams unrolled", Isa::avx512, avx512::philox_calls<7, true>},        // 2.77-2.84
      {"avx512 6 streams unrolled", Isa::avx512, avx512::philox_calls<6, true>},        // 2.67-2.75
      {"avx512 6 streams unrolled swap", Isa::avx512, avx512::philox_calls<6, true, true>},  // 2.74-2.81
      {"avx512 6 streams rolled", Isa::avx512, avx512::philox_calls<6, false>},         // 2.66-2.69
      {"avx512 8 streams unrolled", Isa::avx512, avx512::philox_calls<8, true>},        // 2.38-2.44
      {"avx512 4 streams unrolled", Isa::avx512, avx512::philox_calls<4, true>},        // 2.24-2.31
      {"avx512 32-bit lanes 4 streams", Isa::avx512, avx512::narrow::philox_calls<4>},  // 2.69-2.75
      {"avx512 32-bit lanes 6 streams", Isa::avx512, avx512::narrow::philox_calls<6>},  // 2.79
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
  return shapes;
}

const DividerShape* divider_reference(Isa isa) {
  for (const auto& s : divider_shapes()) {
    if (s.isa == isa) return &s;
  }
  return nullptr;
}

const PhiloxShape* philox_reference(Isa isa) {
  for (const auto& s : philox_shapes()) {
    if (s.isa == isa) return &s;
  }
  return nullptr;
}

std::uint64_t philox_hits(const PhiloxShape& shape, std::uint64_t seed, std::uint64_t begin,
                          std::uint64_t end) {
  if (begin >= end) return 0;
  const std::uint64_t first_call = (begin + 1) / 2;
  const std::uint64_t end_call = end / 2;
  if (first_call >= end_call) return hits_scalar(seed, begin, end);
  return hits_scalar(seed, begin, 2 * first_call) + shape.hits_calls(seed, first_call, end_call) +
         hits_scalar(seed, 2 * end_call, end);
}

}  // namespace hand::pi
