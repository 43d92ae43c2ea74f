#pragma once
/// `rankwise pi`: the midpoint series or Monte Carlo, once, to a tolerance, or as a sweep.
#include <cstdint>
#include <optional>
#include <string>

#include "rankwise/driver/run.hpp"

namespace rankwise::pi {

enum class Method { series, montecarlo };

/// Validated options of `rankwise pi`.
struct PiOptions {
  Method method = Method::series;
  std::uint64_t count = 1'000'000'000;  ///< terms (series) or samples (Monte Carlo); the cap
                                        ///< in tolerance mode
  std::uint64_t seed = 42;
  std::optional<double> tolerance;      ///< stop once |estimate - pi| < tolerance
  std::uint64_t batch = 10'000'000;     ///< Monte Carlo samples added per tolerance step
  bool sweep = false;                   ///< N = 10, 100, ... up to count
};

/// collective: run the driver; returns the process exit code.
[[nodiscard]] int run(const PiOptions& options, driver::Run& run);

}  // namespace rankwise::pi
