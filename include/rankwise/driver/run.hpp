#pragma once
/// What every driver run shares: the communicator, common options, phase timers, messages,
/// and the output file (temporary name, provenance, timings, atomic rename).
#include <functional>
#include <memory>
#include <string>

#include "rankwise/driver/stop_point.hpp"
#include "rankwise/io/h5.hpp"
#include "rankwise/io/output_path.hpp"
#include "rankwise/io/provenance.hpp"
#include "rankwise/parallel/comm.hpp"
#include "rankwise/timing/phase_timer.hpp"

namespace rankwise::driver {

/// Options common to every subcommand.
struct CommonOptions {
  std::string output;      ///< final HDF5 path
  bool overwrite = false;  ///< replace an existing output
  int threads = 1;         ///< OpenMP threads per rank
  bool quiet = false;      ///< no summary, progress or timing table
  bool force = false;      ///< write even if the output looks larger than the free space
  double time_limit = 0;   ///< --time-limit in seconds (0: from the batch system, if any)
};

/// One run of one driver on every rank.
class Run {
 public:
  /// collective: prints the log header and placement warnings (see announce()).
  Run(const parallel::Comm& comm, CommonOptions options, io::Invocation invocation);
  ~Run();
  Run(const Run&) = delete;
  Run& operator=(const Run&) = delete;

  [[nodiscard]] const parallel::Comm& comm() const noexcept { return comm_; }
  [[nodiscard]] const CommonOptions& options() const noexcept { return options_; }
  [[nodiscard]] int threads() const noexcept { return options_.threads; }
  [[nodiscard]] timing::PhaseTimer& timer() noexcept { return timer_; }
  /// Seconds since the run started.
  [[nodiscard]] double elapsed() const;

  /// Print a line on rank 0 (stdout) unless --quiet.
  void say(const std::string& line) const;

  /// collective: check the output path now (exists without --overwrite, unwritable
  /// directory, free space for `estimated_bytes`) so a bad path fails before any work.
  void reserve_output(double estimated_bytes = 0);
  /// The output may replace an existing file at its path (set before reserve_output()): for a
  /// run continuing its own stopped output.
  void allow_replace() { replace_ = true; }
  /// A signal does not discard the output (the driver finishes it as a partial result).
  void keep_output_on_signal() { keep_on_signal_ = true; }
  /// When to stop or checkpoint: --time-limit, else the batch system's limit.
  [[nodiscard]] StopPolicy stop_policy() const;
  /// The command line as typed.
  [[nodiscard]] const std::string& command_line() const noexcept {
    return invocation_.command_line;
  }
  /// The effective options, stored as attributes option_* of the driver group (set before writing).
  void record_options(io::RunOptions options) { options_record_ = std::move(options); }
  /// collective: stop here if a signal arrived on any rank (throws Stopped, exit 128+signal;
  /// the temporary output is removed). For drivers that keep no partial result.
  void stop_if_signalled() const;
  /// collective: create the file under its temporary name, write provenance, let `fill`
  /// write the driver's groups, write /timings, close, and rename into place.
  void write_output(const std::function<void(io::Group& root)>& fill);
  /// collective: print the per-phase min/avg/max/imbalance table on rank 0.
  void report_timings() const;

  /// collective: for drivers that write while they compute (trajectories): create the file
  /// under its temporary name, write provenance, and return its root group. Everything
  /// opened in it must be destroyed before close_output(). On an error the temporary is
  /// removed when the Run is destroyed.
  [[nodiscard]] io::Group open_output();
  /// collective: write /timings into the file from open_output(), close it, rename it into
  /// place.
  void close_output();

 private:
  /// collective: the log header (rank 0, stdout, unless --quiet) and the warning when the
  /// threads outnumber the cores a rank is bound to (rank 0, stderr).
  void announce() const;

  const parallel::Comm& comm_;
  CommonOptions options_;
  io::Invocation invocation_;
  io::RunOptions options_record_;
  timing::PhaseTimer timer_;
  double start_;
  std::unique_ptr<io::OutputPath> output_;
  std::unique_ptr<io::File> file_;  // open between open_output() and close_output()
  bool replace_ = false;
  bool keep_on_signal_ = false;
};

/// Progress of a long loop, shown on rank 0: an updating line on a terminal, a plain line
/// about every 10 s otherwise (batch logs; RANKWISE_PROGRESS_INTERVAL=S sets the seconds).
/// Silent with --quiet, on other ranks, and for runs shorter than 2 s.
class Progress {
 public:
  Progress(const Run& run, std::string what, double total);
  /// False where update() prints nothing (not rank 0, or --quiet).
  [[nodiscard]] bool enabled() const noexcept { return enabled_; }
  /// Report `done` of `total`; `extra` is appended (e.g. "1.2e9 interactions/s").
  void update(double done, const std::string& extra = {});
  /// Clear the terminal line, if one was drawn.
  ~Progress();

 private:
  bool enabled_;
  bool tty_;
  double interval_;
  std::string what_;
  double total_;
  double start_;
  double last_print_ = 0;
  bool drew_ = false;
};

/// Human-friendly number with an SI suffix: 2.5e9 -> "2.50 G".
[[nodiscard]] std::string si(double value);

}  // namespace rankwise::driver
