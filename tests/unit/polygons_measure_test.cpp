// The compute phase: results independent of threads; per-record times from block timing.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "rankwise/polygons/measure.hpp"
#include "rankwise/polygons/synthetic.hpp"

using namespace rankwise::polygons;

TEST(PolygonsMeasure, ThreadsDoNotChangeResultsAndTimesFollowVertices) {
  const auto set = generate(300, 5, Crs::projected, 24).polygons;
  const Measurements one = measure(set, AreaMode::planar, 1);
  const Measurements two = measure(set, AreaMode::planar, 2);
  EXPECT_EQ(one.area_planar, two.area_planar);
  EXPECT_EQ(one.vertices, two.vertices);
  const double total = std::accumulate(one.seconds.begin(), one.seconds.end(), 0.0);
  EXPECT_GT(total, 0.0);
  for (std::uint64_t r = 0; r < set.records(); ++r) {
    EXPECT_GT(one.seconds[r], 0.0) << r;
    EXPECT_EQ(one.vertices[r], set.record_vertices(r));
  }
  // Records 0 and 1 share a timing block: their times are in the ratio of vertices + 4.
  const double ratio = one.seconds[0] / one.seconds[1];
  const double expected = (static_cast<double>(one.vertices[0]) + 4.0) /
                          (static_cast<double>(one.vertices[1]) + 4.0);
  EXPECT_NEAR(ratio, expected, 1e-12 * expected);
}

TEST(PolygonsMeasure, SubRangesLeaveTheRestUnmeasured) {
  const auto set = generate(40, 1, Crs::projected, 16).polygons;
  Measurements m = unmeasured(set.records());
  measure_range(set, AreaMode::planar, 1, 10, 20, m);
  EXPECT_TRUE(std::isnan(m.area_planar[9]));
  EXPECT_FALSE(std::isnan(m.area_planar[10]));
  EXPECT_FALSE(std::isnan(m.area_planar[19]));
  EXPECT_TRUE(std::isnan(m.area_planar[20]));
  EXPECT_EQ(m.seconds[20], 0.0);
}
