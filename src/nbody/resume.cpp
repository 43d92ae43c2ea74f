// Taking over the frames of a stopped run's output.
#include "rankwise/nbody/resume.hpp"

#include <filesystem>

#include "rankwise/errors.hpp"
#include "rankwise/io/h5.hpp"
#include "rankwise/io/output_path.hpp"
#include "rankwise/nbody/trajectory.hpp"

namespace rankwise::nbody {
namespace {

std::int64_t attribute_or(const io::Group& g, const std::string& name, std::int64_t fallback) {
  return g.has_attribute(name) ? g.int_attribute(name) : fallback;
}

}  // namespace

bool complete_output(const std::string& path, std::uint64_t steps, const parallel::Comm& comm) {
  std::uint64_t yes = 0;
  comm.agreed([&] {
    if (!comm.is_root() || !std::filesystem::is_regular_file(path)) return;
    try {
      const io::File f = io::File::open_read(path);
      const io::Group g = f.root().open_group("nbody");
      yes = attribute_or(g, "completed", 1) == 1 &&
                    attribute_or(g, "last_step", -1) == static_cast<std::int64_t>(steps)
                ? 1
                : 0;
    } catch (const Error&) {
      yes = 0;
    }
  });
  return comm.max(yes) != 0;
}

std::optional<CarriedFrames> stopped_output(const ResumeCheck& check, const parallel::Comm& comm) {
  CarriedFrames c;
  c.path = check.output;
  // Per frame: time, kinetic, potential, momentum (3), centre (3), Lagrangian radii (3), core
  // radius, density centre (3).
  constexpr std::size_t kPacked = 16;
  std::vector<double> packed;
  std::vector<std::uint64_t> header(2, 0);  // first_step, count
  bool found = false;
  comm.agreed([&] {
    if (!comm.is_root()) return;
    io::check_regular_file(check.output, "the stopped run's output");
    if (!std::filesystem::exists(check.output)) return;
    auto other = [&](const std::string& why) {
      throw InputError("'" + check.output + "' is not the stopped output of this run (" + why +
                       "); move it away or choose another -o");
    };
    const io::File f = io::File::open_read(check.output);
    const io::Group root = f.root();
    if (!root.exists("nbody")) other("no /nbody group");
    const io::Group g = root.open_group("nbody");
    if (attribute_or(g, "completed", 1) != 0) other("it is a complete run");
    if (attribute_or(g, "particles", -1) != static_cast<std::int64_t>(check.particles)) {
      other("another particle count");
    }
    if (attribute_or(g, "steps", -1) != static_cast<std::int64_t>(check.steps)) {
      other("it was run with another --steps");
    }
    if (attribute_or(g, "snapshot_every", -1) != static_cast<std::int64_t>(check.snapshot_every)) {
      other("it was run with another --snapshot-every");
    }
    const auto first = attribute_or(g, "first_step", -1);
    if (first < 0 || static_cast<std::uint64_t>(first) > check.checkpoint_step) {
      other("its first step is after the checkpoint's");
    }
    const auto time = g.open_dataset("time").read<double>();
    const auto kinetic = g.open_dataset("kinetic_energy").read<double>();
    const auto potential = g.open_dataset("potential_energy").read<double>();
    const auto momentum = g.open_dataset("momentum").read<double>();
    const auto centre = g.open_dataset("center_of_mass").read<double>();
    // Structure of each frame (NaN in outputs written before these datasets existed).
    auto optional = [&](const std::string& name, std::size_t per_frame) {
      return g.exists(name) ? g.open_dataset(name).read<double>()
                            : std::vector<double>(per_frame * time.size(), Structure::unset);
    };
    const auto lagrangian = optional("lagrangian_radii", 3);
    const auto core = optional("core_radius", 1);
    const auto density_centre = optional("density_center", 3);
    const auto frames = frame_steps(static_cast<std::uint64_t>(first), check.steps,
                                    check.snapshot_every);
    const std::uint64_t stored = time.size();
    if (kinetic.size() != stored || potential.size() != stored || momentum.size() != 3 * stored ||
        centre.size() != 3 * stored || lagrangian.size() != 3 * stored ||
        core.size() != stored || density_centre.size() != 3 * stored || stored > frames.size() ||
        g.open_dataset("positions").dims()[0] < stored) {
      other("its datasets do not match each other");
    }
    std::uint64_t count = 0;
    while (count < stored && frames[count] <= check.checkpoint_step) ++count;
    header = {static_cast<std::uint64_t>(first), count};
    for (std::uint64_t k = 0; k < count; ++k) {
      packed.insert(packed.end(), {time[k], kinetic[k], potential[k], momentum[3 * k],
                                   momentum[3 * k + 1], momentum[3 * k + 2], centre[3 * k],
                                   centre[3 * k + 1], centre[3 * k + 2], lagrangian[3 * k],
                                   lagrangian[3 * k + 1], lagrangian[3 * k + 2], core[k],
                                   density_centre[3 * k], density_centre[3 * k + 1],
                                   density_centre[3 * k + 2]});
    }
    found = true;
  });
  if (comm.max(std::uint64_t{found ? 1u : 0u}) == 0) return std::nullopt;
  comm.broadcast(header);
  comm.broadcast(packed);
  c.first_step = header[0];
  c.count = header[1];
  for (std::uint64_t k = 0; k < c.count; ++k) {
    const double* p = packed.data() + kPacked * k;
    c.time.push_back(p[0]);
    Diagnostics d;
    d.kinetic = p[1];
    d.potential = p[2];
    d.momentum = {p[3], p[4], p[5]};
    d.centre_of_mass = {p[6], p[7], p[8]};
    d.structure.lagrangian_radii = {p[9], p[10], p[11]};
    d.structure.core_radius = p[12];
    d.structure.density_centre = {p[13], p[14], p[15]};
    c.diagnostics.push_back(d);
  }
  return c;
}

void read_frame_rows(const std::string& path, std::uint64_t frame, parallel::BlockRange own,
                     std::vector<double>& positions, std::vector<double>& velocities) {
  positions.clear();
  velocities.clear();
  if (own.empty()) return;
  const io::File f = io::File::open_read(path);
  const io::Group g = f.root().open_group("nbody");
  const io::Dims start{frame, own.begin, 0};
  const io::Dims count{1, own.size(), 3};
  positions = g.open_dataset("positions").read_block<double>(start, count);
  velocities = g.open_dataset("velocities").read_block<double>(start, count);
}

}  // namespace rankwise::nbody
