// Synthetic sets: reproducible, and their computed areas match the closed forms.
#include <gtest/gtest.h>

#include "rankwise/polygons/area.hpp"
#include "rankwise/polygons/synthetic.hpp"

using namespace rankwise::polygons;

TEST(PolygonsSynthetic, ReproducibleFromSeed) {
  EXPECT_EQ(generate(20, 5, Crs::geographic, 32).polygons,
            generate(20, 5, Crs::geographic, 32).polygons);
  EXPECT_NE(generate(20, 5, Crs::geographic, 32).polygons,
            generate(20, 6, Crs::geographic, 32).polygons);
  // Polygon i depends on (seed, i) only, so a longer set starts with the shorter one.
  const auto a = generate(10, 9, Crs::projected, 16);
  const auto b = generate(20, 9, Crs::projected, 16);
  EXPECT_EQ(a.polygons, b.polygons.slice(0, 10));
}

TEST(PolygonsSynthetic, GeodesicAreasMatchExpected) {
  const auto s = generate(200, 11, Crs::geographic, 64);
  const GeodesicArea g;
  for (std::uint64_t r = 0; r < s.polygons.records(); ++r) {
    const double rel = g.record(s.polygons, r).area / s.expected_area[r] - 1;
    // Wedges (even records) are exact; frames' parallels are densified to <= 0.05°.
    EXPECT_LT(std::abs(rel), r % 2 == 0 ? 1e-11 : 1e-6) << s.names[r];
  }
}

TEST(PolygonsSynthetic, PlanarAreasMatchExpected) {
  const auto s = generate(200, 11, Crs::projected, 40);
  for (std::uint64_t r = 0; r < s.polygons.records(); ++r) {
    EXPECT_NEAR(planar_area(s.polygons, r).area / s.expected_area[r], 1.0, 1e-10) << s.names[r];
  }
  EXPECT_EQ(s.polygons.end_ring(1) - s.polygons.first_ring(1), 2u);  // odd ones have a hole
}

TEST(PolygonsSynthetic, VertexCountNearRequested) {
  for (std::uint32_t v : {8u, 64u, 1000u}) {
    for (Crs crs : {Crs::geographic, Crs::projected}) {
      const auto s = generate(10, 1, crs, v);
      const double per = static_cast<double>(s.polygons.vertices()) / 10.0;
      EXPECT_GT(per, 0.7 * v);
      EXPECT_LT(per, 1.3 * v + 4);
    }
  }
}

TEST(PolygonsSet, SliceRebasesOffsets) {
  const auto s = generate(7, 2, Crs::geographic, 16);
  const PolygonSet mid = s.polygons.slice(2, 5);
  EXPECT_EQ(mid.first_record, 2u);
  EXPECT_EQ(mid.records(), 3u);
  EXPECT_EQ(mid.record_start.front(), 0u);
  EXPECT_EQ(mid.ring_start.front(), 0u);
  for (std::uint64_t r = 0; r < 3; ++r) {
    EXPECT_EQ(mid.record_vertices(r), s.polygons.record_vertices(r + 2));
  }
  EXPECT_EQ(mid.x.front(), s.polygons.ring_x(s.polygons.first_ring(2)).front());
}
