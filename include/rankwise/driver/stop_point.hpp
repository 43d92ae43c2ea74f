#pragma once
/// Safe points of a long loop: where every rank learns, together, whether to go on, write a
/// checkpoint (by wall time) or stop (a signal on any rank, or the job's time limit coming).
///
/// poll() is called by every rank the same number of times (once a step). It costs nothing
/// most of the time: ranks agree (one all-reduce of a few doubles) only about every half
/// second, at a poll count every rank derives from the agreed step time.
#include <cstdint>
#include <limits>
#include <string>

#include "rankwise/parallel/comm.hpp"

namespace rankwise::driver {

/// When a run must stop or checkpoint, from the options and the batch system.
struct StopPolicy {
  /// Seconds after the run's start at which the job will be killed (infinity: not known).
  double time_limit = std::numeric_limits<double>::infinity();
  std::string time_limit_source;  ///< "--time-limit", "SLURM_JOB_END_TIME", "PBS_WALLTIME"
  double checkpoint_walltime = 0;  ///< seconds between checkpoints; 0: off
};

/// Seconds from "90", "90s", "15m", "2h", "1d", "MM:SS", "HH:MM:SS" or "D-HH:MM:SS" (Slurm's
/// forms). Throws UsageError naming `option`.
[[nodiscard]] double parse_duration(const std::string& text, const std::string& option);

/// The time limit the batch system announces, if any: SLURM_JOB_END_TIME (Unix time of the
/// end), else PBS_WALLTIME (seconds or HH:MM:SS of the job; counted from the job's start, which
/// PBS gives as PBS_JOB_START_TIME or, failing that, is taken as now). `elapsed` is the time the
/// run has already been going.
[[nodiscard]] StopPolicy policy_from_environment(double elapsed);

enum class Action { go, checkpoint, stop };

struct Decision {
  Action action = Action::go;
  int signal = 0;       ///< the signal that asked for the stop (0: the time limit)
  std::string reason;   ///< "SIGTERM", "the time limit (SLURM_JOB_END_TIME)", ...
  bool flagged = false; ///< some rank passed `local_flag` (the caller's own trouble)
};

class StopPoint {
 public:
  /// `start` is the run's start (timing::now() clock).
  StopPoint(const parallel::Comm& comm, StopPolicy policy, double start, bool quiet);

  /// collective: one safe point. `steps_left` feeds the time-limit warning. `force` (the same on
  /// every rank) makes the ranks agree now (before a frame or a checkpoint, say). `local_flag`
  /// is or-ed over ranks at the next agreement and returned in Decision::flagged.
  Decision poll(std::uint64_t steps_left, bool force = false, bool local_flag = false);

  /// The polls that follow may take a different time each (a new phase of work): agree at the
  /// next two and measure the pace again.
  void reset_pace();

  /// Report a checkpoint that took `seconds` on this rank (it resets the wall-time clock).
  void checkpoint_written(double seconds);

  /// Seconds one step takes, as last agreed (slowest rank).
  [[nodiscard]] double step_seconds() const noexcept { return step_seconds_; }

 private:
  const parallel::Comm& comm_;
  StopPolicy policy_;
  double start_;
  bool quiet_;
  std::uint64_t polls_ = 0;
  std::uint64_t next_agreement_ = 1;
  std::uint64_t last_polls_ = 0;
  double last_time_;
  double step_seconds_ = 0;
  double checkpoint_seconds_ = 0;  // this rank's last checkpoint
  double agreed_checkpoint_seconds_ = 0;
  double last_checkpoint_ = 0;     // agreed elapsed time of the last checkpoint
  bool checkpoint_pending_reset_ = false;
  bool warned_ = false;
  bool flag_seen_ = false;
  int forced_left_ = 2;
};

/// Human-friendly duration: "42 s", "3.5 min", "2.1 h".
[[nodiscard]] std::string duration_text(double seconds);

}  // namespace rankwise::driver
