// Scatter of polygon ranges (flat and serialized) and gather in record order, at 1-4 ranks.
#include <gtest/gtest.h>

#include <numeric>

#include "rankwise/parallel/comm.hpp"
#include "rankwise/polygons/distribute.hpp"
#include "rankwise/polygons/partition.hpp"
#include "rankwise/polygons/synthetic.hpp"

using namespace rankwise::polygons;

namespace {
const rankwise::parallel::Comm& world() {
  static const rankwise::parallel::Comm comm;
  return comm;
}

void check_scatter(std::uint64_t count, ScatterMethod method) {
  const auto& comm = world();
  // Every rank can build the same set, so each checks its own slice against the expectation.
  const auto all = generate(count, 17, Crs::geographic, 24).polygons;
  const auto bounds = partition(all.vertex_counts(), static_cast<std::uint64_t>(comm.size()));
  const PolygonSet mine = scatter_polygons(comm, comm.is_root() ? all : PolygonSet{},
                                           comm.is_root() ? bounds : std::vector<std::uint64_t>{},
                                           method);
  const auto r = static_cast<std::size_t>(comm.rank());
  EXPECT_EQ(mine, all.slice(bounds[r], bounds[r + 1]));
  EXPECT_EQ(mine.first_record, bounds[r]);
  EXPECT_EQ(comm.sum(mine.records()), count);
}
}  // namespace

TEST(PolygonsScatter, FlatGivesEachRankItsSlice) { check_scatter(101, ScatterMethod::flat); }
TEST(PolygonsScatter, SerializedGivesEachRankItsSlice) {
  check_scatter(101, ScatterMethod::serialized);
}
TEST(PolygonsScatter, FewerRecordsThanRanks) {
  check_scatter(1, ScatterMethod::flat);
  check_scatter(2, ScatterMethod::serialized);
}

TEST(PolygonsGather, RankOrderIsRecordOrder) {
  const auto& comm = world();
  const std::vector<double> local(static_cast<std::size_t>(comm.rank() + 1),
                                  static_cast<double>(comm.rank()));
  const auto all = gather_in_order(comm, local);
  if (comm.is_root()) {
    std::vector<double> expected;
    for (int r = 0; r < comm.size(); ++r) expected.insert(expected.end(), static_cast<std::size_t>(r + 1), r);
    EXPECT_EQ(all, expected);
  } else {
    EXPECT_TRUE(all.empty());
  }
}
