// Shapefile writing and checked reading, including damaged files.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <vector>

#include "rankwise/errors.hpp"
#include "rankwise/polygons/shapefile.hpp"
#include "rankwise/polygons/synthetic.hpp"

using namespace rankwise::polygons;
namespace fs = std::filesystem;

namespace {
class PolygonsShapefile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("rankwise-shp-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    set_ = generate(5, 3, Crs::geographic, 16);
    write_shapefile(path(), set_.polygons, set_.names, set_.crs);
  }
  void TearDown() override { fs::remove_all(dir_); }
  [[nodiscard]] std::string path(const std::string& ext = "shp") const {
    return (dir_ / ("set." + ext)).string();
  }
  // Overwrite bytes at `offset` of the file with extension `ext`.
  void patch(const std::string& ext, std::size_t offset, const std::vector<unsigned char>& bytes) {
    std::fstream f(path(ext), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(offset));
    f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  }
  // The InputError message reading the set gives ("" if it reads).
  [[nodiscard]] std::string failure() const {
    try {
      (void)read_shapefile(path(), "");
    } catch (const rankwise::InputError& e) {
      return e.what();
    }
    return "";
  }
  fs::path dir_;
  SyntheticSet set_;
};

std::vector<unsigned char> be32(std::uint32_t v) {
  return {static_cast<unsigned char>(v >> 24), static_cast<unsigned char>(v >> 16),
          static_cast<unsigned char>(v >> 8), static_cast<unsigned char>(v)};
}
std::vector<unsigned char> le32(std::uint32_t v) {
  return {static_cast<unsigned char>(v), static_cast<unsigned char>(v >> 8),
          static_cast<unsigned char>(v >> 16), static_cast<unsigned char>(v >> 24)};
}
}  // namespace

TEST_F(PolygonsShapefile, RoundTrip) {
  const Shapefile f = read_shapefile(path(), "");
  EXPECT_EQ(f.polygons, set_.polygons);
  EXPECT_EQ(f.names, set_.names);
  EXPECT_EQ(f.crs, Crs::geographic);
  EXPECT_EQ(f.crs_source, "prj");
  EXPECT_EQ(f.name_field, "NAME");
  EXPECT_EQ(f.code_page, "UTF-8");
  EXPECT_EQ(f.shape_type, 5);
}

TEST_F(PolygonsShapefile, ProjectedRoundTripAndNamedField) {
  const auto p = generate(4, 1, Crs::projected, 12);
  write_shapefile(path(), p.polygons, p.names, p.crs);
  const Shapefile f = read_shapefile(path(), "NAME");
  EXPECT_EQ(f.polygons, p.polygons);
  EXPECT_EQ(f.crs, Crs::projected);
}

TEST_F(PolygonsShapefile, MissingFieldListsTheFields) {
  try {
    (void)read_shapefile(path(), "POP");
    FAIL() << "no error";
  } catch (const rankwise::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("no field 'POP' (fields: NAME)"), std::string::npos);
  }
}

TEST_F(PolygonsShapefile, MissingFiles) {
  fs::remove(path("dbf"));
  EXPECT_NE(failure().find("set.dbf: missing"), std::string::npos) << failure();
  fs::remove(path("shx"));
  EXPECT_NE(failure().find("set.shx: missing"), std::string::npos) << failure();
  fs::remove(path("shp"));
  EXPECT_NE(failure().find("set.shp: no such file"), std::string::npos) << failure();
}

TEST_F(PolygonsShapefile, WrongMagic) {
  patch("shp", 0, be32(1234));
  EXPECT_NE(failure().find("not a shapefile (file code 1234"), std::string::npos) << failure();
}

TEST_F(PolygonsShapefile, Truncated) {
  fs::resize_file(path(), fs::file_size(path()) - 10);
  EXPECT_NE(failure().find("(truncated)"), std::string::npos) << failure();
  fs::resize_file(path(), 60);
  EXPECT_NE(failure().find("truncated (60 bytes"), std::string::npos) << failure();
}

TEST_F(PolygonsShapefile, NonPolygonType) {
  patch("shp", 32, le32(1));
  EXPECT_NE(failure().find("shape type 1 (Point) is not a polygon type"), std::string::npos)
      << failure();
}

