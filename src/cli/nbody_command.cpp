// `rankwise nbody` options.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "rankwise/cli/parse.hpp"
#include "rankwise/cli/subcommands.hpp"
#include "rankwise/driver/stop_point.hpp"
#include "rankwise/nbody/king.hpp"
#include "rankwise/nbody/nbody_driver.hpp"
#include "rankwise/nbody/units.hpp"

namespace rankwise::cli {
namespace {

struct NbodyText {
  CommonText common;
  std::string ic;
  std::string particles;
  std::string seed;
  std::string G;
  std::string softening;
  std::string integrator;
  std::string dt;
  std::string steps;
  std::string snapshot_every;
  std::string eta;
  std::string dt_max;
  std::string dt_min;
  bool shared_step = false;
  std::string t_end;
  std::string snapshot_dt;
  std::string checkpoint;
  std::string checkpoint_every;
  std::string restart;
  std::string checkpoint_walltime;
  std::string w0;
  std::string ic_frame;
  std::string units;
};

// "-12" or "7": a frame number after FILE: in --ic FILE:FRAME.
bool is_frame_number(const std::string& s) {
  const std::size_t digits = s.size() - (!s.empty() && s[0] == '-' ? 1 : 0);
  return digits > 0 && digits < 19 &&
         std::all_of(s.end() - static_cast<std::ptrdiff_t>(digits), s.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
}

// Largest N: per-rank counts of packed diagnostics (8 doubles per particle) are MPI ints.
constexpr std::uint64_t kMaxParticles = std::uint64_t{1} << 28;

// Frames are planned up front (one list entry and XDMF grid each): keep that list sane.
constexpr std::uint64_t kMaxFrames = 1'000'000;

// A value that must be a power of two (block steps), for `option`.
double parse_power_of_two(const std::string& text, const std::string& option) {
  const double v = parse_real(text, option, true);
  if (!nbody::is_power_of_two(v)) {
    throw UsageError(option + ": must be a power of two (block steps are), e.g. 0.125 or 1; got " +
                     text);
  }
  return v;
}

// The Hermite options: steps, snapshot interval and end time (as dt and steps).
void validate_hermite(const NbodyText& t, nbody::NbodyOptions& o) {
  for (const auto& [value, name] :
       {std::pair{&t.dt, "--dt"}, {&t.steps, "--steps"}, {&t.snapshot_every, "--snapshot-every"}}) {
    if (!value->empty()) {
      throw UsageError(std::string(name) +
                       ": not used by --integrator hermite (it chooses each particle's steps); "
                       "use --t-end, --snapshot-dt, --eta and --dt-max");
    }
  }
  nbody::HermiteParams& h = o.hermite;
  if (!t.eta.empty()) {
    h.eta = parse_real(t.eta, "--eta", true);
    if (h.eta > 1) throw UsageError("--eta: must be in (0, 1] (typical 0.01 to 0.02); got " + t.eta);
    h.eta_start = h.eta / 2;
  }
  const double snapshot = t.snapshot_dt.empty() ? 0.125 : parse_real(t.snapshot_dt, "--snapshot-dt", true);
  if (!t.dt_max.empty()) {
    h.dt_max = parse_power_of_two(t.dt_max, "--dt-max");
    if (h.dt_max > snapshot) {
      throw UsageError("--dt-max: " + t.dt_max + " is larger than --snapshot-dt " +
                       (t.snapshot_dt.empty() ? std::string("0.125") : t.snapshot_dt) +
                       " (particles must meet at every snapshot)");
    }
  } else {
    int e = 0;
    (void)std::frexp(snapshot, &e);
    h.dt_max = std::ldexp(1.0, e - 1);  // the largest power of two <= the snapshot interval
  }
  const double per_snapshot = snapshot / h.dt_max;
  if (per_snapshot != std::floor(per_snapshot)) {
    throw UsageError("--snapshot-dt: " + (t.snapshot_dt.empty() ? std::string("0.125") : t.snapshot_dt) +
                     " is not a multiple of --dt-max (block steps are powers of two; use e.g. 0.125)");
  }
  h.dt_min = t.dt_min.empty() ? std::ldexp(h.dt_max, -40) : parse_power_of_two(t.dt_min, "--dt-min");
  if (h.dt_min > h.dt_max) throw UsageError("--dt-min: must not exceed --dt-max");
  h.shared = t.shared_step;
  o.dt = snapshot;
  o.snapshot_every = 1;
  if (!t.t_end.empty() || o.source != nbody::Source::restart) {
    o.t_end = t.t_end.empty() ? 1.0 : parse_real(t.t_end, "--t-end", true);
    const double intervals = o.t_end / snapshot;
    if (intervals != std::floor(intervals) || intervals * snapshot != o.t_end) {
      throw UsageError("--t-end: " + (t.t_end.empty() ? std::string("1") : t.t_end) +
                       " is not a multiple of --snapshot-dt");
    }
    if (o.t_end / h.dt_min > 0x1p52) {
      throw UsageError("--dt-min: too small for --t-end (times must stay exact: t-end / dt-min < 2^52)");
    }
    o.steps = static_cast<std::uint64_t>(intervals);
  }
}

nbody::NbodyOptions validate(const NbodyText& t) {
  nbody::NbodyOptions o;
  o.steps = t.steps.empty() ? 100 : parse_count(t.steps, "--steps");
  o.snapshot_every = t.snapshot_every.empty() ? 10 : parse_count(t.snapshot_every, "--snapshot-every");
  if (o.steps / o.snapshot_every > kMaxFrames) {
    throw UsageError("--snapshot-every: " + std::to_string(o.steps / o.snapshot_every) +
                     " frames requested; at most " + std::to_string(kMaxFrames) +
                     " (raise --snapshot-every)");
  }
  if (!t.units.empty()) o.units = nbody::unit_system(t.units, "--units").name;
  if (t.restart == "auto") {
    if (t.checkpoint.empty()) {
      throw UsageError("--restart auto: needs --checkpoint PATH (the checkpoint to continue from "
                       "if it exists, and to write)");
    }
    o.restart_auto = true;
  }
  if (!t.restart.empty() && !o.restart_auto) {
    // The physics comes from the checkpoint: a second opinion could only disagree.
    const std::pair<const std::string*, const char*> fixed[] = {
        {&t.ic, "--ic"},     {&t.particles, "--particles"},   {&t.seed, "--seed"},
        {&t.G, "--G"},       {&t.softening, "--softening"}, {&t.integrator, "--integrator"},
        {&t.dt, "--dt"},     {&t.eta, "--eta"},               {&t.dt_max, "--dt-max"},
        {&t.dt_min, "--dt-min"}, {&t.snapshot_dt, "--snapshot-dt"}, {&t.w0, "--w0"},
        {&t.ic_frame, "--ic-frame"}};
    for (const auto& [value, name] : fixed) {
      if (!value->empty()) {
        throw UsageError(std::string(name) + ": taken from the checkpoint with --restart");
      }
    }
    if (t.shared_step) throw UsageError("--shared-step: taken from the checkpoint with --restart");
    o.source = nbody::Source::restart;
    o.path = t.restart;
    if (!t.t_end.empty()) {
      if (!t.steps.empty()) throw UsageError("--t-end: give --t-end (hermite) or --steps, not both");
      o.t_end = parse_real(t.t_end, "--t-end", true);
    }
  } else {
    std::string ic = t.ic.empty() ? "plummer" : t.ic;
    std::string lower = ic;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "uniform" || lower == "plummer" || lower == "king") ic = lower;  // any case
    // FILE:FRAME unless the whole text names an existing file (names may contain ':').
    const std::size_t colon = ic.rfind(':');
    std::string frame_text;
    if (!std::filesystem::exists(ic) && colon != std::string::npos && colon > 0 &&
        is_frame_number(ic.substr(colon + 1))) {
      frame_text = ic.substr(colon + 1);
      ic = ic.substr(0, colon);
    }
    const bool kind = ic == "uniform" || ic == "plummer" || ic == "king";
    if (!kind && !std::filesystem::exists(ic) && ic.find_first_of("./") == std::string::npos) {
      const std::string near = closest(lower, {"uniform", "plummer", "king"});
      throw UsageError("--ic: '" + t.ic + "' is neither a file nor a kind of initial conditions" +
                       (near.empty() ? std::string(" (uniform, plummer, king)")
                                     : "; did you mean " + near + "?"));
    }
    if (ic == "uniform") {
      o.source = nbody::Source::uniform;
    } else if (ic == "plummer") {
      o.source = nbody::Source::plummer;
    } else if (ic == "king") {
      o.source = nbody::Source::king;
    } else {
      o.source = nbody::Source::file;
      o.path = ic;
      if (!t.particles.empty()) throw UsageError("--particles: N comes from the file " + ic);
      if (!t.seed.empty()) throw UsageError("--seed: not used with the file " + ic);
    }
    if (!t.ic_frame.empty()) {
      if (o.source != nbody::Source::file) {
        throw UsageError("--ic-frame: only with --ic FILE.h5 (an earlier nbody output)");
      }
      if (!frame_text.empty()) {
        throw UsageError("--ic-frame: the frame is already given in --ic " + t.ic);
      }
      if (!is_frame_number(t.ic_frame)) {
        throw UsageError("--ic-frame: '" + t.ic_frame + "' is not a frame number (0, 1, ... or "
                         "-1 for the last)");
      }
      frame_text = t.ic_frame;
    }
    if (!frame_text.empty()) o.ic_frame = std::stoll(frame_text);
    if (!t.w0.empty()) {
      if (o.source != nbody::Source::king) throw UsageError("--w0: only with --ic king");
      o.w0 = parse_real(t.w0, "--w0", true);
      if (!(o.w0 >= nbody::king_w0_min && o.w0 <= nbody::king_w0_max)) {
        char range[120];
        std::snprintf(range, sizeof range, "--w0: %s is outside %g..%g (the King model's "
                      "dimensionless central potential)", t.w0.c_str(), nbody::king_w0_min,
                      nbody::king_w0_max);
        throw UsageError(range);
      }
    }
    if (!t.particles.empty()) o.particles = parse_count(t.particles, "--particles", kMaxParticles);
    if (!t.seed.empty()) o.seed = parse_seed(t.seed);
    if (!t.G.empty()) o.gravity.G = parse_real(t.G, "--G", true);
    if (t.G.empty()) o.gravity.G = nbody::unit_system(o.units, "--units").G;
    if (!t.softening.empty()) {
      o.gravity.softening = parse_real(t.softening, "--softening", false);
      if (o.gravity.softening < 0) throw UsageError("--softening: must be >= 0");
    }
    if (!t.integrator.empty()) o.integrator = nbody::parse_integrator(t.integrator, "--integrator");
    if (!t.dt.empty()) o.dt = parse_real(t.dt, "--dt", true);
    o.given_dt = !t.dt.empty();
    o.given_integrator = !t.integrator.empty();
    o.given_G = !t.G.empty();
    o.given_softening = !t.softening.empty();
    if (o.integrator == nbody::Integrator::hermite) {
      validate_hermite(t, o);
    } else {
      for (const auto& [value, name] :
           {std::pair{&t.eta, "--eta"}, {&t.dt_max, "--dt-max"}, {&t.dt_min, "--dt-min"},
            {&t.t_end, "--t-end"}, {&t.snapshot_dt, "--snapshot-dt"}}) {
        if (!value->empty()) throw UsageError(std::string(name) + ": applies to --integrator hermite only");
      }
      if (t.shared_step) throw UsageError("--shared-step: applies to --integrator hermite only");
    }
  }
  if (!t.checkpoint_every.empty()) {
    if (t.checkpoint.empty()) throw UsageError("--checkpoint-every: needs --checkpoint PATH");
    o.checkpoint_every = parse_count(t.checkpoint_every, "--checkpoint-every");
  }
  if (!t.checkpoint_walltime.empty()) {
    if (t.checkpoint.empty()) throw UsageError("--checkpoint-walltime: needs --checkpoint PATH");
    o.checkpoint_walltime = driver::parse_duration(t.checkpoint_walltime, "--checkpoint-walltime");
  }
  o.checkpoint = t.checkpoint;
  return o;
}

std::string absolute(const std::string& path) {
  return std::filesystem::absolute(path).lexically_normal().string();
}

// The effective options as stored as /nbody attributes option_*. A run from a checkpoint stores the
// checkpoint instead of the initial conditions and physics (they come from it).
io::RunOptions record(const nbody::NbodyOptions& o, const NbodyText& t) {
  io::RunOptions r;
  r.driver = "nbody";
  if (o.source == nbody::Source::restart) {
    r.set("restart", t.restart);
    r.set("restart_absolute", absolute(t.restart));
  } else {
    if (o.source == nbody::Source::file) {
      r.set("ic", o.path);
      r.set("ic_absolute", absolute(o.path));
      if (o.ic_frame) r.set("ic_frame", *o.ic_frame);
    } else {
      r.set("ic", std::string(o.source == nbody::Source::uniform ? "uniform"
                              : o.source == nbody::Source::king  ? "king"
                                                                 : "plummer"));
      r.set("particles", o.particles);
      r.set("seed", o.seed);
      if (o.source == nbody::Source::king) r.set("w0", o.w0);
    }
    r.set("G", o.gravity.G);
    r.set("softening", o.gravity.softening);
    r.set("integrator", nbody::integrator_name(o.integrator));
    if (o.integrator == nbody::Integrator::hermite) {
      r.set("eta", o.hermite.eta);
      r.set("dt_max", o.hermite.dt_max);
      r.set("dt_min", o.hermite.dt_min);
      r.set("snapshot_dt", o.dt);
      if (o.hermite.shared) r.set("shared_step", true);
    } else {
      r.set("dt", o.dt);
    }
    if (o.restart_auto) r.set("restart", std::string("auto"));
  }
  r.set("units", o.units);
  if (o.t_end > 0) {
    r.set("t_end", o.t_end);
  } else {
    r.set("steps", o.steps);
    r.set("snapshot_every", o.snapshot_every);
  }
  if (!o.checkpoint.empty()) {
    r.set("checkpoint", o.checkpoint);
    if (o.checkpoint_every != 0) r.set("checkpoint_every", o.checkpoint_every);
    if (o.checkpoint_walltime > 0) r.set("checkpoint_walltime", o.checkpoint_walltime);
  }
  return r;
}

}  // namespace

Subcommand make_nbody_command(CLI::App& app) {
  auto text = std::make_shared<NbodyText>();
  auto* sub = app.add_subcommand("nbody", "Direct-summation N-body gravity with HDF5 trajectory");
  sub->footer(
      "Examples:\n"
      "  mpiexec -n 2 rankwise nbody --ic plummer --particles 4096 --steps 1000 --dt 1e-3\n"
      "  rankwise nbody --ic uniform --particles 1000 --integrator rk4 --softening 0.05\n"
      "  rankwise nbody --ic kepler.h5 --softening 0 --dt 1e-3 --steps 10000 --snapshot-every 100\n"
      "  rankwise nbody --ic king --w0 9 --particles 4096 --units astro -o king.h5\n"
      "  rankwise nbody --ic king.h5:-1 --steps 200 -o later.h5\n"
      "  rankwise nbody --ic stars.csv --softening 0.001\n"
      "  rankwise nbody --particles 8192 --steps 500 --checkpoint ck.h5 --checkpoint-every 100\n"
      "  mpiexec -n 4 rankwise nbody --restart ck.h5 --steps 1000 -o continued.h5\n"
      "  rankwise nbody --integrator hermite -N 512 --softening 0 --t-end 2 --snapshot-dt 0.25\n"
      "  rankwise nbody --steps 100000 --checkpoint ck.h5 --checkpoint-walltime 30m --restart auto\n"
      "A signal (SIGTERM, SIGINT, SIGUSR1/2) or the time limit (--time-limit, Slurm, PBS)\n"
      "checkpoints, keeps the frames so far (completed = 0) and exits 75; --restart auto\n"
      "continues to the same final output as an uninterrupted run.\n"
      "Output: /nbody/{time,positions,velocities,masses,energy,virial_ratio,\n"
      "lagrangian_radii,core_radius,...} plus an XDMF sidecar\n"
      "(run.h5 -> run.xdmf) that ParaView and VisIt open directly. See docs/nbody.md.");
  sub->add_option("--ic", text->ic,
                  "uniform | plummer | king | FILE.h5 | FILE.csv | RUN.h5[:FRAME] (default "
                  "plummer); RUN.h5: a frame of an earlier nbody output (default the last, "
                  "-1, -2, ... from the end)");
  sub->add_option("--ic-frame", text->ic_frame,
                  "Frame of the nbody output given to --ic (same as --ic RUN.h5:FRAME)");
  sub->add_option("--w0", text->w0,
                  "King model's dimensionless central potential W0, 0.1..16 (default 6; "
                  "with --ic king)");
  sub->add_option("--units", text->units,
                  "nbody | si (m, kg, s) | astro (pc, M_sun, Myr): labels the numbers and sets "
                  "the default G (default nbody)");
  sub->add_option("-N,--particles", text->particles, "Particles for generated ICs (default 1000)");
  sub->add_option("--seed", text->seed, "Seed of generated ICs (default 42)");
  sub->add_option("--G", text->G, "Gravitational constant (default 1, or that of --units)");
  sub->add_option("--softening", text->softening,
                  "Plummer softening length eps >= 0 (default 0.01)");
  sub->add_option("--integrator", text->integrator,
                  "leapfrog | rk2 | rk4 | hermite (default leapfrog); hermite: 4th-order "
                  "Hermite with individual block steps");
  sub->add_option("--dt", text->dt, "Time step (default 1e-3)");
  sub->add_option("--steps", text->steps,
                  "Steps to run; with --restart the step to reach (default 100)");
  sub->add_option("--snapshot-every", text->snapshot_every,
                  "Frame every K steps (plus first and last) (default 10)");
  sub->add_option("--t-end", text->t_end,
                  "hermite: time to reach, a multiple of --snapshot-dt (default 1)");
  sub->add_option("--snapshot-dt", text->snapshot_dt,
                  "hermite: frame every this much time; all particles meet there (default 0.125)");
  sub->add_option("--eta", text->eta,
                  "hermite: Aarseth accuracy parameter (default 0.02; the first step uses eta/2)");
  sub->add_option("--dt-max", text->dt_max,
                  "hermite: largest step, a power of two (default: largest <= --snapshot-dt)");
  sub->add_option("--dt-min", text->dt_min,
                  "hermite: smallest step, a power of two (default dt-max / 2^40); a particle "
                  "held there is counted and reported");
  sub->add_flag("--shared-step", text->shared_step,
                "hermite: every particle on the smallest step (for comparison)");
  sub->add_option("--checkpoint", text->checkpoint,
                  "Write the full state to PATH (atomically) at the last step");
  sub->add_option("--checkpoint-every", text->checkpoint_every,
                  "Also checkpoint every K steps");
  sub->add_option("--checkpoint-walltime", text->checkpoint_walltime,
                  "Also checkpoint whenever this much wall time passed: 600, 30m, 2h");
  sub->add_option("--restart", text->restart,
                  "Continue from a checkpoint until --steps; 'auto': from --checkpoint if it "
                  "exists, else start (the same command starts and continues a job)");
  add_common_options(*sub, text->common, "rankwise-nbody.h5");

  return {sub, [text](const parallel::Comm& comm, const io::Invocation& invocation) {
            const nbody::NbodyOptions options = validate(*text);
            driver::CommonOptions common = text->common.validate();
            if (!options.checkpoint.empty() && options.checkpoint == common.output) {
              throw UsageError("--checkpoint: must differ from the output file " + common.output);
            }
            io::RunOptions stored = record(options, *text);
            record_common(stored, text->common, common);
            driver::Run run(comm, std::move(common), invocation);
            run.record_options(std::move(stored));
            return nbody::run(options, run);
          }};
}

}  // namespace rankwise::cli
