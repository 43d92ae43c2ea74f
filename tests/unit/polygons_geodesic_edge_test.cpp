// GeodesicEdge (the fast inverse geodesic for polygon edges) against GeographicLib's
// Geodesic::GenInverse, class by class, plus coverage and determinism.
#include <gtest/gtest.h>

#include <GeographicLib/Geodesic.hpp>
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <numbers>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "rankwise/polygons/geodesic_edge.hpp"

using rankwise::polygons::GeodesicEdge;

namespace {

struct Edge {
  double lat1, lon1, lat2, lon2;
};

constexpr int kPerClass = 100000;

// Tolerances against GeographicLib. Area: 1e-13 relative + 1e-3 m^2. Distance: 1e-13 relative
// + 4e-9 m. The absolute distance floor is GeographicLib's own error, not ours: on lines under
// ~1 km its distance is off by up to ~3e-9 m (checked against a 40-digit solution of the
// integrals, see ReferenceSolutions below, where solve() is within 2e-10 m), so a 1e-9 m floor
// would fail on GeographicLib's rounding.
constexpr double kRel = 1e-13;
constexpr double kDistanceFloor = 4e-9;
constexpr double kAreaFloor = 1e-3;

double ref_lat(std::mt19937_64& rng) {  // uniform on the sphere
  return std::asin(std::uniform_real_distribution<double>(-1, 1)(rng)) / std::numbers::pi * 180;
}

double uniform(std::mt19937_64& rng, double lo, double hi) {
  return std::uniform_real_distribution<double>(lo, hi)(rng);
}

// Keeps a latitude in [-90, 90] by reflecting over the pole.
double fold_lat(double lat) {
  if (lat > 90) return 180 - lat;
  if (lat < -90) return -180 - lat;
  return lat;
}

// Point 2 at roughly `deg` degrees of arc from point 1 in a random direction (a local
// approximation is enough: the class boundaries are nominal).
Edge offset_edge(std::mt19937_64& rng, double deg) {
  const double lat1 = ref_lat(rng);
  const double lon1 = uniform(rng, -180, 180);
  const double az = uniform(rng, 0, 2 * std::numbers::pi);
  const double lat2 = fold_lat(lat1 + deg * std::cos(az));
  const double coslat = std::max(std::cos(lat1 * std::numbers::pi / 180), 1e-3);
  double lon2 = lon1 + std::clamp(deg * std::sin(az) / coslat, -179.0, 179.0);
  if (lon2 > 180) lon2 -= 360;
  if (lon2 < -180) lon2 += 360;
  return {lat1, lon1, lat2, lon2};
}

double log_uniform(std::mt19937_64& rng, double lo, double hi) {
  return std::exp(uniform(rng, std::log(lo), std::log(hi)));
}

struct EdgeClass {
  std::string name;
  std::function<Edge(std::mt19937_64&)> make;
};

std::vector<EdgeClass> edge_classes() {
  std::vector<EdgeClass> classes;
  classes.push_back(
      {"very short", [](auto& r) { return offset_edge(r, log_uniform(r, 1e-7, 1e-3)); }});
  classes.push_back({"short", [](auto& r) { return offset_edge(r, log_uniform(r, 1e-3, 2)); }});
  classes.push_back({"medium", [](auto& r) { return offset_edge(r, uniform(r, 2, 30)); }});
  classes.push_back({"long", [](auto& r) { return offset_edge(r, uniform(r, 30, 179)); }});
  classes.push_back({"nearly antipodal", [](auto& r) {
                       const double lat1 = ref_lat(r);
                       const double lon1 = uniform(r, -180, 180);
                       const double lat2 = std::clamp(-lat1 + uniform(r, -1, 1), -90.0, 90.0);
                       return Edge{lat1, lon1, lat2, lon1 + 180 - uniform(r, 0, 2)};
                     }});
  classes.push_back({"near poles", [](auto& r) {
                       const double sign = uniform(r, 0, 1) < 0.5 ? -1 : 1;
                       const double u = uniform(r, 0, 1);
                       // a quarter with an endpoint exactly at the pole
                       const double lat1 = u < 0.25 ? sign * 90 : sign * uniform(r, 89.9, 90);
                       const double lat2 = sign * uniform(r, 89.9, 90);
                       return Edge{lat1, uniform(r, -180, 180), lat2, uniform(r, -180, 180)};
                     }});
  classes.push_back({"equator", [](auto& r) {
                       return Edge{0, uniform(r, -180, 180), 0, uniform(r, -180, 180)};
                     }});
  classes.push_back({"meridional", [](auto& r) {
                       const double lon = uniform(r, -180, 180);
                       // half on one meridian, half over the pole (lon12 = 180)
                       const double lon2 = uniform(r, 0, 1) < 0.5 ? lon : lon + 180;
                       return Edge{ref_lat(r), lon, ref_lat(r), lon2};
                     }});
  classes.push_back({"antimeridian", [](auto& r) {
                       const double lat1 = ref_lat(r);
                       const double lat2 = fold_lat(lat1 + uniform(r, -0.5, 0.5));
                       const double d = log_uniform(r, 1e-7, 1);
                       const double lon1 = 180 - d * uniform(r, 0, 1);
                       return Edge{lat1, lon1, lat2, -180 + d * uniform(r, 0, 1)};
                     }});
  classes.push_back({"wrapped lon", [](auto& r) {
                       // longitudes outside [-180, 180] (the caller allows |lon| <= 540)
                       Edge e = offset_edge(r, log_uniform(r, 1e-5, 20));
                       const double shift1 = 360 * std::floor(uniform(r, -1, 2));
                       const double shift2 = 360 * std::floor(uniform(r, -1, 2));
                       if (std::fabs(e.lon1 + shift1) <= 540) e.lon1 += shift1;
                       if (std::fabs(e.lon2 + shift2) <= 540) e.lon2 += shift2;
                       return e;
                     }});
  classes.push_back({"identical", [](auto& r) {
                       const double lat = ref_lat(r);
                       const double lon = uniform(r, -180, 180);
                       return Edge{lat, lon, lat, lon};
                     }});
  classes.push_back({"lat1 == +-lat2", [](auto& r) {
                       const double lat = ref_lat(r);
                       const double sign = uniform(r, 0, 1) < 0.5 ? -1 : 1;
                       const double lon1 = uniform(r, -180, 180);
                       return Edge{lat, lon1, sign * lat, lon1 + log_uniform(r, 1e-6, 179)};
                     }});
  return classes;
}

struct Reference {
  double s12, S12;
};

Reference reference(const Edge& e,
                    const GeographicLib::Geodesic& g = GeographicLib::Geodesic::WGS84()) {
  using GeographicLib::Geodesic;
  double s12 = 0;
  double S12 = 0;
  double unused = 0;
  g.GenInverse(e.lat1, e.lon1, e.lat2, e.lon2, Geodesic::DISTANCE | Geodesic::AREA, s12, unused,
               unused, unused, unused, unused, S12);
  return {s12, S12};
}

struct ClassResult {
  std::string name;
  int solved = 0;
  int failures = 0;
  double max_ds = 0;        // m
  double max_dS = 0;        // m^2
  double worst_ds_tol = 0;  // error / tolerance
  double worst_dS_tol = 0;
  int count = kPerClass;
  double coverage() const { return static_cast<double>(solved) / count; }
};

ClassResult run_class(const GeodesicEdge& fast, const EdgeClass& cls, std::uint64_t seed,
                      const GeographicLib::Geodesic& g = GeographicLib::Geodesic::WGS84(),
                      int count = kPerClass) {
  std::mt19937_64 rng(seed);
  ClassResult res{cls.name};
  res.count = count;
  for (int i = 0; i < count; ++i) {
    const Edge e = cls.make(rng);
    double s12 = 0;
    double S12 = 0;
    if (!fast.solve(e.lat1, e.lon1, e.lat2, e.lon2, s12, S12)) continue;
    ++res.solved;
    const Reference ref = reference(e, g);
    const double ds = std::fabs(s12 - ref.s12);
    const double dS = std::fabs(S12 - ref.S12);
    const double tol_s = kRel * ref.s12 + kDistanceFloor;
    const double tol_S = kRel * std::fabs(ref.S12) + kAreaFloor;
    res.max_ds = std::max(res.max_ds, ds);
    res.max_dS = std::max(res.max_dS, dS);
    res.worst_ds_tol = std::max(res.worst_ds_tol, ds / tol_s);
    res.worst_dS_tol = std::max(res.worst_dS_tol, dS / tol_S);
    if (!(ds <= tol_s) || !(dS <= tol_S)) {
      if (++res.failures <= 5) {
        ADD_FAILURE() << cls.name << ": " << std::hexfloat << e.lat1 << ' ' << e.lon1 << ' '
                      << e.lat2 << ' ' << e.lon2 << std::defaultfloat << " s12 " << s12 << " vs "
                      << ref.s12 << ", S12 " << S12 << " vs " << ref.S12;
      }
    }
  }
  std::printf(
      "  %-17s coverage %8.4f%%  max |ds| %.2e m (%.2f of tol)  max |dS| %.2e m^2 (%.2f of tol)\n",
      res.name.c_str(), 100 * res.coverage(), res.max_ds, res.worst_ds_tol, res.max_dS,
      res.worst_dS_tol);
  return res;
}

const std::vector<ClassResult>& all_results() {
  static const std::vector<ClassResult> results = [] {
    const GeodesicEdge fast;
    std::vector<ClassResult> out;
    std::uint64_t seed = 20130101;
    for (const EdgeClass& cls : edge_classes()) out.push_back(run_class(fast, cls, seed++));
    return out;
  }();
  return results;
}

const ClassResult& result(const std::string& name) {
  for (const ClassResult& r : all_results()) {
    if (r.name == name) return r;
  }
  throw std::runtime_error("no class " + name);
}

}  // namespace

