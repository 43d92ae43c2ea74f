// Writing polygon shapefiles with shapelib (synthetic sets, tests).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <vector>

#include "rankwise/errors.hpp"
#include "rankwise/io/output_path.hpp"
#include "rankwise/polygons/shapefile.hpp"
#include "shapelib_handles.hpp"

namespace rankwise::polygons {
namespace {
namespace fs = std::filesystem;
constexpr const char* wgs84_wkt =
    "GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\",SPHEROID[\"WGS_1984\",6378137.0,"
    "298.257223563]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]]";
// Synthetic projected sets are plain planar shapes; any metre-based projection marks them so.
constexpr const char* utm33_wkt =
    "PROJCS[\"WGS_1984_UTM_Zone_33N\",GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\","
    "SPHEROID[\"WGS_1984\",6378137.0,298.257223563]],PRIMEM[\"Greenwich\",0.0],"
    "UNIT[\"Degree\",0.0174532925199433]],PROJECTION[\"Transverse_Mercator\"],"
    "PARAMETER[\"False_Easting\",500000.0],PARAMETER[\"False_Northing\",0.0],"
    "PARAMETER[\"Central_Meridian\",15.0],PARAMETER[\"Scale_Factor\",0.9996],"
    "PARAMETER[\"Latitude_Of_Origin\",0.0],UNIT[\"Meter\",1.0]]";

// The parts of a shapefile, written under temporary names beside the target
// (".STEM.tmp-HOST-PID.EXT", as io::OutputPath names its temporaries) and published (synced,
// renamed) once every one is complete: a failure (a full disk) leaves neither a half-written
// set nor a damaged earlier one. The temporaries are removed on every path out, and those of
// killed runs on the next write. The .shp is renamed last, so a set with the new .shp is whole
// (five renames are not one atomic step: a reader opening the set meanwhile may see new
// sidecars beside the old .shp).
constexpr const char* kParts[] = {"shx", "dbf", "cpg", "prj", "shp"};

class TemporarySet {
 public:
  explicit TemporarySet(const std::string& shp) : final_(shp) {
    const fs::path target(shp);
    const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    std::string prefix(".");  // appended, not "." + stem: GCC 12 warns falsely (-Wrestrict)
    prefix += target.stem().string();
    prefix += ".tmp-";
    for (const char* ext : kParts) {
      for (const auto& line : io::clean_leftovers(dir.string(), prefix, std::string(".") + ext)) {
        std::fprintf(stderr, "rankwise: %s\n", line.c_str());
      }
    }
    stem_ = (dir / (prefix + io::temporary_tag())).string();
  }
  ~TemporarySet() {
    for (const char* ext : kParts) (void)std::remove(part(ext).c_str());
  }
  TemporarySet(const TemporarySet&) = delete;
  TemporarySet& operator=(const TemporarySet&) = delete;

  [[nodiscard]] std::string part(const char* ext) const { return stem_ + "." + ext; }

  // `message` (shapelib's, or the system's) naming the target instead of the temporaries.
  [[nodiscard]] std::string about_target(std::string message) const {
    const std::string target_stem = final_.substr(0, final_.size() - 4);
    for (std::size_t at = message.find(stem_); at != std::string::npos;
         at = message.find(stem_, at + target_stem.size())) {
      message.replace(at, stem_.size(), target_stem);
    }
    return message;
  }

  // Publishes every part under the target's name for it, the .shp last.
  void commit() const {
    for (const char* ext : kParts) io::publish(part(ext), sibling(final_, ext), true);
  }

 private:
  std::string final_;
  std::string stem_;
};

}  // namespace

void write_shapefile(const std::string& path, const PolygonSet& polygons,
                     const std::vector<std::string>& names, Crs crs) {
  const std::string target = sibling(path, "shp");
  if (polygons.vertices() > static_cast<std::uint64_t>(std::numeric_limits<int>::max()) ||
      polygons.records() > static_cast<std::uint64_t>(std::numeric_limits<int>::max())) {
    throw ResourceError(target + ": too many vertices or records for a shapefile");
  }
  const TemporarySet parts(target);
  const std::string shp = parts.part("shp");
  SAHooks hooks = detail::buffered_write_hooks();
  (void)detail::take_write_failure();  // nothing left over from an earlier call
  // What went wrong, in one line naming the target: the system's refusal (a full disk) when
  // there was one, since shapelib reports only its consequence, else shapelib's message.
  const auto fail = [&](const std::string& what) {
    if (const std::string failure = detail::take_write_failure(); !failure.empty()) {
      throw IoError(target + ": cannot write: " + failure);
    }
    throw IoError(parts.about_target(target + ": " + what + ": " + detail::take_shapelib_error()));
  };
  detail::ShpFile file(SHPCreateLL(shp.c_str(), SHPT_POLYGON, &hooks));
  if (!file) fail("cannot create");
  const std::string dbf_path = parts.part("dbf");
  detail::DbfFile dbf(DBFCreateLL(dbf_path.c_str(), "UTF-8", &hooks));  // also writes the .cpg
  if (!dbf) fail("cannot create the .dbf");
  std::size_t width = 1;
  for (const auto& n : names) width = std::max(width, n.size());
  width = std::min<std::size_t>(width, 254);
  if (DBFAddField(dbf.get(), "NAME", FTString, static_cast<int>(width), 0) < 0) {
    fail("cannot add field NAME to the .dbf");
  }
  std::vector<int> starts;
  for (std::uint64_t r = 0; r < polygons.records(); ++r) {
    const std::uint64_t ring0 = polygons.first_ring(r);
    const std::uint64_t v0 = polygons.ring_start[ring0];
    starts.clear();
    for (std::uint64_t k = ring0; k < polygons.end_ring(r); ++k) {
      starts.push_back(static_cast<int>(polygons.ring_start[k] - v0));
    }
    const auto n = static_cast<int>(polygons.record_vertices(r));
    detail::ShpObject o(SHPCreateObject(n == 0 ? SHPT_NULL : SHPT_POLYGON, -1,
                                        static_cast<int>(starts.size()), starts.data(), nullptr,
                                        n, polygons.x.data() + v0, polygons.y.data() + v0,
                                        nullptr, nullptr));
    if (!o || SHPWriteObject(file.get(), -1, o.get()) < 0) {
      fail("cannot write record " + std::to_string(r));
    }
    const std::string name = r < names.size() ? names[r].substr(0, width) : std::string();
    if (DBFWriteStringAttribute(dbf.get(), static_cast<int>(r), 0, name.c_str()) == 0) {
      fail("cannot write record " + std::to_string(r) + " of the .dbf");
    }
  }
  file.reset();  // closing flushes the last buffered bytes
  dbf.reset();
  if (const std::string failure = detail::take_write_failure(); !failure.empty()) {
    throw IoError(target + ": cannot write: " + failure);
  }
  {
    std::ofstream prj(parts.part("prj"));
    prj << (crs == Crs::geographic ? wgs84_wkt : utm33_wkt);
    prj.close();
    if (!prj) throw IoError(sibling(target, "prj") + ": cannot write");
  }
  parts.commit();
}

}  // namespace rankwise::polygons
