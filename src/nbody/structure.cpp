// Lagrangian radii and the Casertano & Hut core radius of a snapshot.
#include "rankwise/nbody/structure.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>

namespace rankwise::nbody {

std::array<double, 3> lagrangian_radii(std::span<const double> x, std::span<const double> y,
                                       std::span<const double> z, std::span<const double> m,
                                       const std::array<double, 3>& centre) {
  const std::size_t n = m.size();
  std::vector<double> r2(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double dx = x[i] - centre[0], dy = y[i] - centre[1], dz = z[i] - centre[2];
    r2[i] = dx * dx + dy * dy + dz * dz;
  }
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return r2[a] < r2[b] || (r2[a] == r2[b] && a < b);
  });
  double total = 0;
  for (std::size_t i : order) total += m[i];
  std::array<double, 3> radii;
  radii.fill(std::numeric_limits<double>::quiet_NaN());
  double cumulative = 0;
  std::size_t next = 0;
  for (std::size_t i : order) {
    cumulative += m[i];
    while (next < radii.size() && cumulative >= lagrangian_fractions[next] * total) {
      radii[next++] = std::sqrt(r2[i]);
    }
  }
  return radii;
}

std::vector<double> neighbour_densities(std::span<const double> x, std::span<const double> y,
                                        std::span<const double> z, std::span<const double> m,
                                        std::size_t first, std::size_t count, int threads) {
  constexpr std::size_t k = density_neighbour;
  constexpr std::size_t block = 64;
  const std::size_t n = m.size();
  std::vector<double> rho(count, std::numeric_limits<double>::quiet_NaN());
  if (n <= k) return rho;
  const auto rows = static_cast<std::ptrdiff_t>(count);
  // Rows are independent and each writes only rho[row]: no shared state. Static schedule:
  // every row costs the same N distances.
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::ptrdiff_t row = 0; row < rows; ++row) {
    const std::size_t i = first + static_cast<std::size_t>(row);
    const double xi = x[i], yi = y[i], zi = z[i];
    // The k nearest so far, by (distance^2, index); j runs upward, so an equal distance found
    // later never displaces one found earlier.
    std::array<double, k> near_d2;
    std::array<std::size_t, k> near_j{};
    near_d2.fill(std::numeric_limits<double>::infinity());
    double d2[block];
    for (std::size_t j0 = 0; j0 < n; j0 += block) {
      const std::size_t len = std::min(block, n - j0);
      double closest = std::numeric_limits<double>::infinity();
      for (std::size_t b = 0; b < len; ++b) {  // vectorisable
        const double dx = x[j0 + b] - xi, dy = y[j0 + b] - yi, dz = z[j0 + b] - zi;
        d2[b] = dx * dx + dy * dy + dz * dz;
        closest = std::min(closest, d2[b]);
      }
      if (i >= j0 && i < j0 + len) {
        d2[i - j0] = std::numeric_limits<double>::infinity();
        closest = 0;  // recompute below without self
      }
      if (!(closest < near_d2[k - 1])) continue;  // most blocks: nothing nearer
      for (std::size_t b = 0; b < len; ++b) {
        if (!(d2[b] < near_d2[k - 1])) continue;
        std::size_t p = k - 1;
        while (p > 0 && near_d2[p - 1] > d2[b]) {
          near_d2[p] = near_d2[p - 1];
          near_j[p] = near_j[p - 1];
          --p;
        }
        near_d2[p] = d2[b];
        near_j[p] = j0 + b;
      }
    }
    double mass = 0;
    for (std::size_t q = 0; q + 1 < k; ++q) mass += m[near_j[q]];
    const double r = std::sqrt(near_d2[k - 1]);
    rho[static_cast<std::size_t>(row)] = mass / (4.0 / 3.0 * std::numbers::pi * r * r * r);
  }
  return rho;
}

void density_radius(std::span<const double> x, std::span<const double> y,
                    std::span<const double> z, std::span<const double> rho, Structure& out) {
  double w = 0, cx = 0, cy = 0, cz = 0;
  for (std::size_t i = 0; i < rho.size(); ++i) {
    w += rho[i];
    cx += rho[i] * x[i];
    cy += rho[i] * y[i];
    cz += rho[i] * z[i];
  }
  out.density_centre = {cx / w, cy / w, cz / w};
  double sum = 0;
  for (std::size_t i = 0; i < rho.size(); ++i) {
    const double dx = x[i] - out.density_centre[0], dy = y[i] - out.density_centre[1],
                 dz = z[i] - out.density_centre[2];
    sum += rho[i] * std::sqrt(dx * dx + dy * dy + dz * dz);
  }
  out.core_radius = sum / w;
}

Structure measure_structure(const parallel::Comm& comm, const State& state,
                            std::span<const double> masses, parallel::BlockRange own,
                            const std::array<double, 3>& centre, int threads,
                            timing::PhaseTimer& timer) {
  const std::size_t n = masses.size();
  std::vector<int> counts, offsets;
  for (int r = 0; r < comm.size(); ++r) {
    const auto part = parallel::block_range(n, static_cast<std::uint64_t>(r),
                                            static_cast<std::uint64_t>(comm.size()));
    counts.push_back(static_cast<int>(part.size()));
    offsets.push_back(static_cast<int>(part.begin));
  }
  std::vector<double> x(n), y(n), z(n);
  {
    auto scope = timer.scope(timing::Phase::communicate);
    comm.all_gather_v(state.pos.x, x, counts, offsets);
    comm.all_gather_v(state.pos.y, y, counts, offsets);
    comm.all_gather_v(state.pos.z, z, counts, offsets);
  }
  Structure s;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  {
    auto scope = timer.scope(timing::Phase::compute);
    s.lagrangian_radii = lagrangian_radii(x, y, z, masses, centre);
  }
  s.core_radius = nan;
  s.density_centre = {nan, nan, nan};
  if (n <= density_neighbour || n > core_radius_max_particles) return s;
  std::vector<double> local, rho(n);
  {
    auto scope = timer.scope(timing::Phase::compute);
    local = neighbour_densities(x, y, z, masses, own.begin, own.size(), threads);
  }
  {
    auto scope = timer.scope(timing::Phase::communicate);
    comm.all_gather_v(local, rho, counts, offsets);
  }
  auto scope = timer.scope(timing::Phase::compute);
  density_radius(x, y, z, rho, s);
  return s;
}

}  // namespace rankwise::nbody
