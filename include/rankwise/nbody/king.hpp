#pragma once
/// The King (1966) model: lowered isothermal sphere, f(E) proportional to exp(-E/sigma^2) - 1.
#include <vector>

namespace rankwise::nbody {

/// The smallest and largest dimensionless central potential W0 accepted.
inline constexpr double king_w0_min = 0.1;
inline constexpr double king_w0_max = 16.0;

/// Radial profile of a King model in King units (G = 1, sigma = 1, King radius r0 = 1,
/// central density 9 / 4 pi): Poisson's equation W'' + 2 W' / r = -9 rho(W) / rho(W0)
/// integrated outward by RK4 in ln r from the centre to the tidal radius, where W = 0.
struct KingProfile {
  double w0 = 0;
  std::vector<double> r, w, mass;  ///< radius, W(r), M(<r), increasing in r; last row: r_t
  double tidal_radius = 0;         ///< r_t (the King radius is 1)
  double total_mass = 0;           ///< M(r_t)
  double potential_energy = 0;     ///< -integral G M(r) / r dM of the isolated model
  /// log10(r_t / r0).
  [[nodiscard]] double concentration() const;
  /// Radius enclosing the fraction `fraction` of the mass (linear in the table).
  [[nodiscard]] double radius_of_mass(double fraction) const;
  /// W at radius `radius` (0 beyond r_t).
  [[nodiscard]] double potential_at(double radius) const;
};

/// Density of the lowered Maxwellian at potential W, relative to units where sigma = 1
/// (not normalised): e^W erf(sqrt W) - sqrt(4 W / pi) (1 + 2 W / 3), 0 for W <= 0.
[[nodiscard]] double king_density(double w);

/// Solve the King ODE for central potential `w0` (king_w0_min..king_w0_max).
[[nodiscard]] KingProfile king_profile(double w0);

}  // namespace rankwise::nbody
