#pragma once
/// Areas of one record (polygon): geodesic on the WGS84 ellipsoid, or planar shoelace.
/// Shapefile rings run clockwise for outer boundaries and counter-clockwise for holes, so the
/// signed ring areas below count clockwise as positive: outer rings add, holes subtract.
#include <cstdint>
#include <span>

#include "rankwise/polygons/polygon_set.hpp"

namespace rankwise::polygons {

/// Area and perimeter of one record.
struct RecordArea {
  double area = 0;       ///< m² (geodesic) or data units² (planar); holes subtracted
  double perimeter = 0;  ///< m, all rings (holes included); geodesic only
};

/// Signed planar area of one ring (clockwise positive, data units²), shoelace formula on
/// coordinates taken relative to the first vertex (keeps precision for large eastings).
[[nodiscard]] double planar_ring_area(std::span<const double> x, std::span<const double> y);

/// Planar area of record `r` of `set`: signed ring areas summed; a record whose rings all run
/// the "wrong" way (counter-clockwise outer ring, as GeoJSON writes them) gives the same area.
[[nodiscard]] RecordArea planar_area(const PolygonSet& set, std::uint64_t r);

/// WGS84 geodesic area and perimeter of rings of lon/lat degrees (Karney 2013, GeographicLib).
class GeodesicArea {
 public:
  GeodesicArea();
  /// Signed area (clockwise positive, in (-A/2, A/2] where A is the ellipsoid area) and
  /// perimeter of one ring. A repeated closing vertex is skipped. Pole-encircling rings and
  /// rings crossing the antimeridian are handled by GeographicLib's crossing count.
  [[nodiscard]] RecordArea ring(std::span<const double> lon, std::span<const double> lat) const;
  /// Area of record `r` of `set`: signed ring areas summed (holes subtract), then taken
  /// positive so an all-reversed record (counter-clockwise outer ring) gives the same area.
  [[nodiscard]] RecordArea record(const PolygonSet& set, std::uint64_t r) const;
  /// Total area of the WGS84 ellipsoid, m².
  [[nodiscard]] double ellipsoid_area() const noexcept { return ellipsoid_area_; }

 private:
  double ellipsoid_area_;
};

}  // namespace rankwise::polygons
