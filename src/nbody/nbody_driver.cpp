// rankwise nbody: validate -> load -> decompose -> integrate (frames, checkpoints) -> write
// -> report.
#include "rankwise/nbody/nbody_driver.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "rankwise/driver/memory.hpp"
#include "rankwise/errors.hpp"
#include "rankwise/nbody/checkpoint.hpp"
#include "rankwise/nbody/distributed_gravity.hpp"
#include "rankwise/nbody/initial_conditions.hpp"
#include "rankwise/nbody/trajectory.hpp"
#include "rankwise/nbody/xdmf.hpp"

namespace rankwise::nbody {
namespace {

using timing::Phase;

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
Checkpoint initial_state(const NbodyOptions& o, const parallel::Comm& comm) {
  if (o.source == Source::restart) {
    Checkpoint c = load_checkpoint(o.path, comm);
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
  if (o.source == Source::file) {
    comm.agreed([&] {
      if (comm.is_root()) c.bodies = read_initial_conditions(o.path);
    });
    broadcast(c.bodies, comm);
  } else {
    // Generated on every rank (O(N)); particle i depends only on (seed, i).
    c.bodies = o.source == Source::uniform ? uniform_cube(o.particles, o.seed)
                                           : plummer_sphere(o.particles, o.seed, o.gravity.G);
  }
  return c;
}

// This rank's rows of the start state.
State own_state(const Checkpoint& c, parallel::BlockRange own) {
  State s;
  auto take = [&](const std::vector<double>& v) {
    return std::vector<double>(v.begin() + static_cast<std::ptrdiff_t>(own.begin),
                               v.begin() + static_cast<std::ptrdiff_t>(own.end));
  };
  s.pos = {take(c.bodies.x), take(c.bodies.y), take(c.bodies.z)};
  s.vel = {take(c.bodies.vx), take(c.bodies.vy), take(c.bodies.vz)};
  if (!c.acc.x.empty()) {
    s.acc = {take(c.acc.x), take(c.acc.y), take(c.acc.z)};
    s.acc_valid = true;
  }
  return s;
}

// |E_last - E_first| / |E_first| (absolute when E_first is 0).
double energy_error(const Diagnostics& first, const Diagnostics& last) {
  const double change = std::fabs(last.total() - first.total());
  return first.total() != 0 ? change / std::fabs(first.total()) : change;
}

std::string summary(const Checkpoint& c, std::uint64_t n, double energy_error, double rate,
                    double per_core, const NbodyOptions& o, double wall) {
  char line[512];
  std::snprintf(line, sizeof line,
                "nbody (%s, N=%llu, steps %llu..%llu, dt %g): relative energy error %.3e  "
                "%s interactions/s (%s per core)  wall %.3f s",
                integrator_name(c.integrator).c_str(), static_cast<unsigned long long>(n),
                static_cast<unsigned long long>(c.step), static_cast<unsigned long long>(o.steps),
                c.dt, energy_error, driver::si(rate).c_str(), driver::si(per_core).c_str(), wall);
  return line;
}

/// What the integration loop hands back for the report.
struct Outcome {
  Diagnostics first, last;
  std::vector<double> times;       // of the frames written
  double loop_seconds = 0;         // wall time of the step loop
  std::uint64_t evaluations = 0;   // force evaluations in the step loop
};

// collective: the step loop inside the open output file: frames at the planned steps (with
// their diagnostics), checkpoints, progress; then the /nbody attributes and diagnostics.
Outcome integrate(const NbodyOptions& o, const Checkpoint& start, DistributedGravity& gravity,
                  State& state, io::Group& root, driver::Run& run) {
  const auto& comm = run.comm();
  const std::uint64_t n = start.bodies.size();
  const ForceFn force = gravity.callback();
  const auto frames = frame_steps(start.step, o.steps, o.snapshot_every);
  TrajectoryWriter trajectory(root, n, frames.size(), gravity.own());
  Outcome out;
  std::size_t next_frame = 0;
  auto snapshot = [&](std::uint64_t step) {
    prepare(state, force, true);
    const Diagnostics d = gravity.diagnostics(state);
    auto scope = run.timer().scope(Phase::write);
    const double t = static_cast<double>(step) * start.dt;
    trajectory.write_frame(next_frame++, t, state, d);
    out.times.push_back(t);
    return d;
  };
  out.first = out.last = snapshot(start.step);

  driver::Progress progress(run, "nbody", static_cast<double>(o.steps - start.step));
  const std::uint64_t evaluations_before = gravity.evaluations();
  const double t0 = timing::now();
  for (std::uint64_t s = start.step + 1; s <= o.steps; ++s) {
    const bool frame = next_frame < frames.size() && frames[next_frame] == s;
    step(start.integrator, state, start.dt, force, frame);
    if (frame) out.last = snapshot(s);
    if (!o.checkpoint.empty() &&
        (s == o.steps || (o.checkpoint_every != 0 && s % o.checkpoint_every == 0))) {
      auto scope = run.timer().scope(Phase::write);
      Checkpoint header = start;
      header.step = s;
      header.force_evaluations = gravity.evaluations();
      write_checkpoint(o.checkpoint, comm, header, state, start.bodies.m, gravity.own());
    }
    const double pairs = static_cast<double>(gravity.evaluations() - evaluations_before) *
                         static_cast<double>(n) * static_cast<double>(n - 1);
    char extra[160];
    std::snprintf(extra, sizeof extra, "step %llu  t=%.4g  %s interactions/s",
                  static_cast<unsigned long long>(s), static_cast<double>(s) * start.dt,
                  driver::si(pairs / (timing::now() - t0)).c_str());
    progress.update(static_cast<double>(s - start.step), extra);
  }
  out.loop_seconds = timing::now() - t0;
  out.evaluations = gravity.evaluations() - evaluations_before;

  auto scope = run.timer().scope(Phase::write);
  io::Group& g = trajectory.group();
  g.attribute("integrator", integrator_name(start.integrator));
  g.attribute("dt", start.dt);
  g.attribute("G", start.gravity.G);
  g.attribute("softening", start.gravity.softening);
  g.attribute("particles", n);
  g.attribute("steps", o.steps);
  g.attribute("first_step", start.step);
  g.attribute("force_evaluations", gravity.evaluations());
  g.attribute("relative_energy_error", energy_error(out.first, out.last));
  trajectory.finish(start.bodies.m);
  return out;
}

}  // namespace

int run(const NbodyOptions& o, driver::Run& run) {
  const auto& comm = run.comm();
  const std::string sidecar = xdmf_path(run.options().output);
  {
    auto scope = run.timer().scope(Phase::setup);
    run.reserve_output();
    comm.agreed([&] {
      if (comm.is_root()) io::check_writable(sidecar, run.options().overwrite);
      // Checkpoints replace their predecessor; a bad location must fail now, not after the run.
      if (comm.is_root() && !o.checkpoint.empty()) io::check_writable(o.checkpoint, true);
    });
  }
  Checkpoint start;
  {
    auto scope = run.timer().scope(Phase::read);
    const bool generated = o.source == Source::uniform || o.source == Source::plummer;
    if (generated) check_fits(o.particles, comm);
    start = initial_state(o, comm);
    if (!generated) check_fits(start.bodies.size(), comm);
  }
  const std::uint64_t n = start.bodies.size();
  DistributedGravity gravity(comm, start.bodies.m, start.gravity, run.threads(), run.timer());
  gravity.set_evaluations(start.force_evaluations);
  State state = own_state(start, gravity.own());

  Outcome out;
  {
    io::Group root = run.open_output();
    out = integrate(o, start, gravity, state, root, run);
  }
  run.close_output();
  {
    auto scope = run.timer().scope(Phase::write);
    comm.agreed([&] {  // after the .h5 is in place, so the sidecar never points at nothing
      if (!comm.is_root()) return;
      const std::string h5_name = std::filesystem::path(run.options().output).filename().string();
      write_text_atomically(sidecar, xdmf_document(h5_name, n, out.times));
    });
  }

  const double pairs = static_cast<double>(out.evaluations) * static_cast<double>(n) *
                       static_cast<double>(n - 1);
  const double rate = out.loop_seconds > 0 ? pairs / out.loop_seconds : 0;
  const double cores = static_cast<double>(comm.size()) * run.threads();
  run.say(summary(start, n, energy_error(out.first, out.last), rate, rate / cores, o,
                  run.elapsed()));
  run.report_timings();
  return 0;
}

}  // namespace rankwise::nbody
