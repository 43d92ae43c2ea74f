// rankwise's own .shp/.dbf parsing (shp_records.cpp, dbf_text.cpp) against shapelib, and on
// damaged records: every check happens before anything is allocated or read out of bounds.
#include <gtest/gtest.h>
#include <shapefil.h>
#include <unistd.h>

#include <bit>
#include <cmath>
#include <filesystem>
#include <algorithm>
#include <fstream>
#include <iterator>
#include <limits>
#include <vector>

#include "rankwise/errors.hpp"
#include "rankwise/polygons/area.hpp"
#include "rankwise/polygons/shapefile.hpp"

using namespace rankwise::polygons;
namespace fs = std::filesystem;

namespace {

struct Ring {
  std::vector<double> x, y;
};
using Record = std::vector<Ring>;  // no rings: a Null shape

class PolygonsShpReader : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("rankwise-shpr-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  [[nodiscard]] std::string path(const std::string& ext = "shp") const {
    return (dir_ / ("set." + ext)).string();
  }

  // Writes `records` with shapelib (Z and M values made up), names in a NAME field.
  void write(int type, const std::vector<Record>& records, const std::vector<std::string>& names) {
    SHPHandle shp = SHPCreate(path().c_str(), type);
    DBFHandle dbf = DBFCreateEx(path("dbf").c_str(), "UTF-8");
    DBFAddField(dbf, "NAME", FTString, 24, 0);
    for (std::size_t r = 0; r < records.size(); ++r) {
      std::vector<int> starts;
      std::vector<double> x, y, z;
      for (const Ring& ring : records[r]) {
        starts.push_back(static_cast<int>(x.size()));
        x.insert(x.end(), ring.x.begin(), ring.x.end());
        y.insert(y.end(), ring.y.begin(), ring.y.end());
      }
      for (std::size_t v = 0; v < x.size(); ++v) z.push_back(static_cast<double>(v) + 0.5);
      SHPObject* o = SHPCreateObject(records[r].empty() ? SHPT_NULL : type, -1,
                                     static_cast<int>(starts.size()), starts.data(), nullptr,
                                     static_cast<int>(x.size()), x.data(), y.data(), z.data(),
                                     z.data());
      SHPWriteObject(shp, -1, o);
      SHPDestroyObject(o);
      DBFWriteStringAttribute(dbf, static_cast<int>(r), 0, names[r].c_str());
    }
    SHPClose(shp);
    DBFClose(dbf);
  }

  // What shapelib's SHPReadObject gives for the same file, as a PolygonSet.
  [[nodiscard]] PolygonSet read_with_shapelib() const {
    SHPHandle shp = SHPOpen(path().c_str(), "rb");
    int n = 0;
    SHPGetInfo(shp, &n, nullptr, nullptr, nullptr);
    PolygonSet set;
    for (int i = 0; i < n; ++i) {
      SHPObject* o = SHPReadObject(shp, i);
      for (int p = 0; p < o->nParts && o->nVertices > 0; ++p) {
        const auto b = static_cast<std::size_t>(o->panPartStart[p]);
        const auto e = static_cast<std::size_t>(p + 1 < o->nParts ? o->panPartStart[p + 1] : o->nVertices);
        set.add_ring({o->padfX + b, e - b}, {o->padfY + b, e - b});
      }
      set.end_record();
      SHPDestroyObject(o);
    }
    SHPClose(shp);
    return set;
  }

  void patch(const std::string& ext, std::size_t offset, const void* bytes, std::size_t n) {
    std::fstream f(path(ext), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(offset));
    f.write(static_cast<const char*>(bytes), static_cast<std::streamsize>(n));
  }
  void patch_le32(std::size_t offset, std::int32_t v) { patch("shp", offset, &v, 4); }

