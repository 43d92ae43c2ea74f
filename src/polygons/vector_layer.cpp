// A GDAL layer as the shapefile reader would describe it (see vector_layer.hpp).
#include "rankwise/polygons/vector_layer.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "rankwise/errors.hpp"

namespace rankwise::polygons {
namespace {

// Coordinates read through GDAL get the checks the shapefile reader makes: finite, and
// within [-540, 540] x [-90, 90] for lon/lat.
void check_coordinates(const PolygonSet& set, const std::vector<std::int64_t>& fid, Crs crs,
                       const std::string& source) {
  const bool lonlat = crs == Crs::geographic;
  const double max_x = lonlat ? 540.0 : std::numeric_limits<double>::max();
  const double max_y = lonlat ? 90.0 : std::numeric_limits<double>::max();
  for (std::uint64_t r = 0; r < set.records(); ++r) {
    const std::uint64_t first = set.ring_start[set.first_ring(r)];
    const std::uint64_t last = set.ring_start[set.end_ring(r)];
    for (std::uint64_t v = first; v < last; ++v) {
      if (std::fabs(set.x[v]) <= max_x && std::fabs(set.y[v]) <= max_y) continue;
      throw InputError(source + ": feature " + std::to_string(fid[r]) + ": vertex (" +
                       std::to_string(set.x[v]) + ", " + std::to_string(set.y[v]) +
                       ") is not a valid " + (lonlat ? "longitude/latitude" : "coordinate"));
    }
  }
}

}  // namespace

VectorLayer read_vector_layer(const VectorRequest& request, AssumedCrs assume) {
  VectorData v = read_vector(request);
  double bounds[4] = {0, 0, 0, 0};
  if (!v.polygons.x.empty()) {
    const auto [x0, x1] = std::minmax_element(v.polygons.x.begin(), v.polygons.x.end());
    const auto [y0, y1] = std::minmax_element(v.polygons.y.begin(), v.polygons.y.end());
    bounds[0] = *x0;
    bounds[1] = *y0;
    bounds[2] = *x1;
    bounds[3] = *y1;
  }
  VectorLayer out;
  out.where = request.path + " (layer " + v.layer + ")";
  Shapefile& f = out.info;
  f.warnings = std::move(v.warnings);
  describe_crs(v.crs_wkt.empty() ? std::nullopt : std::optional(v.crs_wkt), out.where,
               "has no coordinate system", bounds, assume, f);
  check_coordinates(v.polygons, v.fid, f.crs, request.path);
  f.polygons = std::move(v.polygons);
  f.names = std::move(v.names);
  f.fields = std::move(v.fields);
  f.name_field = v.name_field;
  f.code_page = "UTF-8 (GDAL)";
  out.fid = std::move(v.fid);
  out.layer = v.layer;
  out.driver = v.driver;
  return out;
}

}  // namespace rankwise::polygons
