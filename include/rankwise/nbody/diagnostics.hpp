#pragma once
/// Conserved quantities of the system: energies, momentum, centre of mass.
#include <array>
#include <span>
#include <vector>

#include "rankwise/nbody/integrators.hpp"

namespace rankwise::nbody {

/// Diagnostics of one snapshot.
struct Diagnostics {
  double kinetic = 0;
  double potential = 0;  ///< 1/2 sum m_i phi_i, phi softened like the force
  std::array<double, 3> momentum{};
  std::array<double, 3> centre_of_mass{};
  [[nodiscard]] double total() const noexcept { return kinetic + potential; }
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