TEST(PolygonsGeodesicEdge, AgreesWithGeographicLibInEveryClass) {
  for (const ClassResult& r : all_results()) {
    EXPECT_EQ(r.failures, 0) << r.name;
  }
}

TEST(PolygonsGeodesicEdge, AgreesWithGeographicLibOnOtherEllipsoids) {
  // The series are derived for the ellipsoid at construction: a sphere, GRS80, Clarke 1866
  // and the flattest ellipsoid accepted (f = 1/250) meet the same tolerances as WGS84.
  struct Shape {
    const char* name;
    double a;
    double f;
  };
  for (const Shape& e : {Shape{"sphere", 6371000.0, 0.0}, Shape{"GRS80", 6378137.0, 1 / 298.257222101},
                         Shape{"Clarke 1866", 6378206.4, 1 / 294.9786982},
                         Shape{"f = 1/250", 6378137.0, 1.0 / 250}}) {
    std::printf(" %s:\n", e.name);
    const GeodesicEdge fast(e.a, e.f);
    const GeographicLib::Geodesic g(e.a, e.f);
    std::uint64_t seed = 20261129;
    for (const EdgeClass& cls : edge_classes()) {
      const ClassResult r = run_class(fast, cls, seed++, g, kPerClass / 10);
      EXPECT_EQ(r.failures, 0) << e.name << ", " << r.name;
    }
  }
  EXPECT_FALSE(GeodesicEdge::supports(1 / 169.894447223612));  // Mars: GeographicLib's alone
  EXPECT_FALSE(GeodesicEdge::supports(-0.001));                // prolate
  EXPECT_THROW(GeodesicEdge(3396190.0, 1 / 169.894447223612), std::invalid_argument);
}

