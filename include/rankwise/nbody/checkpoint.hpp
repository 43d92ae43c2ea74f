#pragma once
/// The full state of a run at one step: what a checkpoint stores and a restart reads.
#include <cstdint>
#include <span>
#include <string>

#include "rankwise/nbody/bodies.hpp"
#include "rankwise/nbody/hermite.hpp"
#include "rankwise/nbody/integrators.hpp"
#include "rankwise/parallel/block_range.hpp"
#include "rankwise/parallel/comm.hpp"

namespace rankwise::nbody {

/// Everything needed to continue a run bit for bit (all N particles, in global order).
struct Checkpoint {
  Bodies bodies;
  Vec3s acc;                           ///< a(positions) when cached (leapfrog); else empty
  std::uint64_t step = 0;              ///< steps done; time = step * dt
  double dt = 0;
  Integrator integrator = Integrator::leapfrog;
  Gravity gravity;
  std::uint64_t force_evaluations = 0;
  /// Hermite only: parameters, counts, and per particle the jerk and step (with `acc`, the
  /// Hermite accelerations at time step * dt, when every particle is synchronised).
  HermiteParams hermite;
  std::uint64_t blocks = 0, particle_steps = 0, dt_min_hits = 0;
  Vec3s jerk;
  std::vector<double> time_steps;  ///< each particle's current step
  /// Hermite: each particle's time; a checkpoint taken when a run stopped between snapshot
  /// times has particles at their own times in [step * dt, (step + 1) * dt).
  std::vector<double> times;
};

/// collective: write this rank's rows of `state` (rows `own` of N; `masses` all N) and the
/// header from `header` to `path`, atomically: a temporary beside it, renamed when complete.
void write_checkpoint(const std::string& path, const parallel::Comm& comm,
                      const Checkpoint& header, const State& state,
                      std::span<const double> masses, parallel::BlockRange own);

/// Read a checkpoint (serial, one rank). Throws InputError naming the file.
[[nodiscard]] Checkpoint read_checkpoint(const std::string& path);

/// collective: root reads `path`, every rank agrees on success, every rank gets the contents.
[[nodiscard]] Checkpoint load_checkpoint(const std::string& path, const parallel::Comm& comm);

/// collective: root's `bodies` replace everyone's.
void broadcast(Bodies& bodies, const parallel::Comm& comm);

}  // namespace rankwise::nbody
