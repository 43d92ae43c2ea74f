// /nbody: chunked per-frame datasets written collectively, one frame per chunk row.
#include "rankwise/nbody/trajectory.hpp"

#include <algorithm>
#include <numeric>

#include "rankwise/nbody/structure.hpp"

namespace rankwise::nbody {
namespace {

// Rows per chunk: a chunk of one frame holds up to 2^16 particles (1.5 MiB of doubles),
// small enough for caches and large enough for efficient MPI-IO.
constexpr std::uint64_t kChunkRows = std::uint64_t{1} << 16;

}  // namespace

std::vector<std::uint64_t> frame_steps(std::uint64_t first, std::uint64_t last,
                                       std::uint64_t every) {
  std::vector<std::uint64_t> steps{first};
  for (std::uint64_t s = (first / every + 1) * every; s < last; s += every) steps.push_back(s);
  if (last != first) steps.push_back(last);
  return steps;
}

TrajectoryWriter::TrajectoryWriter(io::Group& root, std::uint64_t n, std::uint64_t frames,
                                   parallel::BlockRange own)
    : n_(n),
      own_(own),
      group_(root.create_group("nbody")),
      positions_(group_.create_dataset<double>("positions", {frames, n, 3},
                                               {1, std::min(n, kChunkRows), 3})),
      velocities_(group_.create_dataset<double>("velocities", {frames, n, 3},
                                                {1, std::min(n, kChunkRows), 3})) {}

void TrajectoryWriter::write_frame(std::uint64_t frame, double time, const State& state,
                                   const Diagnostics& d) {
  write_frame_rows(frame, time, state.pos.interleaved(), state.vel.interleaved(), d);
}

void TrajectoryWriter::write_frame_rows(std::uint64_t frame, double time,
                                        std::span<const double> positions,
                                        std::span<const double> velocities, const Diagnostics& d) {
  const io::Dims start{frame, own_.begin, 0};
  const io::Dims count =
      own_.empty() ? io::Dims{0, 0, 0} : io::Dims{1, own_.size(), 3};
  positions_.write_block<double>(positions, start, count);
  velocities_.write_block<double>(velocities, start, count);
  time_.push_back(time);
  kinetic_.push_back(d.kinetic);
  potential_.push_back(d.potential);
  total_.push_back(d.total());
  momentum_.insert(momentum_.end(), d.momentum.begin(), d.momentum.end());
  centre_.insert(centre_.end(), d.centre_of_mass.begin(), d.centre_of_mass.end());
  virial_.push_back(d.virial_ratio());
  const Structure& s = d.structure;
  lagrangian_.insert(lagrangian_.end(), s.lagrangian_radii.begin(), s.lagrangian_radii.end());
  core_.push_back(s.core_radius);
  density_centre_.insert(density_centre_.end(), s.density_centre.begin(), s.density_centre.end());
}

void TrajectoryWriter::finish(std::span<const double> masses) {
  const std::uint64_t f = time_.size();
  if (f < positions_.dims()[0]) {  // stopped early: keep only the frames written
    positions_.extend({f, n_, 3});
    velocities_.extend({f, n_, 3});
  }
  group_.write_root<double>("time", time_, {f});
  group_.write_root<double>("energy", total_, {f});
  group_.write_root<double>("kinetic_energy", kinetic_, {f});
  group_.write_root<double>("potential_energy", potential_, {f});
  group_.write_root<double>("momentum", momentum_, {f, 3});
  group_.write_root<double>("center_of_mass", centre_, {f, 3});
  group_.write_root<double>("virial_ratio", virial_, {f});
  group_.write_root<double>("lagrangian_radii", lagrangian_, {f, lagrangian_fractions.size()});
  group_.write_root<double>("mass_fraction", lagrangian_fractions,
                            {lagrangian_fractions.size()});
  group_.write_root<double>("core_radius", core_, {f});
  group_.write_root<double>("density_center", density_centre_, {f, 3});
  group_.write_root<double>("masses", masses, {n_});
  // The particle index 0..N-1 (the particle axis's dimension scale, and the sidecar's vertex
  // list), and one view per frame for readers that cannot select a frame (xdmf.cpp).
  std::vector<std::int64_t> index(own_.size());
  std::iota(index.begin(), index.end(), static_cast<std::int64_t>(own_.begin));
  group_.write_rows<std::int64_t>("particle", index, n_, own_.begin);
  group_.row_views("positions", "frames");
  group_.row_views("velocities", "frames");
  // Close the datasets now: an MPI-IO file must not close with objects still open.
  positions_ = io::Dataset(io::Handle(), nullptr);
  velocities_ = io::Dataset(io::Handle(), nullptr);
}

}  // namespace rankwise::nbody
