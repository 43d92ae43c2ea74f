// Geodesic and planar areas of single records with known answers.
#include <gtest/gtest.h>

#include <GeographicLib/Geodesic.hpp>
#include <GeographicLib/PolygonArea.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "rankwise/polygons/area.hpp"
#include "rankwise/polygons/synthetic.hpp"

using namespace rankwise::polygons;

namespace {
struct Ring {
  std::vector<double> x, y;
};

Ring reversed(Ring r) {
  std::reverse(r.x.begin(), r.x.end());
  std::reverse(r.y.begin(), r.y.end());
  return r;
}

// Lat/lon rectangle, clockwise, parallels densified every `step` degrees.
Ring rectangle(double lon0, double lat0, double w, double h, double step) {
  Ring r;
  const int n = static_cast<int>(std::ceil(w / step));
  const auto add = [&](double lon, double lat) {
    r.x.push_back(lon);
    r.y.push_back(lat);
  };
  for (int i = 0; i <= n; ++i) add(lon0 + w * i / n, lat0 + h);
  for (int i = n; i >= 0; --i) add(lon0 + w * i / n, lat0);
  add(lon0, lat0 + h);
  return r;
}

PolygonSet record(const std::vector<Ring>& rings) {
  PolygonSet s;
  for (const auto& r : rings) s.add_ring(r.x, r.y);
  s.end_record();
  return s;
}

double rectangle_area(double w, double lat0, double h) {
  return w * M_PI / 180 * (wgs84_zone_area(lat0 + h) - wgs84_zone_area(lat0));
}

const GeodesicArea geodesic;
}  // namespace

TEST(PolygonsPlanarArea, UnitSquareEitherOrientation) {
  const Ring cw{{0, 0, 1, 1, 0}, {0, 1, 1, 0, 0}};
  EXPECT_DOUBLE_EQ(planar_ring_area(cw.x, cw.y), 1.0);
  EXPECT_DOUBLE_EQ(planar_ring_area(reversed(cw).x, reversed(cw).y), -1.0);
  EXPECT_DOUBLE_EQ(planar_area(record({cw}), 0).area, 1.0);
  EXPECT_DOUBLE_EQ(planar_area(record({reversed(cw)}), 0).area, 1.0);
}

TEST(PolygonsPlanarArea, HoleSubtractedAndLargeOffsetsKeepPrecision) {
  const double e = 5e5, n = 7e6;  // UTM-like coordinates
  const Ring outer{{e, e, e + 4, e + 4, e}, {n, n + 4, n + 4, n, n}};
  const Ring hole{{e + 1, e + 2, e + 2, e + 1, e + 1}, {n + 1, n + 1, n + 2, n + 2, n + 1}};
  EXPECT_DOUBLE_EQ(planar_area(record({outer, hole}), 0).area, 15.0);
}

TEST(PolygonsPlanarArea, DegenerateRings) {
  EXPECT_EQ(planar_ring_area(std::vector<double>{}, std::vector<double>{}), 0.0);
  EXPECT_EQ(planar_ring_area(std::vector<double>{1, 2}, std::vector<double>{1, 2}), 0.0);
}

TEST(PolygonsGeodesicArea, RectangleMatchesClosedForm) {
  const Ring r = rectangle(10, 40, 5, 5, 0.01);
  const double expected = rectangle_area(5, 40, 5);
  EXPECT_NEAR(geodesic.record(record({r}), 0).area / expected, 1.0, 1e-7);
  EXPECT_NEAR(geodesic.record(record({reversed(r)}), 0).area / expected, 1.0, 1e-7);
}

TEST(PolygonsGeodesicArea, AntimeridianCrossingEqualsShiftedCopy) {
  Ring across = rectangle(175, -20, 10, 8, 0.05);
  for (auto& lon : across.x) lon = std::remainder(lon, 360.0);  // 175..180, -180..-175
  const Ring plain = rectangle(5, -20, 10, 8, 0.05);
  const double a = geodesic.record(record({across}), 0).area;
  const double b = geodesic.record(record({plain}), 0).area;
  EXPECT_NEAR(a / b, 1.0, 1e-12);
  EXPECT_NEAR(a / rectangle_area(10, -20, 8), 1.0, 1e-6);
}

