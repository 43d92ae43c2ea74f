// The compute phase: results independent of threads; per-record times from block timing.
#include <gtest/gtest.h>

#include <unistd.h>

#include <bit>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <string>

#include "rankwise/polygons/measure.hpp"
#include "rankwise/polygons/shapefile.hpp"
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

namespace {
std::string temp_shapefile(const char* name) {
  return (std::filesystem::temp_directory_path() /
          (std::string("rankwise-measure-") + std::to_string(getpid()) + "-" + name + ".shp"))
      .string();
}
}  // namespace

// measure_file (records read chunk by chunk, as root reads its share) gives the same bits as
// reading everything and measuring it, over two or more chunks (2^18 vertices each) and for a
// range that starts inside the file.
TEST(PolygonsMeasure, FileInChunksEqualsWholeSet) {
  for (const Crs crs : {Crs::projected, Crs::geographic}) {
    const auto set = generate(crs == Crs::projected ? 20000 : 6000, 3, crs, 64);
    const std::string shp = temp_shapefile(crs == Crs::projected ? "p" : "g");
    write_shapefile(shp, set.polygons, set.names, set.crs);
    const AreaMode mode = crs == Crs::projected ? AreaMode::planar : AreaMode::geodesic;
    const Measurements whole = measure(read_shapefile(shp, "").polygons, mode, 1);
    const ShapefileReader reader(shp, "");
    for (const std::uint64_t first : {std::uint64_t{0}, std::uint64_t{1234}}) {
      const std::uint64_t count = reader.records() - first;
      Measurements m = unmeasured(count);
      MeasureWorkspace workspace(2);
      std::uint64_t chunks = 0;
      measure_file(reader, first, count, mode, 2, m, workspace, [&](const ChunkDone& c) {
        ++chunks;
        EXPECT_LE(c.records, count);
      });
      EXPECT_GE(chunks, 2u) << "the test must span chunks";
      for (std::uint64_t r = 0; r < count; ++r) {
        ASSERT_EQ(std::bit_cast<std::uint64_t>(m.area_planar[r]),
                  std::bit_cast<std::uint64_t>(whole.area_planar[first + r])) << r;
        ASSERT_EQ(std::bit_cast<std::uint64_t>(m.area_m2[r]),
                  std::bit_cast<std::uint64_t>(whole.area_m2[first + r])) << r;
        ASSERT_EQ(m.vertices[r], whole.vertices[first + r]);
      }
    }
    for (const char* ext : {".shp", ".shx", ".dbf", ".prj", ".cpg"}) {
      std::filesystem::remove(shp.substr(0, shp.size() - 4) + ext);
    }
  }
}
