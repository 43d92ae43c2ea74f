#pragma once
/// Conserved quantities of the system: energies, momentum, centre of mass; and its structure.
#include <array>
#include <cmath>
#include <limits>
#include <span>
#include <vector>

#include "rankwise/nbody/integrators.hpp"

namespace rankwise::nbody {

/// Structure of one snapshot (nbody/structure.hpp computes it; NaN where not computed).
struct Structure {
  static constexpr double unset = std::numeric_limits<double>::quiet_NaN();
  std::array<double, 3> lagrangian_radii{unset, unset, unset};  ///< 10, 50, 90 % of the mass
  double core_radius = unset;  ///< Casertano & Hut density radius about density_centre
  std::array<double, 3> density_centre{unset, unset, unset};
};

/// Diagnostics of one snapshot.
struct Diagnostics {
  double kinetic = 0;
  double potential = 0;  ///< 1/2 sum m_i phi_i, phi softened like the force
  std::array<double, 3> momentum{};
  std::array<double, 3> centre_of_mass{};
  Structure structure;
  [[nodiscard]] double total() const noexcept { return kinetic + potential; }
  /// Virial ratio Q = 2K / |W| (1 in virial equilibrium; W is the softened potential energy).
  [[nodiscard]] double virial_ratio() const noexcept {
    return potential != 0 ? 2.0 * kinetic / std::abs(potential) : Structure::unset;
  }
};

/// Values each particle contributes, packed per particle so that one all-gather collects
/// every diagnostic: 1/2 m v^2, 1/2 m phi, m v (3), m x (3).
inline constexpr std::size_t diagnostic_terms = 8;

/// This rank's packed terms ([rows x diagnostic_terms], row-major); `masses` are its rows'.
[[nodiscard]] std::vector<double> diagnostic_terms_of(const State& state,
                                                      std::span<const double> masses);

/// Diagnostics from the packed terms of all N particles in global order (summed in that
/// order, so the result does not depend on how particles were split over ranks).
[[nodiscard]] Diagnostics sum_diagnostics(std::span<const double> terms, double total_mass);

}  // namespace rankwise::nbody
