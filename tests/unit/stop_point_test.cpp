// Safe points: duration parsing, the batch system's limit, and the decisions of StopPoint.
#include <gtest/gtest.h>

#include <cmath>
#include <csignal>
#include <cstdlib>
#include <ctime>

#include "rankwise/driver/stop_point.hpp"
#include "rankwise/errors.hpp"
#include "rankwise/process/shutdown.hpp"
#include "rankwise/timing/phase_timer.hpp"

namespace rankwise::driver {
namespace {

TEST(StopPoint, ParsesDurations) {
  EXPECT_EQ(parse_duration("600", "--x"), 600);
  EXPECT_EQ(parse_duration("90s", "--x"), 90);
  EXPECT_EQ(parse_duration("30m", "--x"), 1800);
  EXPECT_EQ(parse_duration("2h", "--x"), 7200);
  EXPECT_EQ(parse_duration("1d", "--x"), 86400);
  EXPECT_EQ(parse_duration("1:30:00", "--x"), 5400);
  EXPECT_EQ(parse_duration("05:00", "--x"), 300);
  EXPECT_EQ(parse_duration("2-00:00:00", "--x"), 2 * 86400);
  EXPECT_EQ(parse_duration("0.5", "--x"), 0.5);
  for (const char* bad : {"", "0", "-5", "abc", "5x", "1:2:3:4", "nan", "inf", "1:aa"}) {
    EXPECT_THROW((void)parse_duration(bad, "--x"), UsageError) << bad;
  }
}

TEST(StopPoint, ReadsTheBatchSystemsLimit) {
  ::unsetenv("PBS_WALLTIME");
  ::setenv("SLURM_JOB_END_TIME", std::to_string(std::time(nullptr) + 100).c_str(), 1);
  StopPolicy p = policy_from_environment(5.0);
  EXPECT_NEAR(p.time_limit, 105, 2);
  EXPECT_EQ(p.time_limit_source, "SLURM_JOB_END_TIME");
  ::unsetenv("SLURM_JOB_END_TIME");
  ::setenv("PBS_WALLTIME", "01:00:00", 1);
  ::unsetenv("PBS_JOB_START_TIME");
  p = policy_from_environment(10.0);
  EXPECT_NEAR(p.time_limit, 3600, 2);  // counted from the job's start, taken as the run's
  ::unsetenv("PBS_WALLTIME");
  p = policy_from_environment(0.0);
  EXPECT_FALSE(std::isfinite(p.time_limit));
}

TEST(StopPoint, SignalStopsAtTheNextAgreement) {
  const parallel::Comm comm;
  StopPoint stop(comm, {}, timing::now(), true);
  EXPECT_EQ(stop.poll(100).action, Action::go);
  process::simulate_signal(SIGUSR1);
  const Decision d = stop.poll(99, true);
  process::simulate_signal(0);
  EXPECT_EQ(d.action, Action::stop);
  EXPECT_EQ(d.signal, SIGUSR1);
  EXPECT_EQ(d.reason, "SIGUSR1");
}

TEST(StopPoint, AgreesRarelyWhenStepsAreShort) {
  const parallel::Comm comm;
  StopPoint stop(comm, {}, timing::now(), true);
  (void)stop.poll(1000);
  (void)stop.poll(1000);
  (void)stop.poll(1000);
  // A signal now is not seen by an unforced poll until the next agreement (~0.5 s away at
  // these microsecond steps), but always by a forced one.
  process::simulate_signal(SIGTERM);
  EXPECT_EQ(stop.poll(1000).action, Action::go);
  EXPECT_EQ(stop.poll(1000, true).action, Action::stop);
  process::simulate_signal(0);
}

TEST(StopPoint, TimeLimitStopsWithTheMargin) {
  const parallel::Comm comm;
  StopPolicy policy;
  policy.time_limit = 5;  // less than the fixed 10 s margin: stop at the first agreement
  policy.time_limit_source = "--time-limit";
  StopPoint stop(comm, policy, timing::now(), true);
  const Decision d = stop.poll(10);
  EXPECT_EQ(d.action, Action::stop);
  EXPECT_EQ(d.signal, 0);
  EXPECT_EQ(d.reason, "the time limit (--time-limit)");
}

TEST(StopPoint, CheckpointByWallTimeAndFlags) {
  const parallel::Comm comm;
  StopPolicy policy;
  policy.checkpoint_walltime = 0.05;
  StopPoint stop(comm, policy, timing::now(), true);
  EXPECT_EQ(stop.poll(10, true).action, Action::go);
  timespec pause{0, 80'000'000};
  nanosleep(&pause, nullptr);
  EXPECT_EQ(stop.poll(10, true).action, Action::checkpoint);
  stop.checkpoint_written(0.01);
  EXPECT_EQ(stop.poll(10, true).action, Action::go);  // the clock restarted
  EXPECT_FALSE(stop.poll(10, true).flagged);
  EXPECT_TRUE(stop.poll(10, true, true).flagged);
  EXPECT_TRUE(stop.poll(10, true).flagged);  // sticky
}

}  // namespace
}  // namespace rankwise::driver
