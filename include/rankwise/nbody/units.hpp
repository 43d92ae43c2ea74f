#pragma once
/// Unit systems of `rankwise nbody --units`: labels for the numbers and the default G.
#include <string>

namespace rankwise::nbody {

/// One system of units. The numbers of a run are in these units; G is its value in them.
struct UnitSystem {
  std::string name;      ///< "nbody", "si", "astro"
  std::string length, mass, time, velocity;
  double G = 1.0;
};

/// "nbody" (Henon units, G = 1), "si" (m, kg, s; G = 6.67430e-11), "astro" (pc, M_sun, Myr;
/// G = 4.498502151469554e-3 pc^3 / (M_sun Myr^2)). Throws UsageError naming `option`.
[[nodiscard]] UnitSystem unit_system(const std::string& name, const std::string& option);

}  // namespace rankwise::nbody
