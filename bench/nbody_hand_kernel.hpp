// A hand-vectorised reference for the N-body acceleration kernel, written with intrinsics for
// AVX2 + FMA (__m256d) and AVX-512 (__m512d): the yardstick for src/nbody/gravity_kernel.cpp
// (issue #13: the product should reach >= 85 % of it on the same CPU). Bench only.
//
// Accuracy class: the product's (a few ulp per pair). Divider lanes: m / (r^2 sqrt(r^2)),
// correctly rounded sqrt and divide. Estimate lanes: AVX-512 `vrsqrt14pd` (|rel. error| <
// 2^-14, so |e| < 2^-13) and the series to e^3 (remainder 315/128 e^4 < 2^-50.7 in the worst
// case, < 2^-54 typically); AVX2 `vcvtpd2ps` + `vrsqrtps` + `vcvtps2pd` (|e| < 2^-10.9 on
// AMD) and the series to e^4, as the product. bench_nbody_kernel --accuracy measures the max
// ulp error of each way against long double.
#pragma once
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include <hwy/base.h>

namespace hand {

HWY_PUSH_ATTRIBUTES("avx2,fma")
namespace avx2 {
struct Ops {
  using V = __m256d;
  static constexpr int kLanes = 4;
  static V load(const double* p) { return _mm256_load_pd(p); }
  static void store(double* p, V v) { _mm256_storeu_pd(p, v); }
  static V set1(double a) { return _mm256_set1_pd(a); }
  static V zero() { return _mm256_setzero_pd(); }
  static V add(V a, V b) { return _mm256_add_pd(a, b); }
  static V sub(V a, V b) { return _mm256_sub_pd(a, b); }
  static V mul(V a, V b) { return _mm256_mul_pd(a, b); }
  static V div(V a, V b) { return _mm256_div_pd(a, b); }
  static V sqrt(V a) { return _mm256_sqrt_pd(a); }
  static V fmadd(V a, V b, V c) { return _mm256_fmadd_pd(a, b, c); }
  static V fnmadd(V a, V b, V c) { return _mm256_fnmadd_pd(a, b, c); }
  static V rsqrt_estimate(V a) { return _mm256_cvtps_pd(_mm_rsqrt_ps(_mm256_cvtpd_ps(a))); }
  static V float_rsqrt_estimate(V a) { return rsqrt_estimate(a); }
  static double hsum(V v) {
    alignas(32) double l[4];
    _mm256_store_pd(l, v);
    return ((l[0] + l[1]) + l[2]) + l[3];
  }
};
#include "nbody_hand_kernel.inc"
}  // namespace avx2
HWY_POP_ATTRIBUTES

HWY_PUSH_ATTRIBUTES("avx512f,avx512dq,avx512vl,avx2,fma")
namespace avx512 {
struct Ops {
  using V = __m512d;
  static constexpr int kLanes = 8;
  static V load(const double* p) { return _mm512_load_pd(p); }
  static void store(double* p, V v) { _mm512_storeu_pd(p, v); }
  static V set1(double a) { return _mm512_set1_pd(a); }
  static V zero() { return _mm512_setzero_pd(); }
  static V add(V a, V b) { return _mm512_add_pd(a, b); }
  static V sub(V a, V b) { return _mm512_sub_pd(a, b); }
  static V mul(V a, V b) { return _mm512_mul_pd(a, b); }
  static V div(V a, V b) { return _mm512_div_pd(a, b); }
  static V sqrt(V a) { return _mm512_sqrt_pd(a); }
  static V fmadd(V a, V b, V c) { return _mm512_fmadd_pd(a, b, c); }
  static V fnmadd(V a, V b, V c) { return _mm512_fnmadd_pd(a, b, c); }
  static V rsqrt_estimate(V a) { return _mm512_rsqrt14_pd(a); }
  // The product's estimate on this target (Highway AVX3: vrsqrtps ymm on float(r2)).
  static V float_rsqrt_estimate(V a) { return _mm512_cvtps_pd(_mm256_rsqrt_ps(_mm512_cvtpd_ps(a))); }
  static double hsum(V v) {
    alignas(64) double l[8];
    _mm512_store_pd(l, v);
    double s = 0;
    for (double d : l) s += d;
    return s;
  }
};
#include "nbody_hand_kernel.inc"
}  // namespace avx512
HWY_POP_ATTRIBUTES

}  // namespace hand
