#pragma once
/// What a shapefile's .prj (OGC WKT 1 or WKT 2) says about its coordinates, as far as areas
/// need it: geographic on which ellipsoid, or projected in which linear unit.
#include <string>
#include <string_view>

#include "rankwise/polygons/polygon_set.hpp"

namespace rankwise::polygons {

/// --assume-crs: what the coordinates are, in place of the .prj (none: read the .prj).
enum class AssumedCrs { none, wgs84, planar };

/// A classified .prj.
struct PrjCrs {
  Crs kind = Crs::geographic;
  std::string name;               ///< the CRS's own name, e.g. "WGS 84 / UTM zone 33N"
  std::string ellipsoid;          ///< geographic: the ellipsoid's name
  double semi_major_m = 0;        ///< geographic: a, metres
  double inverse_flattening = 0;  ///< geographic: 1/f (0 for a sphere)
  std::string unit;               ///< projected: the linear unit's name as the .prj spells it
  double unit_m = 0;              ///< projected: metres per unit
};

/// Classifies WKT text (`wkt`, read from the file `path`, which only names it in errors):
/// roots GEOGCS/GEOGCRS/GEODCRS are geographic, PROJCS/PROJCRS/PROJECTEDCRS projected (the
/// horizontal part of COMPD_CS/COMPOUNDCRS and the source of BOUNDCRS are classified alike).
/// Geographic: the ellipsoid must be given (any: areas are computed on it) and the angular
/// unit, if given, be the degree. Projected: the linear unit must be given (PROJ then reads
/// the projection itself, see projection.hpp). Anything else (unparseable, another root)
/// throws one InputError naming `path`, the problem and the way out (reproject, or
/// --assume-crs).
[[nodiscard]] PrjCrs classify_prj(std::string_view wkt, const std::string& path);

/// True if (a, 1/f) is WGS84 or within 1 cm in a and 1e-5 in 1/f of it (GRS80 is).
[[nodiscard]] bool is_wgs84(double semi_major_m, double inverse_flattening);

/// The unit of planar areas: "m²" for metres, "<unit>²" otherwise (e.g. "Foot_US²").
[[nodiscard]] std::string planar_area_unit(const std::string& unit, double unit_m);

}  // namespace rankwise::polygons
