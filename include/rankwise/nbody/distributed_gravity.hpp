#pragma once
/// Forces and diagnostics of one rank's block of particles, from all N particles.
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "rankwise/nbody/bodies.hpp"
#include "rankwise/nbody/diagnostics.hpp"
#include "rankwise/nbody/gravity.hpp"
#include "rankwise/nbody/integrators.hpp"
#include "rankwise/parallel/block_range.hpp"
#include "rankwise/parallel/comm.hpp"
#include "rankwise/timing/phase_timer.hpp"

namespace rankwise::nbody {

/// Particles are block-distributed (parallel::block_range). Each force evaluation
/// all-gathers the positions with native MPI doubles into global order, then the kernel
/// computes this rank's rows over all N sources.
class DistributedGravity {
 public:
  /// `masses`: all N masses (identical on every rank).
  DistributedGravity(const parallel::Comm& comm, std::span<const double> masses, Gravity gravity,
                     int threads, timing::PhaseTimer& timer);

  /// This rank's rows.
  [[nodiscard]] parallel::BlockRange own() const noexcept { return own_; }
  /// This rank's masses.
  [[nodiscard]] std::span<const double> own_masses() const noexcept { return own_masses_; }

  /// collective: accelerations (and potentials, if `phi`) of this rank's rows at `pos`.
  void evaluate(const Vec3s& pos, Vec3s& acc, double* phi);
  /// evaluate() as an integrator callback.
  [[nodiscard]] ForceFn callback() {
    return [this](const Vec3s& p, Vec3s& a, double* phi) { evaluate(p, a, phi); };
  }

  /// collective: diagnostics of `state` (phi must be valid): one all-gather of packed terms.
  [[nodiscard]] Diagnostics diagnostics(const State& state);

  /// Called on this rank during each long evaluation (more than ~1e8 interactions here) with
  /// the fraction of it done so far; for progress reports. Unset: no calls.
  void on_progress(std::function<void(double fraction)> report) { progress_ = std::move(report); }

  /// Force evaluations (N^2 passes) made so far, plus any set by set_evaluations.
  [[nodiscard]] std::uint64_t evaluations() const noexcept { return evaluations_; }
  void set_evaluations(std::uint64_t count) noexcept { evaluations_ = count; }

 private:
  const parallel::Comm& comm_;
  Gravity gravity_;
  int threads_;
  timing::PhaseTimer& timer_;
  parallel::BlockRange own_;
  std::vector<double> own_masses_;
  double total_mass_ = 0;
  std::vector<int> counts_, offsets_;  // rows per rank, in elements of one array
  Sources sources_;
  std::uint64_t evaluations_ = 0;
  std::function<void(double)> progress_;
};

}  // namespace rankwise::nbody
