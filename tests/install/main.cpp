// Downstream use of an installed rankwise::core: the pi series on one process, no MPI start-up.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <numbers>

#include "rankwise/build_info.hpp"
#include "rankwise/parallel/block_range.hpp"
#include "rankwise/pi/series.hpp"

int main() {
  namespace pi = rankwise::pi;
  constexpr std::uint64_t n = std::uint64_t{1} << 20;
  const auto all_chunks = rankwise::parallel::block_range(pi::series_chunks(n), 0, 1);
  const double estimate = pi::series_estimate(pi::series_partial(n, all_chunks, 1), n);
  // Midpoint rule: pi_N - pi = 1/(12 N^2) to leading order, ~7.6e-14 here.
  const double error = estimate - std::numbers::pi;
  std::printf("rankwise %s (%s): pi_N = %.15f, error %.2e\n", rankwise::build::version,
              rankwise::build::git_commit, estimate, error);
  return std::abs(error) < 1e-12 ? 0 : 1;
}
