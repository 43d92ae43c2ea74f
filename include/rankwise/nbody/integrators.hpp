#pragma once
/// Time integrators over one rank's particles; forces come from a callback, so the
/// integrators know nothing about ranks (the driver's callback all-gathers positions).
#include <functional>
#include <vector>

#include "rankwise/nbody/bodies.hpp"

namespace rankwise::nbody {

/// Three components of a per-particle vector field (SoA).
struct Vec3s {
  std::vector<double> x, y, z;
  /// Resize all three to `n`, new entries zero.
  void resize(std::size_t n);
  [[nodiscard]] std::size_t size() const noexcept { return x.size(); }
  /// Rows [x, y, z] one after another: the [n, 3] layout of the HDF5 files.
  [[nodiscard]] std::vector<double> interleaved() const;
  /// The inverse of interleaved(): `rows` holds [n, 3] values.
  [[nodiscard]] static Vec3s from_interleaved(const std::vector<double>& rows);
};

/// The accelerations `acc` at positions `pos` (this rank's rows); also fills `phi`
/// (potential per unit mass) when it is not null.
using ForceFn = std::function<void(const Vec3s& pos, Vec3s& acc, double* phi)>;

/// What an integrator advances: this rank's rows, plus cached values that stay valid as long
/// as the positions do not change.
struct State {
  Vec3s pos, vel;
  Vec3s acc;                    ///< a(pos), valid when acc_valid (leapfrog reuses it)
  bool acc_valid = false;
  std::vector<double> phi;      ///< potential at pos, valid when phi_valid
  bool phi_valid = false;
};

/// Advance `state` by one step of `dt`. `want_potential` asks for phi at the new positions
/// when it comes for free (leapfrog's closing force evaluation). Returns the number of
/// force evaluations made.
int step(Integrator integrator, State& state, double dt, const ForceFn& force,
         bool want_potential);

/// Make acc (and phi) valid at the current positions if they are not; returns evaluations made.
int prepare(State& state, const ForceFn& force, bool want_potential);

}  // namespace rankwise::nbody
