#pragma once
/// Monte Carlo pi with counter-based random numbers (Philox4x32-10, Random123).
/// Sample k uses Philox call k/2 with counter (k/2 low, k/2 high, 0, 0) and key (seed low,
/// seed high); even k takes output words 0,1 as (x, y), odd k words 2,3. A sample hits when
/// (x+0.5)^2 + (y+0.5)^2 < 2^64, i.e. the point falls inside the quarter unit circle.
#include <cstdint>

#include "rankwise/parallel/block_range.hpp"

namespace rankwise::pi {

/// Hits among samples [samples.begin, samples.end) with `threads` OpenMP threads.
[[nodiscard]] std::uint64_t montecarlo_hits(std::uint64_t seed, parallel::BlockRange samples,
                                            int threads);

/// Hits among whole Philox calls [call_begin, call_end) (2 samples each), SIMD kernel.
[[nodiscard]] std::uint64_t montecarlo_hits_calls(std::uint64_t seed, std::uint64_t call_begin,
                                                  std::uint64_t call_end);

/// Reference: one sample at a time through Random123's own philox4x32 (tests, edges).
[[nodiscard]] std::uint64_t montecarlo_hits_reference(std::uint64_t seed, std::uint64_t begin,
                                                      std::uint64_t end);

/// Estimate 4 hits / samples and its standard error 4 sqrt(p (1-p) / samples).
struct MonteCarloEstimate {
  double estimate = 0;
  double std_error = 0;
};
[[nodiscard]] MonteCarloEstimate montecarlo_estimate(std::uint64_t hits, std::uint64_t samples);

}  // namespace rankwise::pi
