// The series over a range of chunks: OpenMP across chunks, exact accumulation.
#include <omp.h>

#include <algorithm>
#include <cmath>

#include "rankwise/pi/series.hpp"

namespace rankwise::pi {
namespace {

struct DD {
  double hi = 0.0;
  double lo = 0.0;
};

// Error-free transformations (Knuth TwoSum, Dekker with FMA).
inline DD two_sum(double a, double b) {
  const double s = a + b;
  const double bb = s - a;
  return {s, (a - (s - bb)) + (b - bb)};
}
inline DD add(DD a, DD b) {
  DD s = two_sum(a.hi, b.hi);
  s.lo += a.lo + b.lo;
  const double hi = s.hi + s.lo;
  return {hi, s.lo - (hi - s.hi)};
}

}  // namespace

void series_chunk_sum_exact(std::uint64_t n, std::uint64_t chunk, double& hi, double& lo) {
  const std::uint64_t first = chunk * series_chunk_terms + 1;
  const std::uint64_t last = std::min(n, (chunk + 1) * series_chunk_terms);
  const double nd = static_cast<double>(n);
  DD acc;
  for (std::uint64_t i = first; i <= last; ++i) {
    const double m = static_cast<double>(i) - 0.5;
    // x = m / N in double-double
    const double xh = m / nd;
    const double xl = std::fma(-xh, nd, m) / nd;
    // p = x^2
    const double ph = xh * xh;
    const double pl = std::fma(xh, xh, -ph) + 2.0 * xh * xl;
    // q = 1 + p  (1 >= p)
    const double qh = 1.0 + ph;
    const double ql = ((1.0 - qh) + ph) + pl;
    // t = 1 / q
    const double th = 1.0 / qh;
    const double r = std::fma(-th, qh, 1.0) - th * ql;
    acc = add(acc, DD{th, r / qh});
  }
  hi = acc.hi;
  lo = acc.lo;
}

ExactSum series_partial(std::uint64_t n, parallel::BlockRange chunks, int threads) {
  const bool exact = n <= series_exact_terms_limit;
  ExactSum total;
  // Each thread sums a static block of chunks into its own ExactSum; integer addition makes
  // the combination order irrelevant, so the critical section order does not matter.
#pragma omp parallel num_threads(threads)
  {
    ExactSum mine;
    const auto count = static_cast<std::int64_t>(chunks.size());
#pragma omp for schedule(static)
    for (std::int64_t k = 0; k < count; ++k) {
      double hi = 0.0;
      double lo = 0.0;
      const std::uint64_t chunk = chunks.begin + static_cast<std::uint64_t>(k);
      if (exact) {
        series_chunk_sum_exact(n, chunk, hi, lo);
      } else {
        series_chunk_sum(n, chunk, hi, lo);
      }
      mine.add(hi, lo);
    }
#pragma omp critical(rankwise_series_sum)
    total += mine;
  }
  return total;
}

}  // namespace rankwise::pi
