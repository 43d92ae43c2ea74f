// The unit systems of --units.
#include "rankwise/nbody/units.hpp"

#include "rankwise/errors.hpp"

namespace rankwise::nbody {

UnitSystem unit_system(const std::string& name, const std::string& option) {
  if (name == "nbody") return {"nbody", "nbody length", "nbody mass", "nbody time", "nbody velocity", 1.0};
  if (name == "si") return {"si", "m", "kg", "s", "m/s", 6.67430e-11};  // CODATA 2018
  if (name == "astro") {
    // G = 4.30091e-3 pc (km/s)^2 / M_sun with 1 km/s = 1.0227121650537077 pc/Myr.
    return {"astro", "pc", "M_sun", "Myr", "pc/Myr", 4.498502151469554e-3};
  }
  throw UsageError(option + ": '" + name + "' is not a unit system (nbody, si, astro)");
}

}  // namespace rankwise::nbody
