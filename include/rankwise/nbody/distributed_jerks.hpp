#pragma once
/// j-parallel accelerations and jerks for the Hermite integrator: every rank holds all
/// predicted particles, computes the partials of the active particles from its own slabs of
/// sources, and the partials are reduced (one max of exponents, one sum of integer limbs:
/// active x 6 x 4 doubles). The sum is order-independent, so results are bitwise identical
/// for any number of ranks and threads.
#include <cstdint>
#include <span>
#include <vector>

#include "rankwise/nbody/bodies.hpp"
#include "rankwise/nbody/hermite.hpp"
#include "rankwise/parallel/block_range.hpp"
#include "rankwise/parallel/comm.hpp"
#include "rankwise/timing/phase_timer.hpp"

namespace rankwise::nbody {

/// The same sums on one process: every slab here, reduced through the same window sum, so
/// the bits equal DistributedJerks' on any number of ranks (a reference for tests and tools).
[[nodiscard]] JerkFn local_jerks(Gravity gravity, int threads);

class DistributedJerks {
 public:
  DistributedJerks(const parallel::Comm& comm, std::size_t n, Gravity gravity, int threads,
                   timing::PhaseTimer& timer);

  /// collective: see JerkFn.
  void evaluate(const JerkSources& predicted, std::span<const std::uint32_t> active,
                std::span<double> out);
  [[nodiscard]] JerkFn callback() {
    return [this](const JerkSources& p, std::span<const std::uint32_t> a, std::span<double> o) {
      evaluate(p, a, o);
    };
  }
  /// This rank's slabs of sources.
  [[nodiscard]] parallel::BlockRange slabs() const noexcept { return slabs_; }

 private:
  const parallel::Comm& comm_;
  Gravity gravity_;
  int threads_;
  timing::PhaseTimer& timer_;
  parallel::BlockRange slabs_;
  std::vector<double> partials_, exponents_, limbs_;
};

}  // namespace rankwise::nbody
