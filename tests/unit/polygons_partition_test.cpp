// partition(): contiguous, complete, balanced by vertex count.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "rankwise/polygons/partition.hpp"

using rankwise::polygons::partition;
using rankwise::polygons::record_overhead;

namespace {
void expect_valid(const std::vector<std::uint64_t>& w, const std::vector<std::uint64_t>& b,
                  std::uint64_t parts) {
  ASSERT_EQ(b.size(), parts + 1);
  EXPECT_EQ(b.front(), 0u);
  EXPECT_EQ(b.back(), w.size());
  EXPECT_TRUE(std::is_sorted(b.begin(), b.end()));
  if (w.empty()) return;
  std::uint64_t total = 0, heaviest = 0;
  for (auto v : w) {
    total += v + record_overhead;
    heaviest = std::max(heaviest, v + record_overhead);
  }
  const double ideal = static_cast<double>(total) / static_cast<double>(parts);
  for (std::uint64_t p = 0; p < parts; ++p) {
    std::uint64_t weight = 0;
    for (auto r = b[p]; r < b[p + 1]; ++r) weight += w[r] + record_overhead;
    EXPECT_LE(std::abs(static_cast<double>(weight) - ideal), static_cast<double>(heaviest) + 1)
        << "part " << p;
  }
}
}  // namespace

TEST(PolygonsPartition, EqualWeightsSplitEvenly) {
  const std::vector<std::uint64_t> w(100, 10);
  const auto b = partition(w, 4);
  EXPECT_EQ(b, (std::vector<std::uint64_t>{0, 25, 50, 75, 100}));
}

TEST(PolygonsPartition, BalancesByVerticesNotRecords) {
  // One huge polygon followed by many small ones: the huge one gets a part nearly to itself.
  std::vector<std::uint64_t> w(1001, 10);
  w[0] = 10000;
  const auto b = partition(w, 2);
  expect_valid(w, b, 2);
  EXPECT_NEAR(static_cast<double>(b[1]), 1 + (24004.0 / 2 - 10004) / 14, 1.0);
}

TEST(PolygonsPartition, UnevenWeightsStayWithinOneRecord) {
  std::vector<std::uint64_t> w;
  for (std::uint64_t i = 0; i < 997; ++i) w.push_back((i * 7919) % 500 + 3);
  for (std::uint64_t parts : {1u, 2u, 3u, 4u, 7u, 64u}) expect_valid(w, partition(w, parts), parts);
}

TEST(PolygonsPartition, MorePartsThanRecords) {
  const std::vector<std::uint64_t> w{5, 5, 5};
  const auto b = partition(w, 8);
  expect_valid(w, b, 8);
  std::uint64_t nonempty = 0;
  for (std::size_t p = 0; p < 8; ++p) nonempty += b[p + 1] > b[p] ? 1 : 0;
  EXPECT_EQ(nonempty, 3u);
}

TEST(PolygonsPartition, EmptyInputAndZeroParts) {
  EXPECT_EQ(partition({}, 3), (std::vector<std::uint64_t>{0, 0, 0, 0}));
  EXPECT_THROW((void)partition(std::vector<std::uint64_t>{1}, 0), std::invalid_argument);
}
