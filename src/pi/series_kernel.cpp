// SIMD kernel for one chunk of the midpoint series, compiled for every Highway target and
// dispatched at run time (AVX-512, AVX2, SSE4, scalar).
//
// Sixteen "virtual lanes" are used on every target (4 AVX2 vectors, 2 AVX-512 vectors, ...),
// so the rounding of a chunk sum is the same on any x86 machine with FMA.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/pi/series_kernel.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include <cmath>
#include <cstdint>

#include "rankwise/pi/series.hpp"

HWY_BEFORE_NAMESPACE();
namespace rankwise::pi::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

constexpr std::size_t kVirtualLanes = 16;

// Sum of terms i = first .. first+count-1 as double-double. Each virtual lane keeps a
// Fast2Sum-compensated sum (terms are <= 1 and the running sum only grows, so |s| >= |t|).
void ChunkSumKernel(std::uint64_t n, std::uint64_t first, std::uint64_t count, double* hi,
                    double* lo) {
  const hn::ScalableTag<double> d;
  using V = hn::Vec<decltype(d)>;
  const std::size_t lanes = hn::Lanes(d);
  const std::size_t vectors = kVirtualLanes / lanes;

  const double nd = static_cast<double>(n);
  const double h_hi = 1.0 / nd;
  const double h_lo = std::fma(-h_hi, nd, 1.0) / nd;  // 1/N = h_hi + h_lo to ~2^-106
  const V vh_hi = hn::Set(d, h_hi);
  const V vh_lo = hn::Set(d, h_lo);
  const V one = hn::Set(d, 1.0);
  const V step = hn::Set(d, static_cast<double>(kVirtualLanes));

  // One vector of virtual lanes at a time, over the whole chunk: each lane's operations and
  // their order are exactly those of an interleaved loop, so are the bits; but the running
  // sum, its compensation and the index stay in registers (with arrays of vectors indexed in
  // an inner loop, GCC 12 kept the sums on the stack in the AVX-512 build: a store and a
  // reload per term). The divisions of successive iterations are independent, so they still
  // overlap; the loop-carried additions (4 cycles) are shorter than a division's issue cost.
  const double m0 = static_cast<double>(first) - 0.5;  // exact below 2^52
  const std::uint64_t steps = count / kVirtualLanes;
  HWY_ALIGN double sv[kVirtualLanes];
  HWY_ALIGN double cv[kVirtualLanes];
  for (std::size_t k = 0; k < vectors; ++k) {
    V s = hn::Zero(d);
    V c = hn::Zero(d);
    V m = hn::Iota(d, m0 + static_cast<double>(k * lanes));
    for (std::uint64_t it = 0; it < steps; ++it) {
      const V x = hn::MulAdd(m, vh_hi, hn::Mul(m, vh_lo));  // (i-0.5)/N, ~correctly rounded
      const V t = hn::Div(one, hn::MulAdd(x, x, one));
      const V sum = hn::Add(s, t);
      c = hn::Add(c, hn::Sub(t, hn::Sub(sum, s)));
      s = sum;
      m = hn::Add(m, step);
    }
    hn::Store(s, d, sv + k * lanes);
    hn::Store(c, d, cv + k * lanes);
  }
  // Tail: the same operations, one term per virtual lane.
  const std::uint64_t done = steps * kVirtualLanes;
  for (std::uint64_t r = 0; r < count - done; ++r) {
    const double mm = static_cast<double>(first + done + r) - 0.5;
    const double x = std::fma(mm, h_hi, mm * h_lo);
    const double t = 1.0 / std::fma(x, x, 1.0);
    const double sum = sv[r] + t;
    cv[r] += t - (sum - sv[r]);
    sv[r] = sum;
  }
  // Combine the lanes in a fixed order with TwoSum.
  double acc_hi = 0.0;
  double acc_lo = 0.0;
  for (std::size_t l = 0; l < kVirtualLanes; ++l) {
    const double sum = acc_hi + sv[l];
    const double b = sum - acc_hi;
    acc_lo += ((acc_hi - (sum - b)) + (sv[l] - b)) + cv[l];
    acc_hi = sum;
  }
  *hi = acc_hi + acc_lo;
  *lo = acc_lo - (*hi - acc_hi);
}

}  // namespace rankwise::pi::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace rankwise::pi {
HWY_EXPORT(ChunkSumKernel);

void series_chunk_sum(std::uint64_t n, std::uint64_t chunk, double& hi, double& lo) {
  const std::uint64_t first = chunk * series_chunk_terms + 1;
  const std::uint64_t last = std::min(n, (chunk + 1) * series_chunk_terms);
  hi = 0.0;
  lo = 0.0;
  if (first > last) return;
  HWY_DYNAMIC_DISPATCH(ChunkSumKernel)(n, first, last - first + 1, &hi, &lo);
}
}  // namespace rankwise::pi
#endif
