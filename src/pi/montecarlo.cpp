// Monte Carlo pi over a range of global sample numbers.
#include <Random123/philox.h>

#include <omp.h>

#include <algorithm>
#include <cmath>

#include "rankwise/pi/montecarlo.hpp"

namespace rankwise::pi {

std::uint64_t montecarlo_hits_reference(std::uint64_t seed, std::uint64_t begin,
                                        std::uint64_t end) {
  r123::Philox4x32 rng;
  const r123::Philox4x32::key_type key = {
      {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
  std::uint64_t hits = 0;
  for (std::uint64_t k = begin; k < end; ++k) {
    const std::uint64_t call = k / 2;
    const r123::Philox4x32::ctr_type ctr = {
        {static_cast<std::uint32_t>(call), static_cast<std::uint32_t>(call >> 32), 0u, 0u}};
    const auto out = rng(ctr, key);
    const std::size_t w = (k % 2) * 2;
    const double x = static_cast<double>(out.v[w]) + 0.5;
    const double y = static_cast<double>(out.v[w + 1]) + 0.5;
    if (x * x + y * y < 18446744073709551616.0) ++hits;
  }
  return hits;
}

std::uint64_t montecarlo_hits(std::uint64_t seed, parallel::BlockRange samples, int threads) {
  if (samples.empty()) return 0;
  // Whole Philox calls go to the SIMD kernel; an odd sample at either end goes to the reference.
  const std::uint64_t first_call = (samples.begin + 1) / 2;
  const std::uint64_t end_call = samples.end / 2;
  std::uint64_t hits = 0;
  if (first_call >= end_call) return montecarlo_hits_reference(seed, samples.begin, samples.end);
  hits += montecarlo_hits_reference(seed, samples.begin, 2 * first_call);
  hits += montecarlo_hits_reference(seed, 2 * end_call, samples.end);
  // Hits are integers: any split over threads gives the same total.
  const std::uint64_t calls = end_call - first_call;
#pragma omp parallel num_threads(threads) reduction(+ : hits)
  {
    const auto part = parallel::block_range(calls, static_cast<std::uint64_t>(omp_get_thread_num()),
                                            static_cast<std::uint64_t>(omp_get_num_threads()));
    hits += montecarlo_hits_calls(seed, first_call + part.begin, first_call + part.end);
  }
  return hits;
}

MonteCarloEstimate montecarlo_estimate(std::uint64_t hits, std::uint64_t samples) {
  const double n = static_cast<double>(samples);
  const double p = static_cast<double>(hits) / n;
  return {4.0 * p, 4.0 * std::sqrt(p * (1.0 - p) / n)};
}

}  // namespace rankwise::pi