TEST(PolygonsGeodesicEdge, EveryClassIsExercised) {
  // Each class must reach solve(); the special ones may be handed back wholesale, but the
  // classes the fast path claims must actually be solved.
  for (const char* name :
       {"very short", "short", "medium", "long", "near poles", "equator", "meridional",
        "antimeridian", "wrapped lon", "identical", "lat1 == +-lat2"}) {
    EXPECT_GT(result(name).solved, 0) << name;
  }
}

TEST(PolygonsGeodesicEdge, CoversShortAndMediumEdges) {
  EXPECT_GE(result("very short").coverage(), 0.99);
  EXPECT_GE(result("short").coverage(), 0.99);
  EXPECT_GE(result("medium").coverage(), 0.99);
  EXPECT_GE(result("antimeridian").coverage(), 0.99);
  EXPECT_GE(result("wrapped lon").coverage(), 0.99);
  EXPECT_GE(result("identical").coverage(), 0.99);
}

// Solutions of the inverse problem from a 40-digit evaluation of Karney's integrals (mpmath),
// on short lines where GeographicLib's distance is off by 1e-9 to 3e-9 m: solve() must be
// within 1e-9 m.
TEST(PolygonsGeodesicEdge, ReferenceSolutions) {
  struct Case {
    Edge e;
    double s12;
  };
  const Case cases[] = {
      {{-8.2628568815302756, -8.2753667749469741, -8.2628577992860297, -8.2753532608707179},
       1.4923221300894494386},
      {{-19.060255098236382, 13.040817046967391, -19.060253974350523, 13.040809361609506},
       0.81842558734265114575},
      {{56.980439713194571, -36.447687519493542, 56.980446130684506, -36.447696917295382},
       0.91501291649226323798},
      {{8.5692276942418761, -150.29948534217652, 8.5692270073123247, -150.29948305637515},
       0.26285137084354064989},
      {{14.58575148897299, -74.18965300033976, 14.586076862594608, -74.193191134203687},
       382.94640432697990753},
      {{-42.718016992833491, 61.245347055465913, -42.719613145574407, 61.237109251984315},
       697.68093654658945338},
  };
  const GeodesicEdge fast;
  for (const Case& c : cases) {
    double s12 = 0;
    double S12 = 0;
    ASSERT_TRUE(fast.solve(c.e.lat1, c.e.lon1, c.e.lat2, c.e.lon2, s12, S12));
    EXPECT_NEAR(s12, c.s12, 1e-9) << c.e.lat1 << ' ' << c.e.lon1;
  }
}

