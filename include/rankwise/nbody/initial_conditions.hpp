#pragma once
/// Initial conditions: generated (rank-independent, counter-based RNG) or read from HDF5.
#include <cstdint>
#include <string>

#include "rankwise/nbody/bodies.hpp"

namespace rankwise::nbody {

/// `n` unit masses with positions and velocities uniform in the unit cube. Particle i depends
/// only on (seed, i): Philox4x32 keyed by the seed, counter = particle index.
[[nodiscard]] Bodies uniform_cube(std::uint64_t n, std::uint64_t seed);

/// A Plummer sphere sampled as Aarseth, Henon & Wielen (1974), in Henon units (M = 1,
/// E = -1/4 for G = 1; velocities scale with sqrt(G)), radii beyond 10 scale radii redrawn,
/// then shifted so the centre of mass is at rest at the origin.
[[nodiscard]] Bodies plummer_sphere(std::uint64_t n, std::uint64_t seed, double G);

/// Read root datasets positions [N,3], velocities [N,3], masses [N] (floating point, finite,
/// masses >= 0). Throws InputError naming the file and the dataset.
[[nodiscard]] Bodies read_initial_conditions(const std::string& path);

/// Write Bodies in the layout read_initial_conditions expects (serial; tests and tools).
void write_initial_conditions(const std::string& path, const Bodies& bodies);

}  // namespace rankwise::nbody
