#pragma once
/// Structure of a snapshot: Lagrangian radii and the Casertano & Hut (1985) core radius.
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "rankwise/nbody/diagnostics.hpp"
#include "rankwise/nbody/integrators.hpp"
#include "rankwise/parallel/block_range.hpp"
#include "rankwise/parallel/comm.hpp"
#include "rankwise/timing/phase_timer.hpp"

namespace rankwise::nbody {

/// Mass fractions of the Lagrangian radii written per frame.
inline constexpr std::array<double, 3> lagrangian_fractions = {0.1, 0.5, 0.9};

/// Above this N the core radius is not computed (its neighbour search is O(N^2) per frame,
/// about the cost of one force evaluation at N = 1e5); it is written as NaN.
inline constexpr std::uint64_t core_radius_max_particles = std::uint64_t{1} << 17;

/// Neighbour whose distance defines the local density (Casertano & Hut's j = 6).
inline constexpr std::size_t density_neighbour = 6;

/// Radii about `centre` enclosing the lagrangian_fractions of the total mass: particles sorted
/// by (distance, index), the radius of the first whose cumulative mass reaches the fraction.
/// Needs all N particles in global order; the result does not depend on anything else.
[[nodiscard]] std::array<double, 3> lagrangian_radii(std::span<const double> x,
                                                     std::span<const double> y,
                                                     std::span<const double> z,
                                                     std::span<const double> m,
                                                     const std::array<double, 3>& centre);

/// Local densities of rows [first, first + count): the mass of the 5 nearest neighbours over
/// the volume of the sphere reaching the 6th (Casertano & Hut 1985), against all N. OpenMP
/// over rows; each row is searched by one thread in index order (ties: lower index first),
/// so the values do not depend on `threads`. N <= density_neighbour: NaN.
[[nodiscard]] std::vector<double> neighbour_densities(std::span<const double> x,
                                                      std::span<const double> y,
                                                      std::span<const double> z,
                                                      std::span<const double> m,
                                                      std::size_t first, std::size_t count,
                                                      int threads);

/// Density centre sum(rho x) / sum(rho) and core radius sum(rho |x - x_d|) / sum(rho) from
/// all N densities in global order (summed in that order).
void density_radius(std::span<const double> x, std::span<const double> y,
                    std::span<const double> z, std::span<const double> rho, Structure& out);

/// collective: the structure of `state` (this rank's rows `own`; `masses`: all N). Gathers the
/// positions (and the densities) in global order, so every rank gets the same bits whatever the
/// rank and thread counts.
[[nodiscard]] Structure measure_structure(const parallel::Comm& comm, const State& state,
                                          std::span<const double> masses,
                                          parallel::BlockRange own,
                                          const std::array<double, 3>& centre, int threads,
                                          timing::PhaseTimer& timer);

}  // namespace rankwise::nbody
