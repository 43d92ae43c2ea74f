// Bodies and integrator names.
#include "rankwise/nbody/bodies.hpp"

#include "rankwise/errors.hpp"

namespace rankwise::nbody {

void Bodies::resize(std::size_t n) {
  for (auto* v : {&x, &y, &z, &vx, &vy, &vz, &m}) v->resize(n);
}

Bodies Bodies::from_rows(std::span<const double> positions, std::span<const double> velocities,
                         std::span<const double> masses) {
  Bodies b;
  b.resize(masses.size());
  for (std::size_t i = 0; i < masses.size(); ++i) {
    b.x[i] = positions[3 * i];
    b.y[i] = positions[3 * i + 1];
    b.z[i] = positions[3 * i + 2];
    b.vx[i] = velocities[3 * i];
    b.vy[i] = velocities[3 * i + 1];
    b.vz[i] = velocities[3 * i + 2];
    b.m[i] = masses[i];
  }
  return b;
}

Bodies Bodies::rows(std::size_t begin, std::size_t end) const {
  Bodies out;
  auto take = [&](const std::vector<double>& v) {
    return std::vector<double>(v.begin() + static_cast<std::ptrdiff_t>(begin),
                               v.begin() + static_cast<std::ptrdiff_t>(end));
  };
  out.x = take(x);
  out.y = take(y);
  out.z = take(z);
  out.vx = take(vx);
  out.vy = take(vy);
  out.vz = take(vz);
  out.m = take(m);
  return out;
}

std::string integrator_name(Integrator integrator) {
  switch (integrator) {
    case Integrator::leapfrog: return "leapfrog";
    case Integrator::rk2: return "rk2";
    case Integrator::rk4: return "rk4";
    case Integrator::hermite: return "hermite";
  }
  return "?";
}

Integrator parse_integrator(const std::string& name, const std::string& option) {
  if (name == "leapfrog") return Integrator::leapfrog;
  if (name == "rk2") return Integrator::rk2;
  if (name == "rk4") return Integrator::rk4;
  if (name == "hermite") return Integrator::hermite;
  throw UsageError(option + ": expected leapfrog, rk2, rk4 or hermite, got '" + name + "'");
}

int force_evaluations_per_step(Integrator integrator) {
  switch (integrator) {
    case Integrator::leapfrog: return 1;
    case Integrator::rk2: return 2;
    case Integrator::rk4: return 4;
    case Integrator::hermite: return 1;  // per block step, for the active particles only
  }
  return 0;
}

}  // namespace rankwise::nbody
