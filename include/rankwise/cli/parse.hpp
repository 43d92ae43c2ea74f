#pragma once
/// Parsing of option values into checked numbers (no CLI11 here, so it is unit-testable).
#include <cstdint>
#include <string>
#include <vector>

namespace rankwise::cli {

/// A positive count from "1000000", "1e10" or "2.5e9". Throws UsageError naming `option`
/// for zero, negatives, fractions, non-numbers, overflow (e.g. 1e400) and values > `max`.
[[nodiscard]] std::uint64_t parse_count(const std::string& text, const std::string& option,
                                        std::uint64_t max = std::uint64_t{1} << 63);

/// A 64-bit seed: a non-negative integer (throws UsageError naming `option` otherwise).
[[nodiscard]] std::uint64_t parse_seed(const std::string& text, const std::string& option = "--seed");

/// A finite real number; `positive` also rejects zero and negatives.
[[nodiscard]] double parse_real(const std::string& text, const std::string& option,
                                bool positive);

/// The candidate closest to `word` by edit distance, if at most `max_distance` edits away
/// (ties: the first); empty otherwise. For "did you mean ...?".
[[nodiscard]] std::string closest(const std::string& word, const std::vector<std::string>& candidates,
                                  std::size_t max_distance = 2);

/// OpenMP threads per rank when --threads is not given: OMP_NUM_THREADS if valid, else 1.
[[nodiscard]] int default_threads();

}  // namespace rankwise::cli
