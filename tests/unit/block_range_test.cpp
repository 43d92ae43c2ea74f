// Block decomposition: coverage, balance, uneven splits, more parts than items, huge n.
#include <gtest/gtest.h>

#include "rankwise/parallel/block_range.hpp"

using rankwise::parallel::block_owner;
using rankwise::parallel::block_range;
using rankwise::parallel::BlockRange;

namespace {
void expect_partition(std::uint64_t n, std::uint64_t parts) {
  std::uint64_t next = 0;
  std::uint64_t smallest = UINT64_MAX, largest = 0;
  for (std::uint64_t p = 0; p < parts; ++p) {
    const BlockRange r = block_range(n, p, parts);
    ASSERT_EQ(r.begin, next) << "n=" << n << " parts=" << parts << " part=" << p;
    ASSERT_LE(r.begin, r.end);
    smallest = std::min(smallest, r.size());
    largest = std::max(largest, r.size());
    next = r.end;
  }
  EXPECT_EQ(next, n);
  EXPECT_LE(largest - smallest, 1u);
}
}  // namespace

TEST(BlockRange, CoversEveryItemOnceWithSizesWithinOne) {
  for (std::uint64_t n : {0ull, 1ull, 2ull, 7ull, 10ull, 100ull, 1001ull}) {
    for (std::uint64_t parts : {1ull, 2ull, 3ull, 4ull, 7ull, 64ull}) expect_partition(n, parts);
  }
}

TEST(BlockRange, UnevenSplitGivesExtraItemsToFirstParts) {
  EXPECT_EQ(block_range(10, 0, 3), (BlockRange{0, 4}));
  EXPECT_EQ(block_range(10, 1, 3), (BlockRange{4, 7}));
  EXPECT_EQ(block_range(10, 2, 3), (BlockRange{7, 10}));
}

TEST(BlockRange, MorePartsThanItemsLeavesTrailingPartsEmpty) {
  EXPECT_EQ(block_range(2, 0, 4), (BlockRange{0, 1}));
  EXPECT_EQ(block_range(2, 1, 4), (BlockRange{1, 2}));
  EXPECT_TRUE(block_range(2, 2, 4).empty());
  EXPECT_TRUE(block_range(2, 3, 4).empty());
  EXPECT_EQ(block_range(2, 3, 4).begin, 2u);
}

TEST(BlockRange, HandlesCountsNearTwoToThe64) {
  const std::uint64_t n = (std::uint64_t{1} << 63) + 12345;
  expect_partition(n, 3);
  expect_partition(n, 1000);
  expect_partition(UINT64_MAX, 7);
  EXPECT_EQ(block_range(UINT64_MAX, 6, 7).end, UINT64_MAX);
}

TEST(BlockRange, OwnerIsTheInverse) {
  for (std::uint64_t n : {1ull, 5ull, 10ull, 97ull}) {
    for (std::uint64_t parts : {1ull, 2ull, 3ull, 4ull, 13ull}) {
      for (std::uint64_t p = 0; p < parts; ++p) {
        const auto r = block_range(n, p, parts);
        for (std::uint64_t i = r.begin; i < r.end; ++i) EXPECT_EQ(block_owner(n, i, parts), p);
      }
    }
  }
}

TEST(BlockRange, RejectsBadPart) {
  EXPECT_THROW((void)block_range(10, 3, 3), std::invalid_argument);
  EXPECT_THROW((void)block_range(10, 0, 0), std::invalid_argument);
}
