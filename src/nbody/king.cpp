// The King (1966) model's radial profile from Poisson's equation.
#include "rankwise/nbody/king.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

namespace rankwise::nbody {

double king_density(double w) {
  if (w <= 0) return 0;
  if (w < 1e-3) {  // the difference cancels: leading term 8 / (15 sqrt(pi)) W^2.5
    return 8.0 / (15.0 * std::sqrt(std::numbers::pi)) * std::pow(w, 2.5);
  }
  return std::exp(w) * std::erf(std::sqrt(w)) -
         std::sqrt(4.0 * w / std::numbers::pi) * (1.0 + 2.0 * w / 3.0);
}

namespace {

// The state (W, dW/dr, M, potential energy) as a function of x = ln r.
using KingState = std::array<double, 4>;

KingState slope(double x, const KingState& s, double rho0) {
  const double r = std::exp(x);
  const double rho = king_density(s[0]) / rho0;
  const double dm = 9.0 * r * r * r * rho;  // dM/dx = 4 pi r^3 (9 / 4 pi) rho
  return {r * s[1], -9.0 * r * rho - 2.0 * s[1], dm, -s[2] / r * dm};
}

}  // namespace

KingProfile king_profile(double w0) {
  KingProfile p;
  p.w0 = w0;
  const double rho0 = king_density(w0);
  // Start off-centre on the series W = W0 - 3/2 r^2 (uniform core: M = 3 r^3).
  const double r_start = 1e-4;
  double x = std::log(r_start);
  KingState s{w0 - 1.5 * r_start * r_start, -3.0 * r_start, 3.0 * r_start * r_start * r_start,
              0.0};
  const double h = 1.0 / 1024.0;  // steps in ln r
  p.r.push_back(0);
  p.w.push_back(w0);
  p.mass.push_back(0);
  auto add = [&](double xr, const KingState& st) {
    p.r.push_back(std::exp(xr));
    p.w.push_back(st[0]);
    p.mass.push_back(st[2]);
  };
  add(x, s);
  for (int guard = 0; guard < 200000; ++guard) {
    const KingState k1 = slope(x, s, rho0);
    KingState t{};
    for (std::size_t i = 0; i < 4; ++i) t[i] = s[i] + 0.5 * h * k1[i];
    const KingState k2 = slope(x + 0.5 * h, t, rho0);
    for (std::size_t i = 0; i < 4; ++i) t[i] = s[i] + 0.5 * h * k2[i];
    const KingState k3 = slope(x + 0.5 * h, t, rho0);
    for (std::size_t i = 0; i < 4; ++i) t[i] = s[i] + h * k3[i];
    const KingState k4 = slope(x + h, t, rho0);
    KingState next{};
    for (std::size_t i = 0; i < 4; ++i) next[i] = s[i] + h / 6.0 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
    if (next[0] <= 0) {  // crossed the tidal radius: interpolate linearly in ln r
      const double f = s[0] / (s[0] - next[0]);
      KingState edge{};
      for (std::size_t i = 0; i < 4; ++i) edge[i] = s[i] + f * (next[i] - s[i]);
      edge[0] = 0;
      add(x + f * h, edge);
      s = edge;
      break;
    }
    s = next;
    x += h;
    add(x, s);
  }
  p.tidal_radius = p.r.back();
  p.total_mass = p.mass.back();
  // -integral M(r)/r dM is the self-energy of the isolated model (whatever W's zero).
  p.potential_energy = s[3];
  return p;
}

double KingProfile::concentration() const { return std::log10(tidal_radius); }

double KingProfile::radius_of_mass(double fraction) const {
  const double target = fraction * total_mass;
  const auto it = std::lower_bound(mass.begin(), mass.end(), target);
  if (it == mass.begin()) return 0;
  if (it == mass.end()) return tidal_radius;
  const std::size_t k = static_cast<std::size_t>(it - mass.begin());
  const double f = (target - mass[k - 1]) / (mass[k] - mass[k - 1]);
  return r[k - 1] + f * (r[k] - r[k - 1]);
}

double KingProfile::potential_at(double radius) const {
  if (radius >= tidal_radius) return 0;
  const auto it = std::upper_bound(r.begin(), r.end(), radius);
  const std::size_t k = static_cast<std::size_t>(it - r.begin());
  if (k == 0) return w0;
  if (k >= r.size()) return 0;
  const double f = (radius - r[k - 1]) / (r[k] - r[k - 1]);
  return w[k - 1] + f * (w[k] - w[k - 1]);
}

}  // namespace rankwise::nbody