TEST_F(PolygonsShapefile, RecordCountsDisagree) {
  // Drop the last .shx entry and fix its length field: the .dbf still has 5 records.
  fs::resize_file(path("shx"), 100 + 8 * 4);
  patch("shx", 24, be32((100 + 8 * 4) / 2));
  EXPECT_NE(failure().find("5 records but the .shx has 4"), std::string::npos) << failure();
}

TEST_F(PolygonsShapefile, PartIndexOutOfRange) {
  // Record 0's content starts at byte 108: type, box (32), nParts, nPoints, parts[0].
  patch("shp", 108 + 4 + 32 + 8, le32(100000));
  const std::string message = failure();
  EXPECT_NE(message.find("record 0"), std::string::npos) << message;
}

TEST_F(PolygonsShapefile, IndexPointsOutsideTheFile) {
  patch("shx", 100, be32(1u << 30));
  EXPECT_NE(failure().find("lies outside the .shp"), std::string::npos) << failure();
}

TEST_F(PolygonsShapefile, Empty) {
  write_shapefile(path(), PolygonSet{}, {}, Crs::geographic);
  EXPECT_NE(failure().find("no records (empty shapefile)"), std::string::npos) << failure();
}

TEST_F(PolygonsShapefile, SiblingNames) {
  EXPECT_EQ(sibling("a/b.shp", "dbf"), "a/b.dbf");
  EXPECT_EQ(sibling("a/b", "shp"), "a/b.shp");
  EXPECT_EQ(sibling("a/b.SHP", "shx"), "a/b.shx");
}

// Ranges read on demand are the same records as a whole read; chunk ends follow the bytes.
TEST_F(PolygonsShapefile, ReaderReadsRangesAndChunks) {
  const auto big = generate(300, 9, Crs::geographic, 40);
  write_shapefile(path(), big.polygons, big.names, big.crs);
  const ShapefileReader reader(path(), "");
  ASSERT_EQ(reader.records(), 300u);
  const std::vector<std::uint64_t> counts = reader.vertex_counts();
  EXPECT_EQ(counts, big.polygons.vertex_counts());
  PolygonSet part;
  part.first_record = 100;
  reader.read(100, 180, part);
  PolygonSet want = big.polygons.slice(100, 180);
  want.first_record = 100;
  EXPECT_EQ(part, want);
  // A chunk of at least 10 kB: ends after the record that reaches it, never past `last`.
  const std::uint64_t e = reader.chunk_end(0, 300, 10000);
  std::uint64_t bytes = 0;
  for (std::uint64_t r = 0; r < e; ++r) bytes += 8 + 44 + 4 + 16 * counts[r];  // one part each
  EXPECT_GE(bytes, 10000u);
  EXPECT_LT(bytes - (8 + 44 + 4 + 16 * counts[e - 1]), 10000u);
  EXPECT_EQ(reader.chunk_end(290, 300, 1u << 30), 300u);
  EXPECT_EQ(reader.chunk_end(300, 300, 10), 300u);
}

// A rank's own range, opened without the .dbf and .prj: the same records; the index's
// estimates are the vertex counts for one-part polygons (numPoints + numParts/4 in general).
TEST_F(PolygonsShapefile, RangeReaderReadsItsShare) {
  const auto big = generate(300, 9, Crs::geographic, 40);
  write_shapefile(path(), big.polygons, big.names, big.crs);
  const ShapefileReader full(path(), "");
  EXPECT_EQ(full.vertex_estimates(), full.vertex_counts());
  std::filesystem::remove(sibling(path(), "dbf"));  // not needed for a range
  std::filesystem::remove(sibling(path(), "prj"));
  const ShapefileReader mine(path(), Crs::geographic, 300, 200, 300);
  PolygonSet part;
  part.first_record = 200;
  mine.read(200, 300, part);
  PolygonSet want = big.polygons.slice(200, 300);
  want.first_record = 200;
  EXPECT_EQ(part, want);
  // The file changed under the run (another record count): refused, naming the file.
  try {
    const ShapefileReader stale(path(), Crs::geographic, 301, 200, 301);
    ADD_FAILURE() << "a stale record count was accepted";
  } catch (const rankwise::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("changed while reading"), std::string::npos) << e.what();
  }
  EXPECT_THROW(ShapefileReader(path() + ".nothing", Crs::geographic, 300, 0, 1), rankwise::InputError);
}
