// Checkpoint files: exact doubles of the state, written in parallel, published atomically.
#include "rankwise/nbody/checkpoint.hpp"

#include <cmath>

#include "rankwise/errors.hpp"
#include "rankwise/io/h5.hpp"
#include "rankwise/io/output_path.hpp"

namespace rankwise::nbody {
namespace {

constexpr const char* kFormat = "rankwise-nbody-checkpoint 1";

std::vector<double> read_rows(const io::Group& g, const std::string& path,
                              const std::string& name, std::uint64_t n, std::uint64_t width) {
  if (!g.exists(name)) throw InputError("checkpoint '" + path + "': missing '" + name + "'");
  auto values = g.open_dataset(name).read<double>();
  if (values.size() != n * width) {
    throw InputError("checkpoint '" + path + "': '" + name + "' has the wrong size");
  }
  return values;
}

}  // namespace

void write_checkpoint(const std::string& path, const parallel::Comm& comm,
                      const Checkpoint& h, const State& state, std::span<const double> masses,
                      parallel::BlockRange own) {
  io::OutputPath out(path, {.overwrite = true, .keep_on_signal = true}, comm);
  {
    io::File file = io::File::create_parallel(out.temporary(), comm);
    {
      io::Group root = file.root();
      const std::uint64_t n = masses.size();
      root.attribute("format", std::string(kFormat));
      root.attribute("step", h.step);
      root.attribute("dt", h.dt);
      root.attribute("integrator", integrator_name(h.integrator));
      root.attribute("G", h.gravity.G);
      root.attribute("softening", h.gravity.softening);
      root.attribute("force_evaluations", h.force_evaluations);
      root.attribute("particles", n);
      root.write_rows<double>("positions", state.pos.interleaved(), n, own.begin, 3);
      root.write_rows<double>("velocities", state.vel.interleaved(), n, own.begin, 3);
      root.write_root<double>("masses", masses, {n});
      if (h.integrator == Integrator::hermite) {
        // The Hermite state of all N is on every rank: each writes its own rows.
        using parallel::slice;
        auto rows = [&](const Vec3s& v) {
          return Vec3s{slice(v.x, own), slice(v.y, own), slice(v.z, own)}.interleaved();
        };
        root.write_rows<double>("accelerations", rows(h.acc), n, own.begin, 3);
        root.write_rows<double>("jerks", rows(h.jerk), n, own.begin, 3);
        root.write_rows<double>("time_steps", slice(h.time_steps, own), n, own.begin, 1);
        root.write_rows<double>("particle_times", slice(h.times, own), n, own.begin, 1);
        root.attribute("dt_min_hits", h.dt_min_hits);
        root.attribute("eta", h.hermite.eta);
        root.attribute("eta_start", h.hermite.eta_start);
        root.attribute("dt_max", h.hermite.dt_max);
        root.attribute("dt_min", h.hermite.dt_min);
        root.attribute("shared_step", h.hermite.shared ? 1 : 0);
        root.attribute("blocks", h.blocks);
        root.attribute("particle_steps", h.particle_steps);
      } else if (state.acc_valid) {
        root.write_rows<double>("accelerations", state.acc.interleaved(), n, own.begin, 3);
      }
    }
    file.close();
  }
  out.commit();
}

namespace {
Checkpoint read_checkpoint_unchecked(const std::string& path);

// Everything a restart trusts, checked: a hand-edited or damaged checkpoint is refused here,
// not found out as NaNs (or a division by zero) thousands of steps later.
void validate(const Checkpoint& c, const std::string& path) {
  auto bad = [&](const std::string& what) {
    throw InputError("checkpoint '" + path + "': " + what);
  };
  if (!(std::isfinite(c.dt) && c.dt > 0)) bad("dt must be finite and > 0");
  if (!(std::isfinite(c.gravity.G) && c.gravity.G > 0)) bad("G must be finite and > 0");
  if (!(std::isfinite(c.gravity.softening) && c.gravity.softening >= 0)) {
    bad("softening must be finite and >= 0");
  }
  if (c.bodies.size() == 0) bad("no particles");
  for (const auto* v : {&c.bodies.x, &c.bodies.y, &c.bodies.z, &c.bodies.vx, &c.bodies.vy,
                        &c.bodies.vz, &c.bodies.m, &c.acc.x, &c.acc.y, &c.acc.z}) {
    for (double d : *v) {
      if (!std::isfinite(d)) bad("holds a non-finite position, velocity, mass or acceleration");
    }
  }
  for (double m : c.bodies.m) {
    if (m < 0) bad("holds a negative mass");
  }
  if (c.integrator == Integrator::hermite) {
    const HermiteParams& h = c.hermite;
    if (!(std::isfinite(h.eta) && h.eta > 0 && std::isfinite(h.eta_start) && h.eta_start > 0)) {
      bad("eta and eta_start must be finite and > 0");
    }
    if (!is_power_of_two(h.dt_max) || !is_power_of_two(h.dt_min) || h.dt_min > h.dt_max) {
      bad("dt_max and dt_min must be powers of two with dt_min <= dt_max");
    }
    const double ratio = c.dt / h.dt_max;
    if (ratio != std::floor(ratio)) bad("dt (the snapshot interval) must be a multiple of dt_max");
    for (const auto* v : {&c.jerk.x, &c.jerk.y, &c.jerk.z}) {
      for (double d : *v) {
        if (!std::isfinite(d)) bad("holds a non-finite jerk");
      }
    }
    const double t = static_cast<double>(c.step) * c.dt;
    for (std::size_t i = 0; i < c.time_steps.size(); ++i) {
      const double s = c.time_steps[i];
      const double ti = c.times[i];
      if (!(ti >= t && ti <= t + c.dt)) {
        bad("holds a particle time outside the snapshot interval after step");
      }
      if (!is_power_of_two(s) || s < h.dt_min || s > h.dt_max || std::fmod(ti, s) != 0) {
        bad("holds a time step that is not a power of two in [dt_min, dt_max] on the block grid");
      }
    }
  }
}

std::uint64_t non_negative(std::int64_t v, const std::string& name, const std::string& path) {
  if (v < 0) throw InputError("checkpoint '" + path + "': '" + name + "' is negative");
  return static_cast<std::uint64_t>(v);
}
}  // namespace

Checkpoint read_checkpoint(const std::string& path) {
  try {
    Checkpoint c = read_checkpoint_unchecked(path);
    validate(c, path);
    return c;
  } catch (const Error& e) {
    // Name the file once, whichever layer found the problem.
    const std::string what = e.what();
    if (what.find(path) != std::string::npos) throw;
    throw InputError("checkpoint '" + path + "': " + what);
  }
}

namespace {
Checkpoint read_checkpoint_unchecked(const std::string& path) {
  io::File file = [&] {
    try {
      return io::File::open_read(path);
    } catch (const Error&) {
      throw InputError("checkpoint '" + path + "' is missing, unreadable or not an HDF5 file");
    }
  }();
  const io::Group root = file.root();
  if (!root.has_attribute("format") || root.string_attribute("format") != kFormat) {
    throw InputError("'" + path + "' is not a rankwise nbody checkpoint");
  }
  Checkpoint c;
  c.step = non_negative(root.int_attribute("step"), "step", path);
  c.dt = root.double_attribute("dt");
  const std::string integrator = root.string_attribute("integrator");
  if (integrator != "leapfrog" && integrator != "rk2" && integrator != "rk4" &&
      integrator != "hermite") {
    throw InputError("checkpoint '" + path + "': unknown integrator '" + integrator + "'");
  }
  c.integrator = parse_integrator(integrator, "checkpoint integrator");
  c.gravity.G = root.double_attribute("G");
  c.gravity.softening = root.double_attribute("softening");
  c.force_evaluations = non_negative(root.int_attribute("force_evaluations"), "force_evaluations", path);
  const auto n = non_negative(root.int_attribute("particles"), "particles", path);
  const Vec3s pos = Vec3s::from_interleaved(read_rows(root, path, "positions", n, 3));
  const Vec3s vel = Vec3s::from_interleaved(read_rows(root, path, "velocities", n, 3));
  c.bodies.m = read_rows(root, path, "masses", n, 1);
  c.bodies.x = pos.x;
  c.bodies.y = pos.y;
  c.bodies.z = pos.z;
  c.bodies.vx = vel.x;
  c.bodies.vy = vel.y;
  c.bodies.vz = vel.z;
  if (root.exists("accelerations")) {
    c.acc = Vec3s::from_interleaved(read_rows(root, path, "accelerations", n, 3));
  }
  if (c.integrator == Integrator::hermite) {
    if (!root.exists("accelerations")) throw InputError("checkpoint '" + path + "': missing 'accelerations'");
    c.jerk = Vec3s::from_interleaved(read_rows(root, path, "jerks", n, 3));
    c.time_steps = read_rows(root, path, "time_steps", n, 1);
    c.times = read_rows(root, path, "particle_times", n, 1);
    c.dt_min_hits = non_negative(root.int_attribute("dt_min_hits"), "dt_min_hits", path);
    c.hermite.eta = root.double_attribute("eta");
    c.hermite.eta_start = root.double_attribute("eta_start");
    c.hermite.dt_max = root.double_attribute("dt_max");
    c.hermite.dt_min = root.double_attribute("dt_min");
    c.hermite.shared = root.int_attribute("shared_step") != 0;
    c.blocks = non_negative(root.int_attribute("blocks"), "blocks", path);
    c.particle_steps = non_negative(root.int_attribute("particle_steps"), "particle_steps", path);
  }
  return c;
}

}  // namespace

void broadcast(Bodies& b, const parallel::Comm& comm) {
  for (auto* v : {&b.x, &b.y, &b.z, &b.vx, &b.vy, &b.vz, &b.m}) comm.broadcast(*v);
}

Checkpoint load_checkpoint(const std::string& path, const parallel::Comm& comm) {
  Checkpoint c;
  comm.agreed([&] {
    if (comm.is_root()) c = read_checkpoint(path);
  });
  broadcast(c.bodies, comm);
  for (auto* v : {&c.acc.x, &c.acc.y, &c.acc.z, &c.jerk.x, &c.jerk.y, &c.jerk.z, &c.time_steps,
                  &c.times}) {
    comm.broadcast(*v);
  }
  std::vector<double> reals = {c.dt, c.gravity.G, c.gravity.softening, c.hermite.eta,
                               c.hermite.eta_start, c.hermite.dt_max, c.hermite.dt_min};
  std::vector<std::uint64_t> counts = {c.step, c.force_evaluations,
                                       static_cast<std::uint64_t>(c.integrator),
                                       c.hermite.shared ? 1u : 0u, c.blocks, c.particle_steps,
                                       c.dt_min_hits};
  comm.broadcast(reals);
  comm.broadcast(counts);
  c.dt = reals[0];
  c.gravity.G = reals[1];
  c.gravity.softening = reals[2];
  c.step = counts[0];
  c.force_evaluations = counts[1];
  c.integrator = static_cast<Integrator>(counts[2]);
  c.hermite = {reals[3], reals[4], reals[5], reals[6], counts[3] != 0};
  c.blocks = counts[4];
  c.particle_steps = counts[5];
  c.dt_min_hits = counts[6];
  return c;
}

}  // namespace rankwise::nbody