TEST(PolygonsGeodesicArea, RingAroundThePole) {
  // Parallel at 80°S, westward; the cap south of it.
  Ring r;
  for (int i = 0; i <= 3600; ++i) {
    r.x.push_back(std::remainder(-0.1 * i, 360.0));
    r.y.push_back(-80);
  }
  const double cap = wgs84_zone_area(-80) - wgs84_zone_area(-90);
  const double expected = 2 * M_PI * cap;
  EXPECT_NEAR(geodesic.record(record({r}), 0).area / expected, 1.0, 1e-6);
  EXPECT_NEAR(geodesic.record(record({reversed(r)}), 0).area / expected, 1.0, 1e-6);
}

TEST(PolygonsGeodesicArea, WedgeToThePoleIsExact) {
  // Equator-to-pole wedge 30° wide: all edges are geodesics, area = 30/720 of the ellipsoid.
  const Ring r{{0, 0, 30, 30, 30, 15, 0}, {0, 45, 90, 45, 0, 0, 0}};
  EXPECT_NEAR(geodesic.record(record({r}), 0).area / (geodesic.ellipsoid_area() * 30 / 720), 1.0,
              1e-12);
}

TEST(PolygonsGeodesicArea, HoleSubtracted) {
  const Ring outer = rectangle(20, 10, 4, 4, 0.01);
  const Ring hole = reversed(rectangle(21, 11, 2, 2, 0.01));
  const double expected = rectangle_area(4, 10, 4) - rectangle_area(2, 11, 2);
  const auto a = geodesic.record(record({outer, hole}), 0);
  EXPECT_NEAR(a.area / expected, 1.0, 1e-7);
  EXPECT_GT(a.perimeter, 0);
}

TEST(PolygonsGeodesicArea, PerimeterOfEquatorSegment) {
  // Degenerate "ring" along the equator there and back: zero area, twice the arc length.
  const Ring r{{0, 1, 0}, {0, 0, 0}};
  const auto a = geodesic.ring(r.x, r.y);
  EXPECT_NEAR(a.area, 0, 1e-3);
  EXPECT_NEAR(a.perimeter, 2 * 6378137.0 * M_PI / 180, 1e-6);
}

namespace {
// A random simple ring: a star-shaped polygon around (lon0, lat0) with `n` vertices.
Ring random_ring(std::uint64_t& state, double lon0, double lat0, double radius, int n) {
  auto uniform = [&state] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<double>(state >> 11) * 0x1p-53;
  };
  Ring r;
  for (int i = 0; i < n; ++i) {
    const double a = -2 * M_PI * (i + 0.5 * uniform()) / n;  // clockwise
    const double d = radius * (0.3 + 0.7 * uniform());
    r.x.push_back(lon0 + d * std::cos(a));
    r.y.push_back(lat0 + d * std::sin(a));
  }
  return r;
}

double polygon_area_reference(const Ring& r, double& perimeter) {
  GeographicLib::PolygonArea p(GeographicLib::Geodesic::WGS84());
  for (std::size_t i = 0; i < r.x.size(); ++i) p.AddPoint(r.y[i], r.x[i]);
  double area = 0;
  p.Compute(true, true, perimeter, area);
  return area;
}
}  // namespace

