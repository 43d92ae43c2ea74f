#pragma once
/// Particles as structure-of-arrays, and the knobs of the gravity model.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace rankwise::nbody {

/// Positions, velocities and masses of a set of particles (all N, or one rank's rows).
struct Bodies {
  std::vector<double> x, y, z;
  std::vector<double> vx, vy, vz;
  std::vector<double> m;

  /// Number of particles.
  [[nodiscard]] std::size_t size() const noexcept { return m.size(); }
  /// Resize every array to `n` particles.
  void resize(std::size_t n);
  /// From positions and velocities as [n, 3] rows (the HDF5 layout) and n masses.
  [[nodiscard]] static Bodies from_rows(std::span<const double> positions,
                                        std::span<const double> velocities,
                                        std::span<const double> masses);
  /// Rows [begin, end) as a new Bodies.
  [[nodiscard]] Bodies rows(std::size_t begin, std::size_t end) const;
};

/// Gravity: G and the Plummer softening length.
struct Gravity {
  double G = 1.0;
  double softening = 0.01;
};

/// The time integrators: fixed global steps (leapfrog, rk2, rk4), or 4th-order Hermite with
/// individual block steps (see hermite.hpp).
enum class Integrator { leapfrog, rk2, rk4, hermite };

/// "leapfrog", "rk2", "rk4", "hermite".
[[nodiscard]] std::string integrator_name(Integrator integrator);
/// Inverse of integrator_name; throws UsageError naming `option` for anything else.
[[nodiscard]] Integrator parse_integrator(const std::string& name, const std::string& option);
/// Full force evaluations per step (leapfrog 1, rk2 2, rk4 4).
[[nodiscard]] int force_evaluations_per_step(Integrator integrator);

}  // namespace rankwise::nbody
