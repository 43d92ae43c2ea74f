#pragma once
/// A layer of any format GDAL reads, described as rankwise's shapefile reader describes a
/// shapefile: the reading both `rankwise polygons` and the Python package do.
#include <cstdint>
#include <string>
#include <vector>

#include "rankwise/polygons/crs.hpp"
#include "rankwise/polygons/shapefile.hpp"
#include "rankwise/polygons/vector_source.hpp"

namespace rankwise::polygons {

/// One layer read through the GDAL module.
struct VectorLayer {
  Shapefile info;                 ///< polygons, names, fields, CRS, warnings
  std::vector<std::int64_t> fid;  ///< the source's feature ids, one per record
  std::string where;              ///< "PATH (layer L)": where the CRS came from, for messages
  std::string layer;              ///< the layer read
  std::string driver;             ///< GDAL's driver, e.g. "GPKG"
};

/// Reads `request` (read_vector), takes the CRS as describe_crs does (`assume`, else the
/// layer's, else guessed from the bounds with a warning) and checks the coordinates as the
/// shapefile reader does (finite; lon/lat within [-540, 540] x [-90, 90]). Throws InputError.
[[nodiscard]] VectorLayer read_vector_layer(const VectorRequest& request, AssumedCrs assume);

}  // namespace rankwise::polygons
