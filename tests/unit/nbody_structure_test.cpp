// Lagrangian radii and Casertano & Hut core radius: simple configurations, the Plummer
// sphere's analytic mass profile, and independence of the thread count and row split.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "rankwise/nbody/initial_conditions.hpp"
#include "rankwise/nbody/structure.hpp"

using namespace rankwise::nbody;

TEST(NbodyStructure, LagrangianRadiiOfParticlesOnShells) {
  // Ten equal masses at radii 1..10 about (1, 1, 1): 10 % at r = 1, 50 % at 5, 90 % at 9.
  std::vector<double> x, y, z, m(10, 0.1);
  for (int k = 1; k <= 10; ++k) {
    x.push_back(1.0);
    y.push_back(1.0 + k);
    z.push_back(1.0);
  }
  const auto r = lagrangian_radii(x, y, z, m, {1.0, 1.0, 1.0});
  EXPECT_DOUBLE_EQ(r[0], 1.0);
  EXPECT_DOUBLE_EQ(r[1], 5.0);
  EXPECT_DOUBLE_EQ(r[2], 9.0);
}

TEST(NbodyStructure, PlummerLagrangianRadiiFollowTheAnalyticMassProfile) {
  // r(m) = a (m^(-2/3) - 1)^(-1/2), a = 3 pi / 16 in Henon units; plummer_sphere redraws radii
  // beyond 10 a, so m is the fraction of the mass inside 10 a. N = 4096: the sampling noise of
  // these radii is about 2 %, 1.5 % and 2.5 % (binomial noise of the enclosed mass).
  const std::size_t n = 4096;
  const Bodies b = plummer_sphere(n, 1, 1.0);
  const auto r = lagrangian_radii(b.x, b.y, b.z, b.m, {0, 0, 0});
  const double a = 3.0 * std::numbers::pi / 16.0;
  const double inside = 1000.0 / std::pow(101.0, 1.5);  // M(10 a)
  const double tolerance[3] = {0.07, 0.05, 0.08};
  for (std::size_t k = 0; k < 3; ++k) {
    const double mass = lagrangian_fractions[k] * inside;
    const double expected = a / std::sqrt(std::pow(mass, -2.0 / 3.0) - 1.0);
    EXPECT_NEAR(r[k], expected, tolerance[k] * expected) << lagrangian_fractions[k];
  }
}

TEST(NbodyStructure, DensitiesDoNotDependOnThreadsOrRowSplit) {
  const std::size_t n = 777;
  const Bodies b = plummer_sphere(n, 3, 1.0);
  const auto all = neighbour_densities(b.x, b.y, b.z, b.m, 0, n, 1);
  const auto threaded = neighbour_densities(b.x, b.y, b.z, b.m, 0, n, 3);
  const auto tail = neighbour_densities(b.x, b.y, b.z, b.m, 500, n - 500, 2);
  EXPECT_EQ(all, threaded);
  for (std::size_t i = 500; i < n; ++i) ASSERT_EQ(all[i], tail[i - 500]);
  for (double rho : all) ASSERT_GT(rho, 0.0);
}

TEST(NbodyStructure, DensityOfALatticeAndTheCoreRadiusOfACluster) {
  // A cubic lattice of spacing 1: the 6 nearest neighbours of an inner point are at distance 1,
  // so rho = 5 m / (4/3 pi).
  std::vector<double> x, y, z, m;
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j < 5; ++j)
      for (int k = 0; k < 5; ++k) {
        x.push_back(i);
        y.push_back(j);
        z.push_back(k);
        m.push_back(2.0);
      }
  const std::size_t centre = 2 * 25 + 2 * 5 + 2;
  const auto rho = neighbour_densities(x, y, z, m, centre, 1, 1);
  EXPECT_DOUBLE_EQ(rho[0], 10.0 / (4.0 / 3.0 * std::numbers::pi));
  // Too few particles: NaN.
  const std::vector<double> three{0, 1, 2}, mass{1, 1, 1};
  EXPECT_TRUE(std::isnan(neighbour_densities(three, three, three, mass, 0, 3, 1)[0]));
  // The density-weighted radius of a Plummer sphere is a fraction of its half-mass radius.
  const Bodies b = plummer_sphere(4096, 2, 1.0);
  const auto d = neighbour_densities(b.x, b.y, b.z, b.m, 0, b.size(), 2);
  Structure s;
  density_radius(b.x, b.y, b.z, d, s);
  const auto r = lagrangian_radii(b.x, b.y, b.z, b.m, {0, 0, 0});
  EXPECT_GT(s.core_radius, 0.2 * r[1]);
  EXPECT_LT(s.core_radius, 0.8 * r[1]);
  for (double c : s.density_centre) EXPECT_LT(std::fabs(c), 0.1);
}