// The ring loop (own crossing count and reduction, the fast edge solver or GeographicLib's
// inverse per edge in a canonical direction) against GeographicLib's PolygonArea: small to
// continental rings, across the antimeridian, around both poles.
TEST(PolygonsGeodesicArea, AgreesWithGeographicLibPolygonArea) {
  std::uint64_t state = 42;
  int checked = 0;
  for (double radius : {1e-4, 0.01, 1.0, 20.0}) {
    for (double lon0 : {-179.9, -60.0, 0.0, 179.95}) {
      for (double lat0 : {-80.0, -30.0, 0.0, 45.0, 85.0}) {
        const Ring r = random_ring(state, lon0, lat0, std::min(radius, 89.0 - std::fabs(lat0) + 1), 37);
        Ring clamped = r;
        for (double& lat : clamped.y) lat = std::clamp(lat, -90.0, 90.0);
        double ref_perimeter = 0;
        const double ref = polygon_area_reference(clamped, ref_perimeter);
        const RecordArea got = geodesic.ring(clamped.x, clamped.y);
        // Absolute floors: each edge's S12 is a sum of terms up to c^2 pi (~1e14 m^2) and a
        // difference of two series values of order e^2 a^2, so either solver carries 1e-5 to
        // 1e-4 m^2 of rounding per ring whatever its size (the series themselves are good to
        // ~0.1 m^2, Karney 2013); GeographicLib's distances ~2e-9 m (geodesic_edge_test.cpp).
        // 1e-3 m^2 is also the tolerance against pyproj in tests/e2e/test_polygons.py.
        EXPECT_NEAR(got.area, ref, 1e-12 * std::fabs(ref) + 1e-3) << radius << " " << lon0 << " " << lat0;
        EXPECT_NEAR(got.perimeter, ref_perimeter, 1e-12 * ref_perimeter + 1e-7) << radius;
        ++checked;
      }
    }
  }
  // Rings around the poles (every longitude, one latitude): the crossing count decides.
  for (double lat : {-89.0, -60.0, 60.0, 89.0}) {
    Ring r;
    for (int i = 0; i < 360; i += 5) {
      r.x.push_back(lat > 0 ? i : -i);
      r.y.push_back(lat);
    }
    double ref_perimeter = 0;
    const double ref = polygon_area_reference(r, ref_perimeter);
    EXPECT_NEAR(geodesic.ring(r.x, r.y).area, ref, 1e-12 * std::fabs(ref)) << lat;
    ++checked;
  }
  EXPECT_EQ(checked, 84);
}

// An edge gives the same bits in any ring and either direction, so a cache hit changes nothing
// and a reversed ring is exactly the negated one.
TEST(PolygonsGeodesicArea, EdgeCacheAndDirectionDoNotChangeBits) {
  std::uint64_t state = 7;
  EdgeCache cache;
  for (int k = 0; k < 50; ++k) {
    const Ring r = random_ring(state, -170 + 7 * k, -60 + 2.4 * k, 0.5 + k % 5, 11 + k);
    const RecordArea plain = geodesic.ring(r.x, r.y);
    const RecordArea first = geodesic.ring(r.x, r.y, &cache);
    const RecordArea again = geodesic.ring(r.x, r.y, &cache);  // every edge a hit
    const RecordArea back = geodesic.ring(reversed(r).x, reversed(r).y, &cache);
    EXPECT_EQ(first.area, plain.area);
    EXPECT_EQ(again.area, plain.area);
    EXPECT_EQ(again.perimeter, plain.perimeter);
    EXPECT_EQ(back.area, -plain.area);
  }
  EXPECT_GT(cache.hits(), cache.lookups() / 2);
}

// Two rectangles sharing a side: the shared edges are solved once.
TEST(PolygonsGeodesicArea, SharedBoundaryIsSolvedOnce) {
  EdgeCache cache;
  const Ring west = rectangle(10, 40, 1, 1, 1);  // corners only: 4 edges
  const Ring east = rectangle(11, 40, 1, 1, 1);
  const double a = geodesic.ring(west.x, west.y, &cache).area;
  const double b = geodesic.ring(east.x, east.y, &cache).area;
  EXPECT_EQ(cache.lookups(), 8u);
  EXPECT_EQ(cache.hits(), 1u);  // west's east side is east's west side, reversed
  const Ring both = rectangle(10, 40, 2, 1, 1);  // the union: the same six vertices
  EXPECT_NEAR(a + b, geodesic.ring(both.x, both.y).area, 1e-9 * (a + b));
}
