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
