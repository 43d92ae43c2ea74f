#pragma once
/// Per-rank wall-clock timers, one per phase of a run.
#include <array>
#include <chrono>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace rankwise::timing {

/// The phases every driver times. Names in phase_names, same order.
enum class Phase : std::size_t { setup, read, compute, communicate, idle, write, count };

/// Names of the phases as written to /timings/phases.
inline constexpr std::array<const char*, static_cast<std::size_t>(Phase::count)> phase_names = {
    "setup", "read", "compute", "communicate", "idle", "write"};

/// Monotonic seconds since an arbitrary origin.
[[nodiscard]] inline double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

/// Accumulates wall-clock seconds per phase on one rank.
class PhaseTimer {
 public:
  /// Adds elapsed seconds to a phase when it goes out of scope.
  class Scope {
   public:
    Scope(PhaseTimer& timer, Phase phase) : timer_(timer), phase_(phase), start_(now()) {}
    ~Scope() { timer_.add(phase_, now() - start_); }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    PhaseTimer& timer_;
    Phase phase_;
    double start_;
  };

  /// Time the enclosing block as `phase`.
  [[nodiscard]] Scope scope(Phase phase) { return Scope(*this, phase); }
  void add(Phase phase, double seconds) { seconds_[static_cast<std::size_t>(phase)] += seconds; }
  [[nodiscard]] double seconds(Phase phase) const {
    return seconds_[static_cast<std::size_t>(phase)];
  }
  /// All phases, in Phase order.
  [[nodiscard]] std::span<const double> all() const { return seconds_; }

 private:
  std::array<double, static_cast<std::size_t>(Phase::count)> seconds_{};
};

/// One phase summarised over ranks.
struct PhaseSummary {
  std::string name;
  double min = 0;
  double mean = 0;
  double max = 0;
  int max_rank = 0;         ///< the rank holding the maximum (lowest such rank)
  double imbalance = 0;     ///< max / mean - 1 (0 when the mean is 0)
};

/// Summaries of a [ranks x phases] row-major table of seconds.
[[nodiscard]] std::vector<PhaseSummary> summarise(std::span<const double> seconds, int ranks);

/// Phases shorter than this (on the slowest rank) print "-" as their imbalance.
inline constexpr double negligible_phase_seconds = 1e-3;
/// ... and so do phases shorter than this share of the run's wall time.
inline constexpr double negligible_phase_share = 0.01;

/// The table rank 0 prints: one line per phase with min/avg/max, max rank and imbalance
/// ("-" for a phase whose slowest rank took < 1 ms or < 1 % of `wall` seconds).
[[nodiscard]] std::string format_table(const std::vector<PhaseSummary>& phases, double wall = 0);

}  // namespace rankwise::timing
