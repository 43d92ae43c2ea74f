#pragma once
/// Polygon layers of any vector format GDAL/OGR reads (GeoPackage, GeoJSON, FlatGeobuf, zipped
/// shapefiles, ...), through rankwise's GDAL module (librankwise_ogr.so), loaded only when such
/// a file is read: GDAL's hundred shared libraries would otherwise slow every start-up.
#include <cstdint>
#include <string>
#include <vector>

#include "rankwise/polygons/attributes.hpp"
#include "rankwise/polygons/polygon_set.hpp"

namespace rankwise::polygons {

/// What to read.
struct VectorRequest {
  std::string path;        ///< file or GDAL data source name; a .zip is read through /vsizip/
  std::string layer;       ///< layer name or index; empty: the first (a warning if several)
  std::string name_field;  ///< empty: the first of NAME/name/Name (case-insensitive)
  std::vector<std::string> fields;  ///< --fields (matched without case; "all")
};

/// One layer, read whole. Filled by the module; `error` set (one line) instead of throwing.
struct VectorData {
  PolygonSet polygons;              ///< lon/lat or projected coordinates, as stored
  std::vector<std::int64_t> fid;    ///< the source's feature ids, one per record
  std::vector<std::string> names;   ///< UTF-8, one per record ("" without a name field)
  std::vector<FieldColumn> fields;  ///< the --fields columns, in the order asked
  std::string name_field;           ///< the field names came from ("" if none)
  std::string crs_wkt;              ///< the layer's CRS as WKT 2 ("" if it has none)
  std::string layer;                ///< the layer read
  std::string driver;               ///< GDAL's driver, e.g. "GPKG"
  std::vector<std::string> warnings;
  std::string error;
};

/// True if `path` is read by rankwise's own shapefile reader: it ends in .shp (any case), or
/// has no extension and `path`.shp exists.
[[nodiscard]] bool is_plain_shapefile(const std::string& path);

/// Reads a layer through the GDAL module; throws InputError with the module's message, or if
/// the module cannot be loaded (naming where it was looked for and the way out).
[[nodiscard]] VectorData read_vector(const VectorRequest& request);

/// The entry point the module exports (C linkage: found by dlsym).
using ReadVectorFn = void (*)(const VectorRequest&, VectorData&) noexcept;
inline constexpr const char* kReadVectorSymbol = "rankwise_ogr_read";

}  // namespace rankwise::polygons
