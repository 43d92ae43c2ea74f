// The log header and the oversubscription warning every driver prints at its start.
#include <gtest/gtest.h>

#include "rankwise/driver/run_header.hpp"

using rankwise::driver::log_header;
using rankwise::driver::oversubscription_warning;
using rankwise::driver::RankPlace;

TEST(RunHeader, TwoLinesWithEverythingABatchLogNeeds) {
  const std::vector<RankPlace> ranks{{"n01", 8}, {"n01", 8}, {"n02", 8}, {"n03", 8}, {"n04", 8}};
  const std::string h = log_header("1.2.3", "abc123", "2026-01-02T03:04:05Z", 4, ranks, "AVX2");
  EXPECT_EQ(h,
            "rankwise 1.2.3 (git abc123), started 2026-01-02T03:04:05Z\n"
            "5 ranks x 4 threads on 4 hosts (n01, n02, n03, ...), SIMD AVX2\n");
  EXPECT_EQ(log_header("1", "c", "t", 1, {{"only", 1}}, "AVX3"),
            "rankwise 1 (git c), started t\n1 rank x 1 thread on 1 host (only), SIMD AVX3\n");
}

TEST(RunHeader, WarnsWhenThreadsOutnumberTheCoresOfSomeRank) {
  EXPECT_EQ(oversubscription_warning(2, {{"a", 2}, {"b", 4}}), "");
  EXPECT_EQ(oversubscription_warning(1, {{"a", 1}}), "");
  const std::string w = oversubscription_warning(4, {{"a", 8}, {"b", 1}, {"c", 2}});
  EXPECT_NE(w.find("4 OpenMP threads per rank, but rank 1 (on b) may use only 1 core"),
            std::string::npos)
      << w;
  EXPECT_NE(w.find("--threads 1"), std::string::npos) << w;
  EXPECT_EQ(w.find('\n'), std::string::npos);  // one line
}
