#pragma once
/// The /nbody group of the output: frames written while the run goes, diagnostics at the end.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "rankwise/io/h5.hpp"
#include "rankwise/nbody/diagnostics.hpp"
#include "rankwise/nbody/integrators.hpp"
#include "rankwise/parallel/block_range.hpp"

namespace rankwise::nbody {

/// Steps at which frames are written: `first`, every multiple of `every` after it, and `last`.
[[nodiscard]] std::vector<std::uint64_t> frame_steps(std::uint64_t first, std::uint64_t last,
                                                     std::uint64_t every);

/// Writes /nbody/positions and /nbody/velocities [F,N,3] frame by frame (chunked, each rank
/// its own rows, collectively), and the per-frame diagnostics at the end.
class TrajectoryWriter {
 public:
  /// collective: create /nbody in `root` for `frames` frames of `n` particles.
  TrajectoryWriter(io::Group& root, std::uint64_t n, std::uint64_t frames,
                   parallel::BlockRange own);
  /// collective: frame number `frame` at `time` (this rank's rows of `state`).
  void write_frame(std::uint64_t frame, double time, const State& state, const Diagnostics& d);
  /// collective: a frame taken over from an earlier output (this rank's [rows, 3] values).
  void write_frame_rows(std::uint64_t frame, double time, std::span<const double> positions,
                        std::span<const double> velocities, const Diagnostics& d);
  /// Frames written so far.
  [[nodiscard]] std::uint64_t frames_written() const noexcept { return time_.size(); }
  /// collective: times, energies, momentum, centre of mass, virial ratio, Lagrangian radii,
  /// core radius and density centre, masses; then closes datasets. A
  /// trajectory that stopped early is cut to the frames written.
  void finish(std::span<const double> masses);
  /// The group, for attributes.
  [[nodiscard]] io::Group& group() noexcept { return group_; }

 private:
  std::uint64_t n_;
  parallel::BlockRange own_;
  io::Group group_;
  io::Dataset positions_, velocities_;
  std::vector<double> time_, kinetic_, potential_, total_, momentum_, centre_;
  std::vector<double> virial_, lagrangian_, core_, density_centre_;
};

}  // namespace rankwise::nbody
