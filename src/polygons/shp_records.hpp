#pragma once
// Private to src/polygons: the records of a checked .shp, parsed in place from a memory map.
#include <string>

#include "rankwise/polygons/shapefile.hpp"

namespace rankwise::polygons::detail {

/// Appends every record of `shp` (its header already checked into `header`), located through
/// the index `shx`, to `set`: one record per entry, Null shapes as empty records. Checks each
/// entry's offset and length against the mapped file, the record's shape type, part and point
/// counts against its length (before anything is allocated), part indices and coordinates
/// (finite; |lat| <= 90 and |lon| <= 540 for lon/lat). Throws InputError naming the record.
void read_shp_records(const std::string& shp, const std::string& shx, const ShapeHeader& header,
                      Crs crs, PolygonSet& set);

}  // namespace rankwise::polygons::detail
