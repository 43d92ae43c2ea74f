// Safe points: see include/rankwise/driver/stop_point.hpp.
#include "rankwise/driver/stop_point.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "rankwise/errors.hpp"
#include "rankwise/process/shutdown.hpp"
#include "rankwise/timing/phase_timer.hpp"

namespace rankwise::driver {
namespace {

// Ranks agree about this often; a stop is seen at most this long (plus a step) after the signal.
constexpr double kAgreeEvery = 0.5;
// Fixed part of the safety margin before a time limit: MPI teardown, the final output's close
// and rename, the batch system's own slack.
constexpr double kMarginFixed = 10.0;

bool all_digits(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

// "[D-]HH:MM:SS", "MM:SS": seconds, or -1 if `s` is not of that form.
double clock_form(const std::string& s) {
  std::string rest = s;
  double days = 0;
  if (const auto dash = rest.find('-'); dash != std::string::npos) {
    if (!all_digits(rest.substr(0, dash))) return -1;
    days = std::stod(rest.substr(0, dash));
    rest = rest.substr(dash + 1);
  }
  std::array<double, 3> parts{};
  int count = 0;
  std::size_t begin = 0;
  while (true) {
    const auto colon = rest.find(':', begin);
    const std::string field = rest.substr(begin, colon == std::string::npos ? colon : colon - begin);
    if (!all_digits(field) || count == 3) return -1;
    parts[static_cast<std::size_t>(count++)] = std::stod(field);
    if (colon == std::string::npos) break;
    begin = colon + 1;
  }
  if (count < 2 && days == 0) return -1;
  double seconds = 0;
  for (int i = 0; i < count; ++i) seconds = seconds * 60 + parts[static_cast<std::size_t>(i)];
  if (count == 2 && days != 0) seconds *= 60;  // D-HH:MM
  return days * 86400 + seconds;
}

}  // namespace

double parse_duration(const std::string& text, const std::string& option) {
  const std::string bad = option + ": expected a duration such as 600, 90s, 30m, 2h or 1:30:00, got '" +
                          text + "'";
  if (text.empty()) throw UsageError(bad);
  double seconds = -1;
  if (text.find(':') != std::string::npos) {
    seconds = clock_form(text);
  } else {
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (end == text.c_str()) throw UsageError(bad);
    const std::string unit = end;
    double scale = -1;
    if (unit.empty() || unit == "s") scale = 1;
    if (unit == "m" || unit == "min") scale = 60;
    if (unit == "h") scale = 3600;
    if (unit == "d") scale = 86400;
    if (scale < 0) throw UsageError(bad);
    seconds = v * scale;
  }
  if (!std::isfinite(seconds) || seconds < 0) throw UsageError(bad);
  if (seconds == 0) throw UsageError(option + ": must be longer than 0, got '" + text + "'");
  return seconds;
}

StopPolicy policy_from_environment(double elapsed) {
  StopPolicy p;
  const double now = static_cast<double>(std::time(nullptr));
  if (const char* end = std::getenv("SLURM_JOB_END_TIME"); end != nullptr && all_digits(end)) {
    p.time_limit = elapsed + (std::stod(end) - now);
    p.time_limit_source = "SLURM_JOB_END_TIME";
    return p;
  }
  if (const char* wall = std::getenv("PBS_WALLTIME"); wall != nullptr && *wall != '\0') {
    const std::string w = wall;
    const double seconds = all_digits(w) ? std::stod(w) : clock_form(w);
    if (seconds > 0) {
      double started = now - elapsed;
      if (const char* s = std::getenv("PBS_JOB_START_TIME"); s != nullptr && all_digits(s)) {
        started = std::stod(s);
      }
      p.time_limit = elapsed + (started + seconds - now);
      p.time_limit_source = "PBS_WALLTIME";
    }
  }
  return p;
}

std::string duration_text(double seconds) {
  char buf[64];
  if (seconds < 120) {
    std::snprintf(buf, sizeof buf, "%.0f s", seconds);
  } else if (seconds < 7200) {
    std::snprintf(buf, sizeof buf, "%.1f min", seconds / 60);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f h", seconds / 3600);
  }
  return buf;
}

StopPoint::StopPoint(const parallel::Comm& comm, StopPolicy policy, double start, bool quiet)
    : comm_(comm), policy_(std::move(policy)), start_(start), quiet_(quiet),
      last_time_(timing::now()) {}

void StopPoint::reset_pace() {
  forced_left_ = 2;
  last_time_ = timing::now();
  last_polls_ = polls_;
}

void StopPoint::checkpoint_written(double seconds) {
  checkpoint_seconds_ = seconds;
  checkpoint_pending_reset_ = true;
}

Decision StopPoint::poll(std::uint64_t steps_left, bool force, bool local_flag) {
  ++polls_;
  flag_seen_ = flag_seen_ || local_flag;
  // The first two polls (after construction or reset_pace()) always agree: a signal that came
  // during set-up is seen at once, and the step time is measured before anything is planned
  // from it.
  if (!force && polls_ < next_agreement_ && forced_left_ == 0) return {};
  if (forced_left_ > 0) --forced_left_;

  const double t = timing::now();
  const double per_step = polls_ > last_polls_ ? (t - last_time_) / static_cast<double>(polls_ - last_polls_) : 0;
  const std::array<double, 6> mine{static_cast<double>(process::pending_signal()), t - start_,
                                   per_step, checkpoint_seconds_,
                                   checkpoint_pending_reset_ ? 1.0 : 0.0, flag_seen_ ? 1.0 : 0.0};
  const auto all = comm_.max(std::span<const double>(mine));
  last_time_ = t;
  last_polls_ = polls_;
  const double elapsed = all[1];
  if (all[2] > 0) step_seconds_ = all[2];
  agreed_checkpoint_seconds_ = std::max(agreed_checkpoint_seconds_, all[3]);
  if (all[4] != 0) {
    last_checkpoint_ = elapsed;
    checkpoint_pending_reset_ = false;
  }
  const double interval = step_seconds_ > 0 ? kAgreeEvery / step_seconds_ : 1;
  next_agreement_ = polls_ + static_cast<std::uint64_t>(std::clamp(interval, 1.0, 1e6));
  // After a signal the watchdog ends a run that does not stop within this (a rank that hangs).
  process::set_signal_grace(kMarginFixed + 3 * step_seconds_ + 3 * agreed_checkpoint_seconds_);

  Decision d;
  d.flagged = all[5] != 0;
  if (all[0] != 0) {
    d.action = Action::stop;
    d.signal = static_cast<int>(all[0]);
    d.reason = process::signal_name(d.signal);
    return d;
  }
  if (std::isfinite(policy_.time_limit)) {
    // Stop while a checkpoint and the final output still fit: the next agreement may come a
    // half second plus a step from now, then the checkpoint and the output's close.
    const double margin = kMarginFixed + kAgreeEvery + 3 * step_seconds_ +
                          2 * agreed_checkpoint_seconds_;
    const double left = policy_.time_limit - elapsed;
    if (left < margin) {
      d.action = Action::stop;
      d.reason = "the time limit (" + policy_.time_limit_source + ")";
      return d;
    }
    const double eta = static_cast<double>(steps_left) * step_seconds_;
    if (!warned_ && polls_ >= 2 && step_seconds_ > 0 && eta > left - margin) {
      warned_ = true;
      if (comm_.is_root()) {
        std::fprintf(stderr,
                     "rankwise: warning: the %llu steps left need about %s but the time limit "
                     "(%s) comes in %s: the run will checkpoint and stop before it\n",
                     static_cast<unsigned long long>(steps_left), duration_text(eta).c_str(),
                     policy_.time_limit_source.c_str(), duration_text(left).c_str());
      }
    }
  }
  if (policy_.checkpoint_walltime > 0 && elapsed - last_checkpoint_ >= policy_.checkpoint_walltime) {
    d.action = Action::checkpoint;
  }
  (void)quiet_;
  return d;
}

}  // namespace rankwise::driver