  // The message of reading every record. The planar path (areas straight from the map,
  // ShapefileReader::planar_areas) must check exactly what reading checks: same message.
  [[nodiscard]] std::string failure() const {
    const std::string read = failure_of([&] { (void)read_shapefile(path(), ""); });
    const std::string planar = failure_of([&] {
      const ShapefileReader reader(path(), "");
      const std::uint64_t n = reader.records();
      std::vector<double> area(n);
      std::vector<std::uint64_t> vertices(n);
      std::vector<std::uint32_t> parts(n);
      reader.planar_areas(0, n, area, vertices, parts);
    });
    EXPECT_EQ(read, planar);
    return read;
  }

  template <class F>
  static std::string failure_of(const F& f) {
    try {
      f();
    } catch (const rankwise::InputError& e) {
      return e.what();
    }
    return "";
  }

  fs::path dir_;
};

const std::vector<Record> sample = {
    {{{0, 0, 10, 10, 0}, {0, 10, 10, 0, 0}}, {{2, 4, 4, 2}, {2, 2, 4, 4}}},  // frame with a hole
    {},                                                                       // Null shape
    {{{-179, 179, 179, -179, -179}, {-60, -60, -50, -50, -60}}},
    {{{5, 6, 6}, {5, 5, 6}}, {{7}, {7}}},  // a ring of one vertex
};
const std::vector<std::string> names = {"  padded  ", "", "Ωmega", "last"};

// Record 0 starts at byte 100; its content at 108: type, box (32), nParts, nPoints, parts.
constexpr std::size_t content = 108;

}  // namespace

TEST_F(PolygonsShpReader, AgreesWithShapelibForEveryPolygonType) {
  for (const int type : {SHPT_POLYGON, SHPT_POLYGONZ, SHPT_POLYGONM}) {
    write(type, sample, names);
    const Shapefile f = read_shapefile(path(), "");
    EXPECT_EQ(f.polygons, read_with_shapelib()) << "type " << type;
    // Planar areas straight from the map: the same bits as from the records read.
    const ShapefileReader reader(path(), "");
    std::vector<double> area(4);
    std::vector<std::uint64_t> vertices(4);
    std::vector<std::uint32_t> parts(4);
    reader.planar_areas(0, 4, area, vertices, parts);
    for (std::uint64_t r = 0; r < 4; ++r) {
      EXPECT_EQ(std::bit_cast<std::uint64_t>(area[r]),
                std::bit_cast<std::uint64_t>(planar_area(f.polygons, r).area)) << r;
      EXPECT_EQ(vertices[r], f.polygons.record_vertices(r)) << r;
      EXPECT_EQ(parts[r], f.polygons.end_ring(r) - f.polygons.first_ring(r)) << r;
    }
    EXPECT_EQ(area[0], 96.0);  // 10 x 10 frame, 2 x 2 hole
    EXPECT_EQ(f.polygons.records(), 4u);
    EXPECT_EQ(f.polygons.end_ring(1) - f.polygons.first_ring(1), 0u);  // Null: no rings
    EXPECT_EQ(f.shape_type, type);
    // Names trimmed as shapelib trims them; a blank value is "".
    EXPECT_EQ(f.names, (std::vector<std::string>{"padded", "", "Ωmega", "last"}));
  }
}

TEST_F(PolygonsShpReader, NegativeOrHugeCountsAreRefusedBeforeAllocating) {
  write(SHPT_POLYGON, sample, names);
  patch_le32(content + 36, -1);
  EXPECT_NE(failure().find("record 0: -1 parts"), std::string::npos) << failure();
  write(SHPT_POLYGON, sample, names);
  patch_le32(content + 40, 0x7fffffff);
  EXPECT_NE(failure().find("record 0: 2 parts and 2147483647 points need"), std::string::npos)
      << failure();
  write(SHPT_POLYGON, sample, names);
  patch_le32(content + 36, 0x7fffffff);
  EXPECT_NE(failure().find("but the record has"), std::string::npos) << failure();
}

