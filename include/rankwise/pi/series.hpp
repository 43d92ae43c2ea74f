#pragma once
/// The midpoint series pi_N = 4/N * sum_{i=1..N} 1/(1+((i-0.5)/N)^2).
#include <cstdint>

#include "rankwise/parallel/block_range.hpp"
#include "rankwise/pi/exact_sum.hpp"

namespace rankwise::pi {

/// Terms per chunk. Chunks are the unit of work and of rounding: each chunk's sum is computed
/// the same way whoever computes it, which makes results independent of ranks and threads.
inline constexpr std::uint64_t series_chunk_terms = 1u << 14;
/// Largest N: (i - 0.5) must be exact in a double.
inline constexpr std::uint64_t series_max_terms = std::uint64_t{1} << 52;
/// Up to this N every term is evaluated in double-double (slower, exact to ~1e-30).
inline constexpr std::uint64_t series_exact_terms_limit = std::uint64_t{1} << 20;

/// Number of chunks for N terms.
[[nodiscard]] constexpr std::uint64_t series_chunks(std::uint64_t n) {
  return (n + series_chunk_terms - 1) / series_chunk_terms;
}

/// Exact sum of the chunk sums of chunks [chunks.begin, chunks.end) of the N-term series,
/// computed by `threads` OpenMP threads (static split of chunks; any split gives the same bits).
[[nodiscard]] ExactSum series_partial(std::uint64_t n, parallel::BlockRange chunks, int threads);

/// Sum of one chunk as a double-double (hi, lo), SIMD kernel (runtime-dispatched).
void series_chunk_sum(std::uint64_t n, std::uint64_t chunk, double& hi, double& lo);

/// Same chunk evaluated term by term in double-double arithmetic (reference, small N).
void series_chunk_sum_exact(std::uint64_t n, std::uint64_t chunk, double& hi, double& lo);

/// pi_N from the exact total of all chunks.
[[nodiscard]] inline double series_estimate(const ExactSum& total, std::uint64_t n) {
  return scaled_quotient(total, 4.0, static_cast<double>(n));
}

}  // namespace rankwise::pi
