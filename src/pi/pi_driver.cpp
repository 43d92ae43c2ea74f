// rankwise pi: validate -> decompose -> compute -> reduce -> write -> report.
#include "rankwise/pi/pi_driver.hpp"

#include <cmath>
#include <cstdio>
#include <numbers>
#include <vector>

#include "rankwise/errors.hpp"
#include "rankwise/pi/montecarlo.hpp"
#include "rankwise/pi/series.hpp"

namespace rankwise::pi {
namespace {

using timing::Phase;

/// One estimate at one N, with what each rank contributed.
struct Estimate {
  std::uint64_t n = 0;
  double value = 0;
  double std_error = 0;             // Monte Carlo only
  std::uint64_t hits = 0;           // Monte Carlo only
  std::vector<double> partials;     // per rank, root only: 4*sum_r/N or hits_r
  double compute_seconds = 0;       // slowest rank
};

double abs_error(double x) { return std::fabs(x - std::numbers::pi); }

// Slices of an estimate: at least 64 (progress), and about 0.1 s each at ~1e9 terms per second
// per thread (`work` counts terms; a Monte Carlo sample costs about 8), so that a signal is seen
// promptly. The same on every rank.
std::uint64_t slice_count(double work, const driver::Run& run) {
  const double per_slice = 1e8 * run.comm().size() * run.threads();
  return std::max<std::uint64_t>(64, static_cast<std::uint64_t>(std::ceil(work / per_slice)));
}

// collective: a safe point; a signal on any rank stops the run with nothing written.
void stop_if_asked(driver::StopPoint& stop, std::uint64_t slices_left, const char* what) {
  const driver::Decision d = stop.poll(slices_left);
  if (d.action != driver::Action::stop) return;
  throw Stopped("stopped by " + d.reason + " before all " + what + " were summed; nothing written",
                d.signal != 0 ? signal_exit(d.signal) : ExitCode::stopped);
}

// collective: pi_N by the series; each rank sums a block of chunks, slice by slice so that
// rank 0 can show progress (slicing does not change the result: sums are exact integers).
Estimate series_at(std::uint64_t n, driver::Run& run, driver::StopPoint& stop) {
  const auto& comm = run.comm();
  const auto chunks = parallel::block_range(series_chunks(n), static_cast<std::uint64_t>(comm.rank()),
                                            static_cast<std::uint64_t>(comm.size()));
  ExactSum mine;
  const double t0 = timing::now();
  {
    auto scope = run.timer().scope(Phase::compute);
    driver::Progress progress(run, "pi series N=" + driver::si(static_cast<double>(n)),
                              static_cast<double>(chunks.size()));
    // The same number of slices on every rank (a safe point after each, where a signal is
    // agreed on), each short enough that a stop is prompt.
    const std::uint64_t slices = slice_count(static_cast<double>(n), run);
    stop.reset_pace();  // slices of this estimate take their own time
    for (std::uint64_t k = 0; k < slices; ++k) {
      const std::uint64_t b = chunks.begin + chunks.size() * k / slices;
      const std::uint64_t e = chunks.begin + chunks.size() * (k + 1) / slices;
      if (e > b) mine += series_partial(n, {b, e}, run.threads());
      stop_if_asked(stop, slices - k - 1, "terms");
      const double done = static_cast<double>(e - chunks.begin);
      const double rate = done * series_chunk_terms * comm.size() / (timing::now() - t0);
      progress.update(done, driver::si(rate) + "terms/s");
    }
  }
  const double local_seconds = timing::now() - t0;
  {
    auto scope = run.timer().scope(Phase::idle);
    comm.barrier();
  }
  auto scope = run.timer().scope(Phase::communicate);
  const std::uint64_t words[2] = {mine.low_word(), mine.high_word()};
  const auto all = comm.gather(std::span<const std::uint64_t>(words, 2));
  Estimate e;
  e.n = n;
  std::vector<std::uint64_t> total_words(2, 0);
  if (comm.is_root()) {
    ExactSum total;
    for (int r = 0; r < comm.size(); ++r) {
      const auto part = ExactSum::from_words(all[2 * static_cast<std::size_t>(r)],
                                             all[2 * static_cast<std::size_t>(r) + 1]);
      e.partials.push_back(scaled_quotient(part, 4.0, static_cast<double>(n)));
      total += part;
    }
    total_words = {total.low_word(), total.high_word()};
  }
  comm.broadcast(total_words);
  e.value = series_estimate(ExactSum::from_words(total_words[0], total_words[1]), n);
  e.compute_seconds = comm.max(local_seconds);
  return e;
}

// collective: hits among samples [0, n); `previous` holds hits of [0, from) already counted.
Estimate montecarlo_at(std::uint64_t n, std::uint64_t from, const Estimate& previous,
                       std::uint64_t seed, driver::Run& run, driver::StopPoint& stop) {
  const auto& comm = run.comm();
  const auto part = parallel::block_range(n - from, static_cast<std::uint64_t>(comm.rank()),
                                          static_cast<std::uint64_t>(comm.size()));
  const double t0 = timing::now();
  std::uint64_t mine = 0;
  {
    auto scope = run.timer().scope(Phase::compute);
    driver::Progress progress(run, "pi montecarlo", static_cast<double>(part.size()));
    const std::uint64_t slices = slice_count(static_cast<double>(n - from) * 8, run);
    stop.reset_pace();
    for (std::uint64_t k = 0; k < slices; ++k) {
      const std::uint64_t b = part.begin + part.size() * k / slices;
      const std::uint64_t e = part.begin + part.size() * (k + 1) / slices;
      if (e > b) mine += montecarlo_hits(seed, {from + b, from + e}, run.threads());
      stop_if_asked(stop, slices - k - 1, "samples");
      const double rate = static_cast<double>(e - part.begin) * comm.size() / (timing::now() - t0);
      progress.update(static_cast<double>(e - part.begin), driver::si(rate) + "samples/s");
    }
  }
  const double local_seconds = timing::now() - t0;
  {
    auto scope = run.timer().scope(Phase::idle);
    comm.barrier();
  }
  auto scope = run.timer().scope(Phase::communicate);
  Estimate e;
  e.n = n;
  const auto per_rank = comm.gather(std::span<const std::uint64_t>(&mine, 1));
  for (std::size_t r = 0; r < per_rank.size(); ++r) {
    e.partials.push_back(static_cast<double>(per_rank[r]) +
                         (previous.partials.empty() ? 0.0 : previous.partials[r]));
  }
  e.hits = previous.hits + comm.sum(mine);  // exact integer sum: any split gives the same
  const auto mc = montecarlo_estimate(e.hits, n);
  e.value = mc.estimate;
  e.std_error = mc.std_error;
  e.compute_seconds = previous.compute_seconds + comm.max(local_seconds);
  return e;
}

std::vector<std::uint64_t> sweep_points(std::uint64_t max) {
  std::vector<std::uint64_t> points;
  for (std::uint64_t n = 10; n <= max; n *= 10) {
    points.push_back(n);
    if (n > max / 10) break;
  }
  if (points.empty() || points.back() != max) points.push_back(max);
  return points;
}

// collective: the estimates to report, in order (the last one is the result). Every rank
// holds the same estimates, so every rank takes the same decision to stop.
std::vector<Estimate> compute(const PiOptions& options, driver::Run& run, bool& converged) {
  const bool series = options.method == Method::series;
  std::vector<Estimate> history;
  converged = true;
  // Signals only: pi keeps no checkpoint, so a time limit has nothing to save.
  driver::StopPoint stop(run.comm(), {}, timing::now(), run.options().quiet);
  if (options.sweep) {
    for (std::uint64_t n : sweep_points(options.count)) {
      history.push_back(series ? series_at(n, run, stop) : montecarlo_at(n, 0, {}, options.seed, run, stop));
    }
  } else if (!options.tolerance) {
    history.push_back(series ? series_at(options.count, run, stop)
                             : montecarlo_at(options.count, 0, {}, options.seed, run, stop));
  } else {
    // Series: double N from 16. Monte Carlo: add a batch, continuing the sample numbering.
    converged = false;
    std::uint64_t n = series ? 16 : std::min(options.batch, options.count);
    Estimate previous;
    while (true) {
      previous = series ? series_at(n, run, stop) : montecarlo_at(n, previous.n, previous, options.seed, run, stop);
      history.push_back(previous);
      if (abs_error(previous.value) < *options.tolerance) {
        converged = true;
        break;
      }
      if (n >= options.count) break;
      n = series ? std::min(options.count, 2 * n) : std::min(options.count, n + options.batch);
    }
  }
  return history;
}

// collective: /pi with its attributes, per-rank partials and (sweep/tolerance) the history.
void write_group(io::Group& root, const PiOptions& options, const std::vector<Estimate>& history,
                 bool converged, int ranks) {
  const bool series = options.method == Method::series;
  const Estimate& last = history.back();
  io::Group g = root.create_group("pi");
  g.attribute("method", std::string(series ? "series" : "montecarlo"));
  g.attribute(series ? "terms" : "samples", last.n);
  g.attribute("estimate", last.value);
  g.attribute("abs_error", abs_error(last.value));
  g.attribute("compute_seconds", last.compute_seconds);
  g.attribute(series ? "terms_per_second" : "samples_per_second",
              static_cast<double>(last.n) / last.compute_seconds);
  if (!series) {
    g.attribute("seed", options.seed);
    g.attribute("hits", last.hits);
    g.attribute("std_error", last.std_error);
  }
  if (options.tolerance) {
    g.attribute("tolerance", *options.tolerance);
    g.attribute("converged", converged ? 1 : 0);
  }
  g.write_root<double>("rank_partials", last.partials, {static_cast<std::uint64_t>(ranks)});
  if (!options.tolerance && !options.sweep) return;
  io::Group h = g.create_group("history");
  std::vector<std::uint64_t> ns;
  std::vector<double> values, errors;
  for (const auto& e : history) {
    ns.push_back(e.n);
    values.push_back(e.value);
    errors.push_back(abs_error(e.value));
  }
  const io::Dims dims{history.size()};
  h.write_root<std::uint64_t>(series ? "terms" : "samples", ns, dims);
  h.write_root<double>("estimate", values, dims);
  h.write_root<double>("abs_error", errors, dims);
}

// Rank 0's one-line summary (estimate, error, rate, wall time).
std::string summary(const PiOptions& options, const Estimate& last, double wall) {
  const bool series = options.method == Method::series;
  char line[256];
  const std::string spread =
      series ? std::string() : "  std_error " + std::to_string(last.std_error);
  std::snprintf(line, sizeof line, "pi (%s, N=%s): %.17g  |error| %.3e%s  %s%s/s  wall %.3f s",
                series ? "series" : "montecarlo", driver::si(static_cast<double>(last.n)).c_str(),
                last.value, abs_error(last.value), spread.c_str(),
                driver::si(static_cast<double>(last.n) / last.compute_seconds).c_str(),
                series ? "terms" : "samples", wall);
  return line;
}

}  // namespace

int run(const PiOptions& options, driver::Run& run) {
  {
    auto scope = run.timer().scope(Phase::setup);
    run.reserve_output();  // options were validated by the CLI; fail now on a bad output path
  }
  bool converged = true;
  const std::vector<Estimate> history = compute(options, run, converged);
  run.write_output([&](io::Group& root) {
    write_group(root, options, history, converged, run.comm().size());
  });
  run.say(summary(options, history.back(), run.elapsed()));
  run.report_timings();
  if (converged) return 0;
  if (run.comm().is_root()) {
    std::fprintf(stderr,
                 "rankwise: error: tolerance %g not reached within %s %s (|error| %.3e); "
                 "results written to %s\n",
                 *options.tolerance, driver::si(static_cast<double>(options.count)).c_str(),
                 options.method == Method::series ? "terms" : "samples",
                 abs_error(history.back().value), run.options().output.c_str());
  }
  return static_cast<int>(ExitCode::failure);
}

}  // namespace rankwise::pi