TEST_F(PolygonsShpReader, PolygonZWithoutItsZValuesIsRefused) {
  write(SHPT_POLYGONZ, sample, names);
  // Claim one more point than the record holds room for with its Z block: the x,y fit.
  patch_le32(content + 40, 9 + 4);
  EXPECT_NE(failure().find("record 0:"), std::string::npos) << failure();
}

TEST_F(PolygonsShpReader, RecordHeaderMustMatchTheIndex) {
  write(SHPT_POLYGON, sample, names);
  const unsigned char big[4] = {0, 0, 0, 2};  // content length 4 bytes, the .shx says more
  patch("shp", 104, big, 4);
  EXPECT_NE(failure().find("differs from the .shx's"), std::string::npos) << failure();
}

TEST_F(PolygonsShpReader, PartsMustIncreaseInsideTheRecord) {
  write(SHPT_POLYGON, sample, names);
  patch_le32(content + 48, 3);  // parts {0, 5} -> {0, 3}: fine, rings of 3 and 6
  EXPECT_EQ(failure(), "");
  patch_le32(content + 48, 9);  // an empty last ring: shapelib refuses those too
  EXPECT_NE(failure().find("record 0: part 1 index 9 out of range (0..9)"), std::string::npos)
      << failure();
  patch_le32(content + 48, 0);  // an empty first ring
  EXPECT_NE(failure().find("record 0: part 1 starts at vertex 0, not after part 0"),
            std::string::npos) << failure();
  patch_le32(content + 44, 1);
  EXPECT_NE(failure().find("record 0: part indices do not start at vertex 0"), std::string::npos)
      << failure();
}

TEST_F(PolygonsShpReader, WrongShapeTypeInARecord) {
  write(SHPT_POLYGON, sample, names);
  patch_le32(content, SHPT_ARC);
  EXPECT_NE(failure().find("record 0: shape type 3 differs from the file's 5"), std::string::npos)
      << failure();
}

TEST_F(PolygonsShpReader, NonFiniteAndOutOfRangeCoordinates) {
  write(SHPT_POLYGON, sample, names);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::size_t points = content + 44 + 2 * 4;  // after 2 part indices
  patch("shp", points + 16 * 3 + 8, &nan, 8);
  EXPECT_NE(failure().find("record 0: vertex 3 (10.000000, nan) is not a valid longitude/latitude"),
            std::string::npos) << failure();
  write(SHPT_POLYGON, sample, names);
  const double lat = 90.5;
  patch("shp", points + 8, &lat, 8);
  EXPECT_NE(failure().find("record 0: vertex 0"), std::string::npos) << failure();
  write(SHPT_POLYGON, sample, names);
  const double inf = std::numeric_limits<double>::infinity();
  patch("shp", points, &inf, 8);
  EXPECT_NE(failure().find("record 0: vertex 0 (inf"), std::string::npos) << failure();
}

TEST_F(PolygonsShpReader, TruncatedDbfRecords) {
  write(SHPT_POLYGON, sample, names);
  fs::resize_file(path("dbf"), fs::file_size(path("dbf")) - 30);
  EXPECT_NE(failure().find("set.dbf"), std::string::npos) << failure();
}

TEST_F(PolygonsShpReader, RecordsOutOfFileOrder) {
  write(SHPT_POLYGON, sample, names);
  const PolygonSet in_order = read_with_shapelib();
  // Swap the .shx entries of records 0 and 2: the .shp is unchanged, the records come back
  // in the index's order.
  std::ifstream in(path("shx"), std::ios::binary);
  std::vector<char> shx((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::swap_ranges(shx.begin() + 100, shx.begin() + 108, shx.begin() + 116);
  patch("shx", 100, shx.data() + 100, 24);
  const Shapefile f = read_shapefile(path(), "");
  EXPECT_EQ(f.polygons.slice(0, 1).x, in_order.slice(2, 3).x);
  EXPECT_EQ(f.polygons.slice(2, 3).y, in_order.slice(0, 1).y);
  EXPECT_EQ(f.polygons.slice(1, 2).x, in_order.slice(1, 2).x);
}
