// Shared scaffolding of every driver run.
#include "rankwise/driver/run.hpp"

#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "rankwise/build_info.hpp"
#include "rankwise/driver/run_header.hpp"
#include "rankwise/errors.hpp"
#include "rankwise/io/provenance.hpp"
#include "rankwise/process/shutdown.hpp"
#include "rankwise/simd/target.hpp"

namespace rankwise::driver {

Run::Run(const parallel::Comm& comm, CommonOptions options, io::Invocation invocation)
    : comm_(comm),
      options_(std::move(options)),
      invocation_(std::move(invocation)),
      start_(timing::now()) {
  process::install_signal_handlers();
  announce();
}

void Run::announce() const {
  // omp_get_num_procs(): the CPUs this process may run on (its binding), as `rankwise info`.
  const auto places = comm_.gather(std::to_string(omp_get_num_procs()) + " " + comm_.host());
  if (!comm_.is_root()) return;
  std::vector<RankPlace> ranks;
  for (const std::string& p : places) {
    const auto space = p.find(' ');
    ranks.push_back({p.substr(space + 1), std::stoi(p.substr(0, space))});
  }
  if (const std::string w = oversubscription_warning(options_.threads, ranks); !w.empty()) {
    std::fprintf(stderr, "rankwise: warning: %s\n", w.c_str());
    std::fflush(stderr);
  }
  if (options_.quiet) return;
  std::fputs(log_header(build::version, build::git_commit, io::utc_now(), options_.threads, ranks,
                        simd::dispatched_target())
                 .c_str(),
             stdout);
  std::fflush(stdout);
}

StopPolicy Run::stop_policy() const {
  if (options_.time_limit > 0) {
    StopPolicy p;
    p.time_limit = options_.time_limit;
    p.time_limit_source = "--time-limit";
    return p;
  }
  // Root reads the environment and the clock; every rank plans with the same numbers.
  StopPolicy p = policy_from_environment(elapsed());
  std::vector<double> limit{p.time_limit};
  comm_.broadcast(limit);
  p.time_limit = limit[0];
  comm_.broadcast(p.time_limit_source);
  return p;
}

void Run::stop_if_signalled() const {
  comm_.agreed([] {
    if (const int sig = process::pending_signal(); sig != 0) {
      throw Stopped("stopped by " + process::signal_name(sig) + "; nothing written",
                    signal_exit(sig));
    }
  });
}

Run::~Run() = default;

double Run::elapsed() const { return timing::now() - start_; }

void Run::say(const std::string& line) const {
  if (comm_.is_root() && !options_.quiet) {
    std::fputs(line.c_str(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
  }
}

void Run::reserve_output(double estimated_bytes) {
  io::OutputRules rules;
  rules.overwrite = options_.overwrite || replace_;
  rules.estimated_bytes = estimated_bytes;
  rules.force = options_.force;
  rules.keep_on_signal = keep_on_signal_;
  output_ = std::make_unique<io::OutputPath>(options_.output, rules, comm_);
}

namespace {
// collective: /timings as they stand now (seconds [ranks, phases], phase names, hosts, threads).
void write_timings(io::Group& root, const parallel::Comm& comm, const timing::PhaseTimer& timer,
                   int threads) {
  io::Group timings = root.create_group("timings");
  const auto rank = static_cast<std::uint64_t>(comm.rank());
  const auto ranks = static_cast<std::uint64_t>(comm.size());
  const auto phases = static_cast<std::uint64_t>(timing::phase_names.size());
  timings.write_rows<double>("seconds", timer.all(), ranks, rank, phases);
  timings.write_strings_root("phases", {timing::phase_names.begin(), timing::phase_names.end()});
  timings.write_string_rows("hosts", {comm.host()}, ranks, rank);
  const std::int32_t t = threads;
  timings.write_rows<std::int32_t>("threads", std::span(&t, 1), ranks, rank);
}
}  // namespace

void Run::write_output(const std::function<void(io::Group& root)>& fill) {
  if (!output_) reserve_output();
  if (!keep_on_signal_) stop_if_signalled();
  double mark = timing::now();
  comm_.agreed([] {});  // every rank arrives healthy before the collective file operations
  {
    io::File file = io::File::create_parallel(output_->temporary(), comm_);
    {  // every group and dataset must be closed before an MPI-IO file closes
      io::Group root = file.root();
      io::write_provenance(root, comm_, invocation_, options_.threads);
      fill(root);
      if (!options_record_.driver.empty()) io::write_options(root, options_record_);
      // The stored write phase covers everything up to here; the rest (timings, close,
      // rename) is added afterwards and shows only in the printed table.
      timer_.add(timing::Phase::write, timing::now() - mark);
      mark = timing::now();
      write_timings(root, comm_, timer_, options_.threads);
    }
    file.close();
  }
  output_->commit();
  timer_.add(timing::Phase::write, timing::now() - mark);
  say("wrote " + options_.output + "  (inspect: h5dump -A " + options_.output + ")");
}

io::Group Run::open_output() {
  if (!output_) reserve_output();
  auto scope = timer_.scope(timing::Phase::write);
  comm_.agreed([] {});  // every rank arrives healthy before the collective file operations
  file_ = std::make_unique<io::File>(io::File::create_parallel(output_->temporary(), comm_));
  io::Group root = file_->root();
  io::write_provenance(root, comm_, invocation_, options_.threads);
  return root;
}

void Run::close_output() {
  double mark = timing::now();
  {
    io::Group root = file_->root();
    if (!options_record_.driver.empty()) io::write_options(root, options_record_);
    // As in write_output: the stored write phase covers everything up to the timings.
    timer_.add(timing::Phase::write, timing::now() - mark);
    mark = timing::now();
    write_timings(root, comm_, timer_, options_.threads);
  }
  file_->close();
  file_.reset();
  output_->commit();
  timer_.add(timing::Phase::write, timing::now() - mark);
  say("wrote " + options_.output + "  (inspect: h5dump -A " + options_.output + ")");
}

void Run::report_timings() const {
  const auto table = comm_.gather(timer_.all());
  if (comm_.is_root() && !options_.quiet) {
    std::fputs(timing::format_table(timing::summarise(table, comm_.size()), elapsed()).c_str(),
               stdout);
    std::fflush(stdout);
  }
}

namespace {
// Seconds between progress lines: RANKWISE_PROGRESS_INTERVAL if it is a positive number,
// else 0.5 on a terminal and 10 in a log.
double progress_interval(bool tty) {
  if (const char* env = std::getenv("RANKWISE_PROGRESS_INTERVAL"); env != nullptr) {
    char* end = nullptr;
    const double v = std::strtod(env, &end);
    if (end != env && *end == '\0' && v > 0 && std::isfinite(v)) return v;
  }
  return tty ? 0.5 : 10.0;
}
}  // namespace

Progress::Progress(const Run& run, std::string what, double total)
    : enabled_(run.comm().is_root() && !run.options().quiet),
      tty_(isatty(STDERR_FILENO) != 0),
      interval_(progress_interval(tty_)),
      what_(std::move(what)),
      total_(total),
      start_(timing::now()) {}

void Progress::update(double done, const std::string& extra) {
  if (!enabled_) return;
  const double t = timing::now();
  const double since = t - start_;
  if (since < std::min(2.0, interval_) || t - last_print_ < interval_) return;
  last_print_ = t;
  const double fraction = total_ > 0 ? done / total_ : 0;
  const double eta = fraction > 0 ? since * (1 - fraction) / fraction : 0;
  char line[256];
  std::snprintf(line, sizeof line, "%s: %5.1f%%  elapsed %.0f s  ETA %.0f s%s%s", what_.c_str(),
                100 * fraction, since, eta, extra.empty() ? "" : "  ", extra.c_str());
  if (tty_) {
    std::fprintf(stderr, "\r%s\033[K", line);
    drew_ = true;
  } else {
    std::fprintf(stderr, "%s\n", line);
  }
  std::fflush(stderr);
}

Progress::~Progress() {
  if (drew_) std::fputs("\r\033[K", stderr);
}

std::string si(double value) {
  const char* suffix[] = {"", " k", " M", " G", " T", " P"};
  int k = 0;
  while (std::fabs(value) >= 1000 && k < 5) {
    value /= 1000;
    ++k;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g%s", value, suffix[k]);
  return buf;
}

}  // namespace rankwise::driver
