// Geodesic (GeographicLib) and planar (shoelace) areas of records.
#include "rankwise/polygons/area.hpp"

#include <GeographicLib/Geodesic.hpp>
#include <GeographicLib/PolygonArea.hpp>

#include <cmath>

namespace rankwise::polygons {

double planar_ring_area(std::span<const double> x, std::span<const double> y) {
  const std::size_t n = x.size();
  if (n < 3) return 0;
  const double x0 = x[0];
  const double y0 = y[0];
  const double* px = x.data();
  const double* py = y.data();
  double twice = 0;
  // Vertex 0 sits at the origin after the shift, so its two terms vanish; the closing edge
  // (n-1 -> 0) vanishes likewise. The reduction is reassociated across SIMD lanes: planar
  // areas may differ from a serial sum in the last bits (not across rank counts, since one
  // record is always summed by one thread).
  const std::size_t last = n - 1;
#pragma omp simd reduction(+ : twice)
  for (std::size_t i = 1; i < last; ++i) {
    twice += (px[i] - x0) * (py[i + 1] - y0) - (px[i + 1] - x0) * (py[i] - y0);
  }
  return -0.5 * twice;  // counter-clockwise is positive in the shoelace formula
}

RecordArea planar_area(const PolygonSet& set, std::uint64_t r) {
  double sum = 0;
  for (std::uint64_t k = set.first_ring(r); k < set.end_ring(r); ++k) {
    sum += planar_ring_area(set.ring_x(k), set.ring_y(k));
  }
  return {std::fabs(sum), 0.0};
}

GeodesicArea::GeodesicArea()
    : ellipsoid_area_(GeographicLib::Geodesic::WGS84().EllipsoidArea()) {}

RecordArea GeodesicArea::ring(std::span<const double> lon, std::span<const double> lat) const {
  std::size_t n = lon.size();
  if (n > 1 && lon[0] == lon[n - 1] && lat[0] == lat[n - 1]) --n;  // closing vertex
  if (n < 2) return {};
  GeographicLib::PolygonArea polygon(GeographicLib::Geodesic::WGS84(), false);
  for (std::size_t i = 0; i < n; ++i) polygon.AddPoint(lat[i], lon[i]);
  double perimeter = 0;
  double area = 0;
  // reverse = true: clockwise (the shapefile's outer rings) counts positive.
  // sign = true: the result lies in (-A/2, A/2], so a hole's negative area stays negative.
  polygon.Compute(true, true, perimeter, area);
  return {area, perimeter};
}

RecordArea GeodesicArea::record(const PolygonSet& set, std::uint64_t r) const {
  RecordArea sum;
  for (std::uint64_t k = set.first_ring(r); k < set.end_ring(r); ++k) {
    const RecordArea ring_area = ring(set.ring_x(k), set.ring_y(k));
    sum.area += ring_area.area;
    sum.perimeter += ring_area.perimeter;
  }
  sum.area = std::fabs(sum.area);
  return sum;
}

}  // namespace rankwise::polygons
