// Writing polygon shapefiles with shapelib (synthetic sets, tests).
#include <algorithm>
#include <fstream>
#include <limits>
#include <vector>

#include "rankwise/errors.hpp"
#include "rankwise/polygons/shapefile.hpp"
#include "shapelib_handles.hpp"

namespace rankwise::polygons {
namespace {
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
}  // namespace

void write_shapefile(const std::string& path, const PolygonSet& polygons,
                     const std::vector<std::string>& names, Crs crs) {
  const std::string shp = sibling(path, "shp");
  if (polygons.vertices() > static_cast<std::uint64_t>(std::numeric_limits<int>::max()) ||
      polygons.records() > static_cast<std::uint64_t>(std::numeric_limits<int>::max())) {
    throw ResourceError(shp + ": too many vertices or records for a shapefile");
  }
  SAHooks hooks = detail::quiet_hooks();
  detail::ShpFile file(SHPCreateLL(shp.c_str(), SHPT_POLYGON, &hooks));
  if (!file) throw IoError(shp + ": cannot create: " + detail::take_shapelib_error());
  const std::string dbf_path = sibling(shp, "dbf");
  detail::DbfFile dbf(DBFCreateLL(dbf_path.c_str(), "UTF-8", &hooks));  // also writes the .cpg
  if (!dbf) throw IoError(dbf_path + ": cannot create: " + detail::take_shapelib_error());
  std::size_t width = 1;
  for (const auto& n : names) width = std::max(width, n.size());
  width = std::min<std::size_t>(width, 254);
  if (DBFAddField(dbf.get(), "NAME", FTString, static_cast<int>(width), 0) < 0) {
    throw IoError(dbf_path + ": cannot add field NAME");
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
      throw IoError(shp + ": cannot write record " + std::to_string(r) + ": " +
                    detail::take_shapelib_error());
    }
    const std::string name = r < names.size() ? names[r].substr(0, width) : std::string();
    if (DBFWriteStringAttribute(dbf.get(), static_cast<int>(r), 0, name.c_str()) == 0) {
      throw IoError(dbf_path + ": cannot write record " + std::to_string(r));
    }
  }
  std::ofstream prj(sibling(shp, "prj"));
  prj << (crs == Crs::geographic ? wgs84_wkt : utm33_wkt);
  if (!prj) throw IoError(sibling(shp, "prj") + ": cannot write");
}

}  // namespace rankwise::polygons
