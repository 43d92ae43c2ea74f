// Synthetic polygon sets with closed-form areas.
#include "rankwise/polygons/synthetic.hpp"

#include <GeographicLib/Geodesic.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>

namespace rankwise::polygons {
namespace {

constexpr double deg = std::numbers::pi / 180.0;

// SplitMix64: a counter-based stream, so polygon i is the same whoever generates it.
struct Random {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double uniform(double lo, double hi) {
    return lo + (hi - lo) * static_cast<double>(next() >> 11) * 0x1.0p-53;
  }
};

// remainder(lon, 360): the longitude in [-180, 180]. The generator's longitudes lie in
// [-180, 240], where that is lon or lon - 360, the subtraction exact (Sterbenz), so the same
// bits as std::remainder without its cost (a quarter of the generation time). (On (-360, -180)
// lon + 360 would be as exact; at -360 it would give +0 where remainder gives -0.)
double wrap(double lon) {
  if (lon >= -180.0 && lon <= 180.0) return lon;
  if (lon > 180.0 && lon < 540.0) return lon - 360.0;
  if (lon < -180.0 && lon > -360.0) return lon + 360.0;
  return std::remainder(lon, 360.0);
}

// A ring written straight into the set's arrays (no temporary vectors per ring).
struct Ring {
  PolygonSet& set;
  std::size_t first = set.x.size();
  void add(double px, double py) {
    set.x.push_back(px);
    set.y.push_back(py);
  }
  // Repeats the first vertex and ends the ring.
  void close() {
    add(set.x[first], set.y[first]);
    set.ring_start.push_back(set.x.size());
  }
};

// Points from (x0,y0) towards (x1,y1), `steps` segments, the end point excluded.
void segment(Ring& ring, double x0, double y0, double x1, double y1, std::uint32_t steps) {
  for (std::uint32_t s = 0; s < steps; ++s) {
    const double t = static_cast<double>(s) / static_cast<double>(steps);
    ring.add(wrap(x0 + t * (x1 - x0)), y0 + t * (y1 - y0));
  }
}

// Clockwise (seen on a map, north up) equator-to-pole wedge.
double wedge(Random& rng, std::uint32_t vertices, PolygonSet& set) {
  const double width = rng.uniform(1.0, 60.0);
  const double lon0 = rng.uniform(-180.0, 180.0);
  const bool north = rng.next() % 2 == 0;
  const double pole = north ? 90.0 : -90.0;
  const std::uint32_t side = std::max<std::uint32_t>(1, (vertices - 1) / 3);
  Ring r{set};
  // North: up the west meridian, down the east one, west along the equator (clockwise).
  // South: the mirror image, so go east along the equator first.
  if (north) {
    segment(r, lon0, 0, lon0, pole, side);
    segment(r, lon0 + width, pole, lon0 + width, 0, side);
    segment(r, lon0 + width, 0, lon0, 0, side);
  } else {
    segment(r, lon0, 0, lon0 + width, 0, side);
    segment(r, lon0 + width, 0, lon0 + width, pole, side);
    segment(r, lon0, pole, lon0, 0, side);
  }
  r.close();
  set.end_record();
  return GeographicLib::Geodesic::WGS84().EllipsoidArea() * width / 720.0;
}

// Lat/lon rectangle [lon0, lon0+w] x [lat0, lat0+h], clockwise, or counter-clockwise (hole),
// appended to the record being built.
void rectangle(PolygonSet& set, double lon0, double lat0, double w, double h, std::uint32_t steps,
               bool hole) {
  Ring r{set};
  if (!hole) {
    segment(r, lon0, lat0, lon0, lat0 + h, 1);
    segment(r, lon0, lat0 + h, lon0 + w, lat0 + h, steps);
    segment(r, lon0 + w, lat0 + h, lon0 + w, lat0, 1);
    segment(r, lon0 + w, lat0, lon0, lat0, steps);
  } else {
    segment(r, lon0, lat0, lon0 + w, lat0, steps);
    segment(r, lon0 + w, lat0, lon0 + w, lat0 + h, 1);
    segment(r, lon0 + w, lat0 + h, lon0, lat0 + h, steps);
    segment(r, lon0, lat0 + h, lon0, lat0, 1);
  }
  r.close();
}

double rectangle_area(double w, double lat0, double h) {
  return w * deg * (wgs84_zone_area(lat0 + h) - wgs84_zone_area(lat0));
}

double frame(Random& rng, std::uint32_t vertices, PolygonSet& set) {
  const std::uint32_t steps = std::max<std::uint32_t>(1, (vertices / 2 - 4) / 2);
  const double w = std::min(rng.uniform(1.0, 20.0), 0.05 * steps);
  const double h = rng.uniform(1.0, 20.0);
  const double lon0 = rng.uniform(-180.0, 180.0);
  const double lat0 = rng.uniform(-85.0, 85.0 - h);
  rectangle(set, lon0, lat0, w, h, steps, false);
  rectangle(set, lon0 + w / 4, lat0 + h / 4, w / 2, h / 2, steps, true);
  set.end_record();
  return rectangle_area(w, lat0, h) - rectangle_area(w / 2, lat0 + h / 4, h / 2);
}

void regular(PolygonSet& set, double cx, double cy, double radius, std::uint32_t n, double phase,
             bool hole) {
  Ring r{set};
  for (std::uint32_t k = 0; k < n; ++k) {
    const double a = phase + (hole ? 1.0 : -1.0) * 2 * std::numbers::pi * k / n;
    r.add(cx + radius * std::cos(a), cy + radius * std::sin(a));
  }
  r.close();
}

double regular_area(double radius, std::uint32_t n) {
  return 0.5 * n * radius * radius * std::sin(2 * std::numbers::pi / n);
}

double polygon(Random& rng, std::uint32_t vertices, bool with_hole, PolygonSet& set) {
  const double cx = rng.uniform(5e5, 9e5);
  const double cy = rng.uniform(1e6, 8e6);
  const double radius = rng.uniform(10.0, 1000.0);
  const double phase = rng.uniform(0.0, 2 * std::numbers::pi);
  const std::uint32_t n = with_hole ? std::max<std::uint32_t>(3, (vertices - 2) * 2 / 3)
                                    : std::max<std::uint32_t>(3, vertices - 1);
  regular(set, cx, cy, radius, n, phase, false);
  double area = regular_area(radius, n);
  if (with_hole) {
    const std::uint32_t m = std::max<std::uint32_t>(3, vertices - 2 - n);
    regular(set, cx, cy, radius / 2, m, phase, true);
    area -= regular_area(radius / 2, m);
  }
  set.end_record();
  return area;
}

}  // namespace

double wgs84_zone_area(double lat) {
  const auto& g = GeographicLib::Geodesic::WGS84();
  const double f = g.Flattening();
  const double e2 = f * (2 - f);
  const double e = std::sqrt(e2);
  const double b = g.EquatorialRadius() * (1 - f);
  const double s = std::sin(lat * deg);
  return b * b * (s / (2 * (1 - e2 * s * s)) + std::atanh(e * s) / (2 * e));
}

SyntheticSet generate(std::uint64_t count, std::uint64_t seed, Crs crs, std::uint32_t vertices) {
  vertices = std::max<std::uint32_t>(vertices, 8);
  SyntheticSet out;
  out.crs = crs;
  out.polygons.record_start.reserve(count + 1);
  out.polygons.x.reserve(count * vertices);
  out.polygons.y.reserve(count * vertices);
  out.expected_area.reserve(count);
  out.names.reserve(count);
  for (std::uint64_t i = 0; i < count; ++i) {
    Random rng{seed * 0x100000001b3ULL ^ (i * 0x9e3779b97f4a7c15ULL)};
    rng.next();
    const bool odd = i % 2 == 1;
    double area = 0;
    if (crs == Crs::geographic) {
      area = odd ? frame(rng, vertices, out.polygons) : wedge(rng, vertices, out.polygons);
    } else {
      area = polygon(rng, vertices, odd, out.polygons);
    }
    out.expected_area.push_back(area);
    out.names.push_back((crs == Crs::projected ? "ngon " : odd ? "frame " : "wedge ") +
                        std::to_string(i));
  }
  return out;
}

}  // namespace rankwise::polygons