TEST(PolygonsGeodesicEdge, HandBackLeavesOutputsUntouched) {
  const GeodesicEdge fast;
  double s12 = -1;
  double S12 = -2;
  // nearly antipodal: needs the astroid start
  EXPECT_FALSE(fast.solve(-30, 0, 29.9, 179.8, s12, S12));
  EXPECT_EQ(s12, -1);
  EXPECT_EQ(S12, -2);
}

TEST(PolygonsGeodesicEdge, IsDeterministic) {
  std::mt19937_64 rng(7);
  std::vector<Edge> edges;
  for (const EdgeClass& cls : edge_classes()) {
    for (int i = 0; i < 2000; ++i) edges.push_back(cls.make(rng));
  }
  const auto run = [&edges](const GeodesicEdge& g, std::vector<std::uint64_t>& bits) {
    bits.clear();
    for (const Edge& e : edges) {
      double s12 = 0;
      double S12 = 0;
      const bool ok = g.solve(e.lat1, e.lon1, e.lat2, e.lon2, s12, S12);
      bits.push_back(ok ? std::bit_cast<std::uint64_t>(s12) : 1);
      bits.push_back(ok ? std::bit_cast<std::uint64_t>(S12) : 1);
    }
  };
  const GeodesicEdge shared;
  std::vector<std::uint64_t> first;
  std::vector<std::uint64_t> again;
  std::vector<std::uint64_t> other_instance;
  std::vector<std::uint64_t> in_thread;
  run(shared, first);
  run(shared, again);
  run(GeodesicEdge(), other_instance);
  std::thread t([&] { run(shared, in_thread); });
  t.join();
  EXPECT_EQ(first, again);
  EXPECT_EQ(first, other_instance);
  EXPECT_EQ(first, in_thread);
}
