// Accuracy of rankwise's edge path (GeodesicEdge, GeographicLib where it hands back: what
// GeodesicArea adds up) against a high-precision reference, class by class, compared with
// GeographicLib's own accuracy on the same edges. The reference (~35 digits, mpmath) is
// tests/unit/data/geodesic_reference_wgs84.txt, made by tests/support/geodesic_reference.py.
#include <gtest/gtest.h>

#include <GeographicLib/Geodesic.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "rankwise/polygons/area.hpp"
#include "rankwise/polygons/geodesic_edge.hpp"

using rankwise::polygons::GeodesicArea;
using rankwise::polygons::GeodesicEdge;

namespace {

struct RefEdge {
  double lat1, lon1, lat2, lon2;
  long double s12, S12;  // reference values, ~19 digits kept of the file's 22
};

struct RefClass {
  std::string name;
  std::vector<RefEdge> edges;
};

std::vector<RefClass> load_reference() {
  const std::string path = std::string(RANKWISE_TEST_DATA_DIR) + "/geodesic_reference_wgs84.txt";
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::vector<RefClass> classes;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (line.rfind("class ", 0) == 0) {
      std::istringstream head(line.substr(6));
      RefClass c;
      std::size_t count = 0;
      head >> c.name >> count;
      c.edges.reserve(count);
      classes.push_back(std::move(c));
      continue;
    }
    // strtod/strtold: correctly rounded, so the inputs are the generator's doubles exactly
    char* p = line.data();
    RefEdge e{};
    e.lat1 = std::strtod(p, &p);
    e.lon1 = std::strtod(p, &p);
    e.lat2 = std::strtod(p, &p);
    e.lon2 = std::strtod(p, &p);
    e.s12 = std::strtold(p, &p);
    e.S12 = std::strtold(p, &p);
    if (classes.empty()) throw std::runtime_error("edge before the first class line");
    classes.back().edges.push_back(e);
  }
  return classes;
}

struct Worst {
  long double err = 0;
  long double ref_max = 0;  // largest |reference| in the class
  const RefEdge* at = nullptr;
  void add(double x, long double ref, const RefEdge& e) {
    const long double d = std::fabs(static_cast<long double>(x) - ref);
    ref_max = std::max(ref_max, std::fabs(ref));
    if (d > err || at == nullptr) {
      err = d;
      at = &e;
    }
  }
};

// What rankwise may err by: 1.5 x GeographicLib's worst in the class, or half an ulp of the
// class's largest value where GeographicLib is exact or nearly (equator, identical points): no
// double result can be closer than the rounding of the result itself.
long double allowed(const Worst& geographiclib) {
  const double ref_max = static_cast<double>(geographiclib.ref_max);
  const double half_ulp = ref_max > 0 ? std::ldexp(1.0, std::ilogb(ref_max) - 53) : 0.0;
  return std::max(1.5L * geographiclib.err, static_cast<long double>(half_ulp));
}

}  // namespace

TEST(PolygonsGeodesicAccuracy, WithinOneAndAHalfTimesGeographicLibInEveryClass) {
  const std::vector<RefClass> classes = load_reference();
  ASSERT_GE(classes.size(), 13u);
  const GeodesicArea area;  // WGS84
  ASSERT_TRUE(area.fast());
  const GeodesicEdge fast;
  const GeographicLib::Geodesic& g = GeographicLib::Geodesic::WGS84();
  std::printf("  %-17s %5s %6s | %-31s | %-31s\n", "class", "edges", "fast",
              "worst |ds| m: rankwise / GLib", "worst |dS| m^2: rankwise / GLib");
  for (const RefClass& c : classes) {
    Worst rw_s, rw_S, gl_s, gl_S;
    int solved = 0;
    for (const RefEdge& e : c.edges) {
      const auto [s12, S12] = area.edge(e.lat1, e.lon1, e.lat2, e.lon2);
      rw_s.add(s12, e.s12, e);
      rw_S.add(S12, e.S12, e);
      double gs12 = 0, gS12 = 0, unused = 0;
      g.GenInverse(e.lat1, e.lon1, e.lat2, e.lon2,
                   GeographicLib::Geodesic::DISTANCE | GeographicLib::Geodesic::AREA, gs12, unused,
                   unused, unused, unused, unused, gS12);
      gl_s.add(gs12, e.s12, e);
      gl_S.add(gS12, e.S12, e);
      double x = 0, y = 0;
      solved += fast.solve(e.lat1, e.lon1, e.lat2, e.lon2, x, y) ? 1 : 0;
    }
    std::printf(
        "  %-17s %5zu %5.1f%% | %.2Le / %.2Le (%4.2Lf) | %.2Le / %.2Le (%4.2Lf)\n",
        c.name.c_str(), c.edges.size(), 100.0 * solved / static_cast<double>(c.edges.size()),
        rw_s.err, gl_s.err, gl_s.err > 0 ? rw_s.err / gl_s.err : 0.0L, rw_S.err, gl_S.err,
        gl_S.err > 0 ? rw_S.err / gl_S.err : 0.0L);
    for (const auto& [what, rw, gl] :
         {std::tuple{"s12", &rw_s, &gl_s}, std::tuple{"S12", &rw_S, &gl_S}}) {
      EXPECT_LE(rw->err, allowed(*gl))
          << c.name << " " << what << ": rankwise errs by " << static_cast<double>(rw->err)
          << ", GeographicLib by " << static_cast<double>(gl->err) << "; worst edge "
          << std::hexfloat << rw->at->lat1 << ' ' << rw->at->lon1 << ' ' << rw->at->lat2 << ' '
          << rw->at->lon2;
    }
  }
}
