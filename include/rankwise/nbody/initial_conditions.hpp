#pragma once
/// Initial conditions: generated (rank-independent, counter-based RNG) or read from HDF5.
#include <cstdint>
#include <optional>
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

/// A King (1966) model of central potential `w0` (nbody/king.hpp), sampled particle by
/// particle like plummer_sphere: radius from the cumulative mass, speed by rejection from the
/// lowered Maxwellian. Henon units (M = 1, virial radius 1, E = -1/4 for G = 1), centre of
/// mass at rest at the origin.
[[nodiscard]] Bodies king_sphere(std::uint64_t n, std::uint64_t seed, double w0, double G);

/// Read root datasets positions [N,3], velocities [N,3], masses [N] (floating point, finite,
/// masses >= 0). Throws InputError naming the file and the dataset.
[[nodiscard]] Bodies read_initial_conditions(const std::string& path);

/// Read a CSV table with a header line naming the columns x,y,z,vx,vy,vz,m (any order; blank
/// lines and lines starting with # skipped). Throws InputError naming file, line and column.
[[nodiscard]] Bodies read_csv_initial_conditions(const std::string& path);

/// Positions and velocities of frame `frame` (negative: from the end) of a rankwise nbody
/// output, with its masses; `frame_used` receives the frame's index.
[[nodiscard]] Bodies read_output_frame(const std::string& path, std::int64_t frame,
                                       std::uint64_t& frame_used);

/// Particles read from an --ic file, and what the file was.
struct InitialFile {
  Bodies bodies;
  std::string kind;        ///< "csv", "file" (root positions/velocities/masses), "frame"
  std::uint64_t frame = 0; ///< kind "frame": the frame taken
};

/// Read any --ic file: *.csv as CSV, an HDF5 file with /nbody as an nbody output (frame
/// `frame`, default the last), else the root-dataset layout. Refuses checkpoints, outputs of
/// other drivers, and a frame for files that have none.
[[nodiscard]] InitialFile read_initial_file(const std::string& path,
                                            std::optional<std::int64_t> frame);

/// What read_initial_file would report for `path` (kind and frame), without reading the
/// particles (a continued run describes its initial conditions again).
[[nodiscard]] InitialFile describe_initial_file(const std::string& path,
                                                std::optional<std::int64_t> frame);

/// Write Bodies in the layout read_initial_conditions expects (serial; tests and tools).
void write_initial_conditions(const std::string& path, const Bodies& bodies);

}  // namespace rankwise::nbody
