// The state a run starts from: generated, read from a file or a checkpoint, checked to fit,
// described in the output; and this rank's rows of it.
#include "start_state.hpp"

#include <cmath>
#include <cstdio>

#include "rankwise/driver/memory.hpp"
#include "rankwise/errors.hpp"
#include "rankwise/io/output_path.hpp"
#include "rankwise/nbody/initial_conditions.hpp"
#include "rankwise/nbody/units.hpp"

namespace rankwise::nbody::detail {
namespace {

// A hermite checkpoint continues to --t-end: as snapshot intervals (steps) of the checkpoint.
void hermite_steps(const Checkpoint& c, NbodyOptions& o) {
  if (c.integrator != Integrator::hermite) {
    if (o.t_end > 0) {
      throw CollectiveError("--t-end: applies to hermite checkpoints; '" + o.path +
                                "' is " + integrator_name(c.integrator) + " (use --steps)",
                            ExitCode::usage);
    }
    return;
  }
  char now[64];
  std::snprintf(now, sizeof now, "%.17g", static_cast<double>(c.step) * c.dt);
  if (o.t_end == 0) {
    throw CollectiveError("--t-end: needed to continue the hermite checkpoint '" + o.path +
                              "' (it is at t = " + now + ")",
                          ExitCode::usage);
  }
  const double intervals = o.t_end / c.dt;
  if (intervals != std::floor(intervals) || intervals * c.dt != o.t_end) {
    char dt[64];
    std::snprintf(dt, sizeof dt, "%.17g", c.dt);
    throw CollectiveError("--t-end: must be a multiple of the checkpoint's snapshot interval " +
                              std::string(dt),
                          ExitCode::usage);
  }
  o.steps = static_cast<std::uint64_t>(intervals);
  o.snapshot_every = 1;
  o.dt = c.dt;
}

}  // namespace

// collective: refuse clearly before allocating if N particles cannot fit. Per rank: all N
// bodies, gathered sources and packed diagnostics (~20 doubles per particle), plus own rows
// of state, RK stages and frame buffers (~48 doubles per owned particle).
void check_fits(std::uint64_t n, const parallel::Comm& comm) {
  const double nd = static_cast<double>(n);
  driver::check_memory(comm, 8.0 * (20.0 * nd + 48.0 * nd / comm.size()),
                       "nbody with N=" + std::to_string(n),
                       "use fewer particles or spread the ranks over more nodes");
}

// collective: the state to start from, identical on every rank.
Checkpoint initial_state(NbodyOptions& o, const parallel::Comm& comm, Origin& origin) {
  if (o.source == Source::restart) {
    comm.agreed([&] {
      if (comm.is_root()) io::check_regular_file(o.path, "--restart");
    });
    Checkpoint c = load_checkpoint(o.path, comm);
    hermite_steps(c, o);
    origin.kind = "restart";
    if (c.step >= o.steps) {
      throw CollectiveError("--steps: the checkpoint '" + o.path + "' is at step " +
                                std::to_string(c.step) + "; ask for more steps than that",
                            ExitCode::usage);
    }
    return c;
  }
  Checkpoint c;
  c.dt = o.dt;
  c.integrator = o.integrator;
  c.gravity = o.gravity;
  c.hermite = o.hermite;
  if (o.source == Source::file) {
    std::vector<std::uint64_t> read{0, 0};  // kind (0 file, 1 csv, 2 frame), frame
    comm.agreed([&] {
      if (comm.is_root()) io::check_regular_file(o.path, "--ic");
      if (!comm.is_root()) return;
      InitialFile f = read_initial_file(o.path, o.ic_frame);
      c.bodies = std::move(f.bodies);
      read = {f.kind == "csv" ? 1u : f.kind == "frame" ? 2u : 0u, f.frame};
    });
    broadcast(c.bodies, comm);
    comm.broadcast(read);
    origin.kind = read[0] == 1 ? "csv" : read[0] == 2 ? "frame" : "file";
    origin.source = o.path;
    if (read[0] == 2) origin.frame = static_cast<std::int64_t>(read[1]);
  } else {
    // Generated on every rank (O(N)); particle i depends only on (seed, i).
    c.bodies = o.source == Source::uniform ? uniform_cube(o.particles, o.seed)
               : o.source == Source::king  ? king_sphere(o.particles, o.seed, o.w0, o.gravity.G)
                                           : plummer_sphere(o.particles, o.seed, o.gravity.G);
    origin.kind = o.source == Source::uniform ? "uniform"
                  : o.source == Source::king  ? "king"
                                              : "plummer";
  }
  return c;
}

// collective: /nbody attributes saying how the initial state was made and in which units.
void describe(io::Group& g, const NbodyOptions& o, const Origin& origin) {
  g.attribute("ic", origin.kind);
  if (!origin.source.empty()) g.attribute("source", origin.source);
  if (origin.kind == "frame") g.attribute("ic_frame", origin.frame);
  if (origin.kind == "uniform" || origin.kind == "plummer" || origin.kind == "king") {
    g.attribute("seed", o.seed);
  }
  if (origin.kind == "king") g.attribute("w0", o.w0);
  const UnitSystem u = unit_system(o.units, "--units");
  g.attribute("units", u.name);
  g.attribute("length_unit", u.length);
  g.attribute("mass_unit", u.mass);
  g.attribute("time_unit", u.time);
  g.attribute("velocity_unit", u.velocity);
}

// This rank's rows of the start state.
State own_state(const Checkpoint& c, parallel::BlockRange own) {
  State s;
  auto take = [&](const std::vector<double>& v) { return parallel::slice(v, own); };
  s.pos = {take(c.bodies.x), take(c.bodies.y), take(c.bodies.z)};
  s.vel = {take(c.bodies.vx), take(c.bodies.vy), take(c.bodies.vz)};
  if (!c.acc.x.empty()) {
    s.acc = {take(c.acc.x), take(c.acc.y), take(c.acc.z)};
    s.acc_valid = true;
  }
  return s;
}

// This rank's rows of the Hermite system's positions and velocities (synchronised).
void own_rows(const Hermite& h, parallel::BlockRange own, State& s) {
  using parallel::slice;
  s.pos = {slice(h.positions().x, own), slice(h.positions().y, own), slice(h.positions().z, own)};
  s.vel = {slice(h.velocities().x, own), slice(h.velocities().y, own),
           slice(h.velocities().z, own)};
  s.acc_valid = false;  // the diagnostics' own force evaluation, not Hermite's
  s.phi_valid = false;
}

}  // namespace rankwise::nbody::detail
