// rankwise nbody: validate -> load -> decompose -> integrate (frames, checkpoints) -> write
// -> report.
#include "rankwise/nbody/nbody_driver.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <optional>

#include "rankwise/driver/memory.hpp"
#include "rankwise/errors.hpp"
#include "rankwise/nbody/checkpoint.hpp"
#include "rankwise/nbody/distributed_gravity.hpp"
#include "rankwise/nbody/distributed_jerks.hpp"
#include "rankwise/nbody/hermite.hpp"
#include "rankwise/nbody/initial_conditions.hpp"
#include "rankwise/nbody/resume.hpp"
#include "rankwise/nbody/structure.hpp"
#include "rankwise/io/output_path.hpp"
#include "rankwise/process/shutdown.hpp"
#include "rankwise/nbody/trajectory.hpp"
#include "rankwise/nbody/units.hpp"
#include "rankwise/nbody/xdmf.hpp"
#include "start_state.hpp"

namespace rankwise::nbody {
namespace {

using detail::check_fits;
using detail::describe;
using detail::initial_state;
using detail::Origin;
using detail::own_rows;
using detail::own_state;
using timing::Phase;

// |E_last - E_first| / |E_first| (absolute when E_first is 0).
double energy_error(const Diagnostics& first, const Diagnostics& last) {
  const double change = std::fabs(last.total() - first.total());
  return first.total() != 0 ? change / std::fabs(first.total()) : change;
}

std::string summary(const Checkpoint& c, std::uint64_t n, double energy_error, double rate,
                    double per_core, const NbodyOptions& o, double wall) {
  char line[512];
  if (c.integrator == Integrator::hermite) {
    std::snprintf(line, sizeof line,
                  "nbody (hermite, N=%llu, t %g..%g, eta %g): relative energy error %.3e  "
                  "%s interactions/s (%s per core)  wall %.3f s",
                  static_cast<unsigned long long>(n), static_cast<double>(c.step) * c.dt,
                  static_cast<double>(o.steps) * c.dt, c.hermite.eta, energy_error,
                  driver::si(rate).c_str(), driver::si(per_core).c_str(), wall);
    return line;
  }
  std::snprintf(line, sizeof line,
                "nbody (%s, N=%llu, steps %llu..%llu, dt %g): relative energy error %.3e  "
                "%s interactions/s (%s per core)  wall %.3f s",
                integrator_name(c.integrator).c_str(), static_cast<unsigned long long>(n),
                static_cast<unsigned long long>(c.step), static_cast<unsigned long long>(o.steps),
                c.dt, energy_error, driver::si(rate).c_str(), driver::si(per_core).c_str(), wall);
  return line;
}

// Force evaluations from the start state to step `steps`: the first (unless a checkpoint
// brought valid accelerations and no frame needs potentials), then 1, 2 or 4 per step, plus
// one per frame for the Runge-Kutta integrators (their steps leave no potentials).
double planned_evaluations(const Checkpoint& start, const State& state, std::uint64_t steps,
                           const std::vector<std::uint64_t>& frames, bool frame_at_start) {
  const bool leapfrog = start.integrator == Integrator::leapfrog;
  const double per_step = leapfrog ? 1 : start.integrator == Integrator::rk2 ? 2 : 4;
  const double first = frame_at_start || (leapfrog && !state.acc_valid) ? 1 : 0;
  double later_frames = 0;
  for (std::uint64_t f : frames) later_frames += f > start.step ? 1 : 0;
  return first + per_step * static_cast<double>(steps - start.step) +
         (leapfrog ? 0 : later_frames);
}

// Reports a long force evaluation's progress while it lives (the callback refers to the
// integration loop's locals, so it must not outlive them).
class ProgressHook {
 public:
  ProgressHook(DistributedGravity& gravity, std::function<void(double)> report)
      : gravity_(gravity) {
    gravity_.on_progress(std::move(report));
  }
  ~ProgressHook() { gravity_.on_progress({}); }
  ProgressHook(const ProgressHook&) = delete;
  ProgressHook& operator=(const ProgressHook&) = delete;

