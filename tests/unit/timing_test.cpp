// Phase timer summaries: min/avg/max, owning rank of the max, imbalance.
#include <gtest/gtest.h>

#include "rankwise/timing/phase_timer.hpp"

using namespace rankwise::timing;

TEST(PhaseTimer, ScopesAccumulate) {
  PhaseTimer t;
  t.add(Phase::compute, 1.5);
  { auto s = t.scope(Phase::compute); }
  EXPECT_GE(t.seconds(Phase::compute), 1.5);
  EXPECT_EQ(t.seconds(Phase::write), 0.0);
  EXPECT_EQ(t.all().size(), phase_names.size());
}

TEST(PhaseTimer, SummaryOverRanks) {
  const std::size_t p = phase_names.size();
  std::vector<double> table(3 * p, 0.0);
  const auto c = static_cast<std::size_t>(Phase::compute);
  table[0 * p + c] = 1.0;
  table[1 * p + c] = 3.0;
  table[2 * p + c] = 2.0;
  const auto s = summarise(table, 3);
  ASSERT_EQ(s.size(), p);
  EXPECT_EQ(s[c].name, "compute");
  EXPECT_DOUBLE_EQ(s[c].min, 1.0);
  EXPECT_DOUBLE_EQ(s[c].mean, 2.0);
  EXPECT_DOUBLE_EQ(s[c].max, 3.0);
  EXPECT_EQ(s[c].max_rank, 1);
  EXPECT_DOUBLE_EQ(s[c].imbalance, 0.5);
  EXPECT_DOUBLE_EQ(s[0].imbalance, 0.0);  // all-zero phase
  EXPECT_NE(format_table(s).find("compute"), std::string::npos);
  EXPECT_THROW((void)summarise(table, 2), std::invalid_argument);
}

TEST(PhaseTimer, ImbalanceOfNegligiblePhasesIsADash) {
  const std::size_t p = phase_names.size();
  const auto c = static_cast<std::size_t>(Phase::compute);
  const auto w = static_cast<std::size_t>(Phase::write);
  const auto i = static_cast<std::size_t>(Phase::idle);
  std::vector<double> table(2 * p, 0.0);
  table[0 * p + c] = 10.0;  // compute: 10 s and 30 s -> 50 % imbalance
  table[1 * p + c] = 30.0;
  table[0 * p + w] = 0.0001;  // write: 0.1 ms vs 0.3 ms, a "50 %" that means nothing
  table[1 * p + w] = 0.0003;
  table[0 * p + i] = 0.1;  // idle: 0.1 s vs 0.3 s, above 1 ms but under 1 % of a 40 s wall
  table[1 * p + i] = 0.3;
  const std::string text = format_table(summarise(table, 2), 40.0);
  auto row = [&](const std::string& name) {
    const auto b = text.find("\n" + name + " ");
    return text.substr(b + 1, text.find('\n', b + 1) - b - 1);
  };
  EXPECT_EQ(row("compute").substr(row("compute").size() - 9), "    50.0%");
  EXPECT_EQ(row("write").substr(row("write").size() - 9), "        -");
  EXPECT_EQ(row("idle").substr(row("idle").size() - 9), "        -");
  EXPECT_EQ(row("compute").size(), row("write").size());  // columns stay aligned
  // Without a wall time only the 1 ms rule applies: idle's imbalance shows.
  const std::string no_wall = format_table(summarise(table, 2));
  EXPECT_NE(no_wall.find("    50.0%\n", no_wall.find("\nidle ")), std::string::npos);
}
