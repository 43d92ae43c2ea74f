// Energies, momentum and centre of mass from per-particle terms.
#include "rankwise/nbody/diagnostics.hpp"

namespace rankwise::nbody {

std::vector<double> diagnostic_terms_of(const State& s, std::span<const double> masses) {
  const std::size_t n = masses.size();
  std::vector<double> t(n * diagnostic_terms);
  for (std::size_t i = 0; i < n; ++i) {
    const double m = masses[i];
    const double vx = s.vel.x[i], vy = s.vel.y[i], vz = s.vel.z[i];
    double* row = t.data() + i * diagnostic_terms;
    row[0] = 0.5 * m * (vx * vx + vy * vy + vz * vz);
    row[1] = 0.5 * m * s.phi[i];
    row[2] = m * vx;
    row[3] = m * vy;
    row[4] = m * vz;
    row[5] = m * s.pos.x[i];
    row[6] = m * s.pos.y[i];
    row[7] = m * s.pos.z[i];
  }
  return t;
}

Diagnostics sum_diagnostics(std::span<const double> terms, double total_mass) {
  std::array<double, diagnostic_terms> sum{};
  for (std::size_t i = 0; i < terms.size(); i += diagnostic_terms) {
    for (std::size_t k = 0; k < diagnostic_terms; ++k) sum[k] += terms[i + k];
  }
  Diagnostics d;
  d.kinetic = sum[0];
  d.potential = sum[1];
  d.momentum = {sum[2], sum[3], sum[4]};
  const double inv = total_mass > 0 ? 1.0 / total_mass : 0.0;
  d.centre_of_mass = {sum[5] * inv, sum[6] * inv, sum[7] * inv};
  return d;
}

}  // namespace rankwise::nbody