 private:
  DistributedGravity& gravity_;
};

/// What the integration loop hands back for the report.
struct Outcome {
  Diagnostics first, last;
  std::vector<double> times;       // of the frames written
  double loop_seconds = 0;         // wall time of the step loop
  std::uint64_t evaluations = 0;   // force evaluations in the step loop
  double pairs = 0;                // pair interactions in the step loop
  std::uint64_t last_step = 0;     // the step the state reached
  driver::Decision stop;           // action == stop: ended early (signal, time limit)
  std::string nonfinite;           // non-empty: the state became NaN/Inf (the message)
  std::uint64_t checkpoint_step = 0;  // last checkpoint written (0: none)
};

// True if this rank's rows are all finite; otherwise `row` is the first bad one.
bool finite_rows(const State& s, std::uint64_t& row) {
  for (const Vec3s* v : {&s.pos, &s.vel}) {
    for (const auto* c : {&v->x, &v->y, &v->z}) {
      for (std::size_t i = 0; i < c->size(); ++i) {
        if (!std::isfinite((*c)[i])) {
          row = i;
          return false;
        }
      }
    }
  }
  return true;
}

// collective: the message for a state that went non-finite (first step and particle over ranks).
std::string nonfinite_message(std::uint64_t bad_step, std::uint64_t bad_particle,
                              const Checkpoint& start, const parallel::Comm& comm) {
  const std::vector<double> mine{-static_cast<double>(bad_step), -static_cast<double>(bad_particle)};
  const auto all = comm.max(std::span<const double>(mine));
  char line[512];
  std::snprintf(line, sizeof line,
                "non-finite position or velocity at step %.0f (particle %.0f, t = %g)%s; the run "
                "stopped there",
                -all[0], -all[1], -all[0] * start.dt,
                start.gravity.softening == 0
                    ? ": likely a close encounter with --softening 0 (use a softening > 0 or a "
                      "smaller --dt)"
                    : ": likely a close encounter (use a larger --softening or a smaller --dt)");
  return line;
}

// collective: the step loop inside the open output file: frames at the planned steps (with
// their diagnostics), checkpoints, safe points; then the /nbody attributes and diagnostics.
Outcome integrate(const NbodyOptions& o, const Checkpoint& start,
                  const std::optional<CarriedFrames>& carried, const std::string& checkpoint,
                  DistributedGravity& gravity, Hermite* hermite, State& state, io::Group& root,
                  driver::Run& run) {
  const auto& comm = run.comm();
  const std::uint64_t n = start.bodies.size();
  const ForceFn force = gravity.callback();
  const std::uint64_t schedule_first = carried ? carried->first_step : start.step;
  const auto frames = frame_steps(schedule_first, o.steps, o.snapshot_every);
  TrajectoryWriter trajectory(root, n, frames.size(), gravity.own());
  Outcome out;
  std::size_t next_frame = 0;
  auto snapshot = [&](std::uint64_t step) {
    prepare(state, force, true);
    Diagnostics d = gravity.diagnostics(state);
    d.structure = measure_structure(comm, state, start.bodies.m, gravity.own(), d.centre_of_mass,
                                    run.threads(), run.timer());
    auto scope = run.timer().scope(Phase::write);
    const double t = static_cast<double>(step) * start.dt;
    trajectory.write_frame(next_frame++, t, state, d);
    out.times.push_back(t);
    return d;
  };
  if (carried) {  // the stopped run's frames, as it wrote them
    auto scope = run.timer().scope(Phase::write);
    std::vector<double> pos, vel;
    for (std::uint64_t k = 0; k < carried->count; ++k) {
      comm.agreed([&] { read_frame_rows(carried->path, k, gravity.own(), pos, vel); });
      trajectory.write_frame_rows(next_frame++, carried->time[k], pos, vel,
                                  carried->diagnostics[k]);
      out.times.push_back(carried->time[k]);
    }
    if (carried->count > 0) out.first = out.last = carried->diagnostics.front();
    if (carried->count > 0) out.last = carried->diagnostics.back();
  }
  // Progress counts force evaluations, reported within each long one, so the first (before
  // step 1, a minute at N = 3e5) shows at once and is part of the ETA.
  const bool frame_at_start = next_frame < frames.size() && frames[next_frame] == start.step;
  driver::Progress progress(
      run, "nbody",
      hermite != nullptr ? static_cast<double>(o.steps - start.step) * start.dt
                         : planned_evaluations(start, state, o.steps, frames, frame_at_start));
  const std::uint64_t evaluations_at_start = gravity.evaluations();
  const double progress_t0 = timing::now();
  std::uint64_t completed = start.step;  // the last step finished, for the progress line
  auto report = [&](double fraction) {
    const double evaluations =
        static_cast<double>(gravity.evaluations() - evaluations_at_start) + fraction;
    const double pairs = evaluations * static_cast<double>(n) * static_cast<double>(n - 1);
    const std::string rate = driver::si(pairs / (timing::now() - progress_t0)) + " interactions/s";
    char extra[160];
    if (gravity.evaluations() == evaluations_at_start) {  // the first, before any step
      std::snprintf(extra, sizeof extra, "forces at step %llu  %s",
                    static_cast<unsigned long long>(start.step), rate.c_str());
    } else {
      std::snprintf(extra, sizeof extra, "step %llu  t=%.4g  %s",
                    static_cast<unsigned long long>(completed),
                    static_cast<double>(completed) * start.dt, rate.c_str());
    }
    progress.update(evaluations, extra);
  };
  const ProgressHook hook(gravity, progress.enabled() && hermite == nullptr
                                      ? report
                                      : std::function<void(double)>{});
  // Hermite: progress in simulated time, reported after block steps.
  const std::uint64_t particle_steps_at_start = hermite != nullptr ? hermite->particle_steps() : 0;
  std::function<void(double)> on_block;  // progress
  if (hermite != nullptr && progress.enabled()) {
    on_block = [&](double t) {
      const double pairs = static_cast<double>(hermite->particle_steps() - particle_steps_at_start) *
                           static_cast<double>(n - 1);
      char extra[200];
      std::snprintf(extra, sizeof extra, "t=%.6g  %llu block steps  %s interactions/s", t,
                    static_cast<unsigned long long>(hermite->blocks()),
                    driver::si(pairs / (timing::now() - progress_t0)).c_str());
      progress.update(t - static_cast<double>(start.step) * start.dt, extra);
    };
  }
  if (frame_at_start) {
    out.last = snapshot(start.step);
    if (next_frame == 1) out.first = out.last;
  }

  auto write_state = [&](std::uint64_t s) {
    auto scope = run.timer().scope(Phase::write);
    const double t0 = timing::now();
    Checkpoint header = start;
    header.step = s;
    header.force_evaluations = gravity.evaluations();
    if (hermite != nullptr) {
      own_rows(*hermite, gravity.own(), state);  // between snapshot times, too
      header.acc = hermite->accelerations();
      header.jerk = hermite->jerks();
      header.time_steps = hermite->steps();
      header.times = hermite->times();
      header.blocks = hermite->blocks();
      header.particle_steps = hermite->particle_steps();
      header.dt_min_hits = hermite->dt_min_hits();
    }
    write_checkpoint(checkpoint, comm, header, state, start.bodies.m, gravity.own());
    out.checkpoint_step = s;
    return timing::now() - t0;
  };

  driver::StopPolicy policy = run.stop_policy();
  policy.checkpoint_walltime = o.checkpoint_walltime;
  driver::StopPoint stop(comm, policy, timing::now() - run.elapsed(), run.options().quiet);
  const std::uint64_t evaluations_before = gravity.evaluations();
  const double t0 = timing::now();
  bool checkpointed_at_stop = false;  // hermite: stopped between snapshot times
  bool warned_dt_min = start.dt_min_hits > 0;  // a continued run warned already
  std::uint64_t bad_step = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t bad_particle = std::numeric_limits<std::uint64_t>::max();
  out.last_step = start.step;
  // A signal before the first step (during set-up) is seen here.
  driver::Decision d = stop.poll(o.steps - start.step, true);
  for (std::uint64_t s = start.step + 1; s <= o.steps && d.action != driver::Action::stop; ++s) {
    const bool frame = next_frame < frames.size() && frames[next_frame] == s;
    if (hermite != nullptr) {
      // Safe points after every block step, so a signal or the time limit need not wait for
      // the snapshot time: the checkpoint then holds each particle at its own time (step s-1).
      bool stopped = false;
      const std::uint64_t blocks_before = hermite->blocks();
      const double t_from = static_cast<double>(s - 1) * start.dt;
      hermite->advance_to(static_cast<double>(s) * start.dt, [&](double t) {
        if (on_block) on_block(t);
        if (!warned_dt_min && hermite->dt_min_hits() > 0) {  // the same block on every rank
          warned_dt_min = true;
          if (comm.is_root()) {
            std::fprintf(stderr,
                         "rankwise: warning: by t = %.17g a particle wanted a step below "
                         "--dt-min %g and is held at it (less accurate than --eta asks; the "
                         "count is reported at the end)\n",
                         t, start.hermite.dt_min);
            std::fflush(stderr);
          }
        }
        // Blocks left, estimated from this interval's pace, for the time-limit warning.
        const double done = (t - t_from) / start.dt;
        const double per_interval =
            static_cast<double>(hermite->blocks() - blocks_before) / std::max(done, 1e-9);
        const auto left = static_cast<std::uint64_t>(
            per_interval * (static_cast<double>(o.steps - s) + 1.0 - done));
        const driver::Decision inner = stop.poll(left);
        if (inner.action == driver::Action::go) return false;
        stop.checkpoint_written(write_state(s - 1));
        if (inner.action != driver::Action::stop) return false;
        d = inner;
        stopped = true;
        return true;
      });
      if (stopped) {
        checkpointed_at_stop = true;
        break;
      }
      own_rows(*hermite, gravity.own(), state);
    } else {
      step(start.integrator, state, start.dt, force, frame);
    }
    out.last_step = s;
    std::uint64_t row = 0;
    if (bad_step == std::numeric_limits<std::uint64_t>::max() && !finite_rows(state, row)) {
      bad_step = s;
      bad_particle = gravity.own().begin + row;
    }
    const bool scheduled_checkpoint =
        !o.checkpoint.empty() &&
        (s == o.steps || (o.checkpoint_every != 0 && s % o.checkpoint_every == 0));
    // Agree now before anything is written, so that no frame or checkpoint holds NaN.
    d = stop.poll(o.steps - s, frame || scheduled_checkpoint || s == o.steps,
                  bad_step != std::numeric_limits<std::uint64_t>::max());
    if (d.flagged) {
      out.nonfinite = nonfinite_message(bad_step, bad_particle, start, comm);
      d.action = driver::Action::stop;
      break;
    }
    if (frame) out.last = snapshot(s);
    if (scheduled_checkpoint || d.action == driver::Action::checkpoint ||
        (d.action == driver::Action::stop && s < o.steps)) {
      stop.checkpoint_written(write_state(s));
    }
    completed = s;
    if (hermite == nullptr) report(0);
  }
  // Stopped before the first step: the start state is the checkpoint.
  if (d.action == driver::Action::stop && !checkpointed_at_stop && out.nonfinite.empty() &&
      out.last_step == start.step && start.step < o.steps) {
    stop.checkpoint_written(write_state(start.step));
  }
  out.stop = d;
  out.loop_seconds = timing::now() - t0;
  out.evaluations = gravity.evaluations() - evaluations_before;
  out.pairs = static_cast<double>(out.evaluations) * static_cast<double>(n) *
              static_cast<double>(n - 1);
  if (hermite != nullptr) {
    out.pairs += static_cast<double>(hermite->particle_steps() - particle_steps_at_start) *
                 static_cast<double>(n - 1);
  }

  auto scope = run.timer().scope(Phase::write);
  const bool complete = d.action != driver::Action::stop;
  io::Group& g = trajectory.group();
  g.attribute("integrator", integrator_name(start.integrator));
  g.attribute("dt", start.dt);
  g.attribute("G", start.gravity.G);
  g.attribute("softening", start.gravity.softening);
  g.attribute("particles", n);
  g.attribute("steps", o.steps);
  g.attribute("snapshot_every", o.snapshot_every);
  g.attribute("first_step", schedule_first);
  g.attribute("last_step", out.last_step);
  g.attribute("completed", complete ? 1 : 0);
  if (!complete) {
    g.attribute("stop_reason", out.nonfinite.empty() ? d.reason : out.nonfinite);
    if (out.checkpoint_step != 0 || out.nonfinite.empty()) g.attribute("checkpoint", checkpoint);
  }
  g.attribute("force_evaluations", gravity.evaluations());
  if (hermite != nullptr) {
    g.attribute("eta", start.hermite.eta);
    g.attribute("eta_start", start.hermite.eta_start);
    g.attribute("dt_max", start.hermite.dt_max);
    g.attribute("dt_min", start.hermite.dt_min);
    g.attribute("shared_step", start.hermite.shared ? 1 : 0);
    g.attribute("snapshot_dt", start.dt);
    g.attribute("t_end", static_cast<double>(o.steps) * start.dt);
    g.attribute("blocks", hermite->blocks());
    g.attribute("particle_steps", hermite->particle_steps());
    g.attribute("dt_min_hits", hermite->dt_min_hits());
  }
  g.attribute("relative_energy_error", energy_error(out.first, out.last));
  trajectory.finish(start.bodies.m);
  return out;
}

// The command that continues a stopped run: the same, with --restart auto --checkpoint PATH.
std::string continue_command(const std::string& command_line, const std::string& checkpoint,
                             int ranks) {
  std::vector<std::string> words;
  std::string word;
  bool quoted = false;
  for (char c : command_line) {
    if (c == '\'') quoted = !quoted;
    if (c == ' ' && !quoted) {
      if (!word.empty()) words.push_back(word);
      word.clear();
    } else {
      word += c;
    }
  }
  if (!word.empty()) words.push_back(word);
  std::string out = ranks > 1 ? "mpiexec -n " + std::to_string(ranks) + " " : "";
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w == "--restart" || w == "--checkpoint") {
      ++i;
      continue;
    }
    if (w.rfind("--restart=", 0) == 0 || w.rfind("--checkpoint=", 0) == 0) continue;
    out += (i == 0 ? "rankwise" : w) + " ";
  }
  return out + "--restart auto --checkpoint " + checkpoint;
}

}  // namespace

