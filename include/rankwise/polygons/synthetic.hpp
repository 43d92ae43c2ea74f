#pragma once
/// Synthetic polygon sets whose areas are known in closed form (tests, benchmarks).
#include <cstdint>
#include <string>
#include <vector>

#include "rankwise/polygons/polygon_set.hpp"

namespace rankwise::polygons {

/// A generated set with its expected areas.
struct SyntheticSet {
  PolygonSet polygons;
  std::vector<std::string> names;
  std::vector<double> expected_area;  ///< m² (geographic) or units² (projected)
  Crs crs = Crs::geographic;
};

/// `count` polygons of about `vertices` vertices each (at least 8), reproducible from `seed`
/// (polygon i depends only on seed and i). Geographic sets alternate:
///  - "wedge": from the equator to a pole between two meridians, edges densified along the
///    equator and the meridians (all geodesics), so its area is exactly width/720° of the
///    ellipsoid's; some cross the antimeridian, all touch a pole;
///  - "frame": a lat/lon rectangle with a rectangular hole, parallels densified to 0.05°
///    steps at most; the expected area is that of the shape bounded by the parallels, which
///    the geodesic polygon matches to about 1e-6 relative.
/// Projected sets are regular n-gons in metres, every other one with a concentric n-gon hole,
/// with exact areas n/2 r² sin(2π/n).
[[nodiscard]] SyntheticSet generate(std::uint64_t count, std::uint64_t seed, Crs crs,
                                    std::uint32_t vertices);

/// Area of the WGS84 zone between the equator and latitude `lat` (degrees), per radian of
/// longitude (negative south of the equator).
[[nodiscard]] double wgs84_zone_area(double lat);

}  // namespace rankwise::polygons