std::string default_checkpoint(const std::string& output) {
  std::filesystem::path p(output);
  const std::string stem = p.extension() == ".h5" ? p.stem().string() : p.filename().string();
  return (p.parent_path() / (stem + ".checkpoint.h5")).string();
}

int run(const NbodyOptions& options, driver::Run& run) {
  const auto& comm = run.comm();
  NbodyOptions o = options;
  const std::string sidecar = xdmf_path(run.options().output);
  const std::string checkpoint = o.checkpoint.empty() ? default_checkpoint(run.options().output)
                                                      : o.checkpoint;
  // --restart auto: continue if the checkpoint is there (root looks; every rank follows).
  if (o.restart_auto) {
    std::uint64_t exists = 0;
    comm.agreed([&] {
      if (!comm.is_root()) return;
      io::check_regular_file(o.checkpoint, "--checkpoint");
      exists = std::filesystem::exists(o.checkpoint) ? 1 : 0;
    });
    if (comm.max(exists) != 0) {
      o.source = Source::restart;
      o.path = o.checkpoint;
    }
  }
  Checkpoint start;
  Origin origin;
  {
    auto scope = run.timer().scope(Phase::read);
    const bool generated =
        o.source == Source::uniform || o.source == Source::plummer || o.source == Source::king;
    if (generated) check_fits(o.particles, comm);
    bool loaded = false;
    if (o.restart_auto && o.source == Source::restart) {
      start = load_checkpoint(o.path, comm);
      // The physics given on the command line must be the checkpoint's.
      auto differs = [&](bool given, bool same, const std::string& name) {
        if (given && !same) {
          throw CollectiveError(name + ": differs from the checkpoint '" + o.path +
                                    "' (a continued run keeps the physics it started with)",
                                ExitCode::usage);
        }
      };
      differs(o.given_dt, o.dt == start.dt, "--dt");
      differs(o.given_integrator, o.integrator == start.integrator, "--integrator");
      differs(o.given_G, o.gravity.G == start.gravity.G, "--G");
      differs(o.given_softening, o.gravity.softening == start.gravity.softening, "--softening");
      if (o.integrator == Integrator::hermite) {
        differs(true, o.hermite.eta == start.hermite.eta, "--eta");
        differs(true, o.hermite.dt_max == start.hermite.dt_max, "--dt-max");
        differs(true, o.hermite.dt_min == start.hermite.dt_min, "--dt-min");
        differs(true, o.hermite.shared == start.hermite.shared, "--shared-step");
      }
      loaded = start.step < o.steps;
      // A continued run describes the initial conditions its command line names.
      origin.kind = options.source == Source::uniform ? "uniform"
                    : options.source == Source::king  ? "king"
                    : options.source == Source::file  ? "file"
                                                      : "plummer";
      if (options.source == Source::file) {
        std::vector<std::uint64_t> kind{0, 0};  // 0 file, 1 csv, 2 frame; frame
        comm.agreed([&] {
          if (!comm.is_root()) return;
          try {
            const InitialFile f = describe_initial_file(options.path, o.ic_frame);
            kind = {f.kind == "csv" ? 1u : f.kind == "frame" ? 2u : 0u, f.frame};
          } catch (const Error&) {  // the file is gone: described as a file
          }
        });
        comm.broadcast(kind);
        origin.kind = kind[0] == 1 ? "csv" : kind[0] == 2 ? "frame" : "file";
        origin.source = options.path;
        if (kind[0] == 2) origin.frame = static_cast<std::int64_t>(kind[1]);
      }
      if (!loaded && complete_output(run.options().output, o.steps, comm)) {
        run.say("nothing to do: '" + run.options().output + "' is complete (step " +
                std::to_string(o.steps) + ", checkpoint '" + o.path + "')");
        return 0;
      }
    }
    if (!loaded) start = initial_state(o, comm, origin);
    if (!generated) check_fits(start.bodies.size(), comm);
  }
  const std::uint64_t n = start.bodies.size();
  std::optional<CarriedFrames> carried;
  {
    auto scope = run.timer().scope(Phase::setup);
    if (o.restart_auto && o.source == Source::restart) {
      carried = stopped_output({run.options().output, n, o.steps, o.snapshot_every, start.step},
                               comm);
      if (carried) {
        run.allow_replace();  // this run's own stopped output
      } else if (comm.is_root()) {
        std::fprintf(stderr,
                     "rankwise: warning: the stopped run's output '%s' is missing: the new output "
                     "starts at the checkpoint's step %llu\n",
                     run.options().output.c_str(), static_cast<unsigned long long>(start.step));
      }
    }
    run.keep_output_on_signal();
    // Frames (positions and velocities) plus a checkpoint's worth.
    const auto frames = frame_steps(carried ? carried->first_step : start.step, o.steps,
                                    o.snapshot_every);
    run.reserve_output(48.0 * static_cast<double>(n) * static_cast<double>(frames.size() + 2));
    comm.agreed([&] {
      if (comm.is_root()) {
        io::check_writable(sidecar, run.options().overwrite || carried.has_value());
      }
      // Checkpoints replace their predecessor; a bad location must fail now, not after the run.
      if (comm.is_root()) io::check_writable(checkpoint, true);
    });
    if (carried && comm.is_root() && !run.options().quiet) {
      std::printf("continuing from '%s' at step %llu (%llu frames taken over from '%s')\n",
                  o.path.c_str(), static_cast<unsigned long long>(start.step),
                  static_cast<unsigned long long>(carried->count), carried->path.c_str());
      std::fflush(stdout);
    }
  }
  DistributedGravity gravity(comm, start.bodies.m, start.gravity, run.threads(), run.timer());
  gravity.set_evaluations(start.force_evaluations);
  State state = own_state(start, gravity.own());
  std::optional<DistributedJerks> jerks;
  std::optional<Hermite> hermite;
  if (start.integrator == Integrator::hermite) {
    state.acc_valid = false;  // a checkpoint's accelerations are Hermite's
    jerks.emplace(comm, n, start.gravity, run.threads(), run.timer());
    hermite.emplace(start.bodies, static_cast<double>(start.step) * start.dt, start.hermite,
                    jerks->callback());
    if (start.time_steps.empty()) {
      hermite->start();
    } else {
      hermite->resume(start.acc, start.jerk, start.time_steps, start.times);
      hermite->set_counts(start.blocks, start.particle_steps, start.dt_min_hits);
    }
  }

  Outcome out;
  {
    io::Group root = run.open_output();
    out = integrate(o, start, carried, checkpoint, gravity, hermite ? &*hermite : nullptr, state,
                    root, run);
    io::Group g = root.open_group("nbody");
    describe(g, o, origin);
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
  if (const std::uint64_t frames = out.times.size(); frames > io::kMaxRowViews) {
    const std::vector<std::uint64_t> shown = io::viewed_rows(frames);
    run.say("note: " + sidecar + " shows " + std::to_string(shown.size()) + " of the " +
            std::to_string(frames) + " frames to ParaView (one in " +
            std::to_string(shown[1] - shown[0]) + ", and the last); " + run.options().output +
            " holds them all");
  }
  if (!out.nonfinite.empty()) {
    const std::string kept =
        out.checkpoint_step != 0
            ? "; the last good checkpoint is '" + checkpoint + "' (step " +
                  std::to_string(out.checkpoint_step) + ")"
            : "";
    throw CollectiveError(out.nonfinite + "; '" + run.options().output + "' holds the " +
                              std::to_string(out.times.size()) + " frames before it (completed = 0)" +
                              kept,
                          ExitCode::failure);
  }

  const double rate = out.loop_seconds > 0 ? out.pairs / out.loop_seconds : 0;
  const double cores = static_cast<double>(comm.size()) * run.threads();
  if (out.stop.action == driver::Action::stop) {
    if (comm.is_root()) {
      std::fprintf(stderr,
                   "rankwise: stopped by %s at step %llu of %llu: kept checkpoint '%s' and '%s' "
                   "(%zu frames, completed = 0); continue with: %s\n",
                   out.stop.reason.c_str(), static_cast<unsigned long long>(out.last_step),
                   static_cast<unsigned long long>(o.steps), checkpoint.c_str(),
                   run.options().output.c_str(), out.times.size(),
                   continue_command(run.command_line(), checkpoint, comm.size()).c_str());
      std::fflush(stderr);
    }
    return static_cast<int>(ExitCode::stopped);
  }
  run.say(summary(start, n, energy_error(out.first, out.last), rate, rate / cores, o,
                  run.elapsed()));
  if (hermite) {
    char line[256];
    std::snprintf(line, sizeof line,
                  "hermite: %llu block steps, %llu particle steps (%.3g per particle per unit "
                  "time), eta %g, dt_max %g",
                  static_cast<unsigned long long>(hermite->blocks()),
                  static_cast<unsigned long long>(hermite->particle_steps()),
                  static_cast<double>(hermite->particle_steps()) / static_cast<double>(n) /
                      (static_cast<double>(o.steps) * start.dt),
                  start.hermite.eta, start.hermite.dt_max);
    run.say(line);
    if (hermite->dt_min_hits() > 0) {
      run.say("warning: " + std::to_string(hermite->dt_min_hits()) +
              " particle steps wanted less than --dt-min " + std::to_string(start.hermite.dt_min) +
              " and were held at it; the result is less accurate than --eta asks (lower --dt-min "
              "or add --softening)");
    }
  }
  run.report_timings();
  return 0;
}

}  // namespace rankwise::nbody
