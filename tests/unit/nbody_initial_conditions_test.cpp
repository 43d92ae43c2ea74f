// Generated ICs: determinism, ranges, Plummer virial equilibrium and units; IC file round trip.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "rankwise/errors.hpp"
#include "rankwise/nbody/gravity.hpp"
#include "rankwise/nbody/initial_conditions.hpp"

using namespace rankwise::nbody;

TEST(NbodyInitialConditions, UniformIsInUnitCubeWithUnitMassesAndPrefixStable) {
  const Bodies a = uniform_cube(500, 9);
  const Bodies b = uniform_cube(100, 9);
  for (std::size_t i = 0; i < a.size(); ++i) {
    for (double v : {a.x[i], a.y[i], a.z[i], a.vx[i], a.vy[i], a.vz[i]}) {
      ASSERT_GT(v, 0.0);
      ASSERT_LT(v, 1.0);
    }
    ASSERT_EQ(a.m[i], 1.0);
  }
  // Particle i depends on (seed, i) only.
  for (std::size_t i = 0; i < b.size(); ++i) ASSERT_EQ(a.x[i], b.x[i]);
  EXPECT_NE(uniform_cube(10, 10).x[0], a.x[0]);
}

TEST(NbodyInitialConditions, PlummerIsInVirialEquilibriumInHenonUnits) {
  const std::size_t n = 4000;
  const Bodies b = plummer_sphere(n, 1, 1.0);
  double mass = 0, kinetic = 0, cm[3] = {0, 0, 0}, p[3] = {0, 0, 0};
  for (std::size_t i = 0; i < n; ++i) {
    mass += b.m[i];
    kinetic += 0.5 * b.m[i] * (b.vx[i] * b.vx[i] + b.vy[i] * b.vy[i] + b.vz[i] * b.vz[i]);
    cm[0] += b.m[i] * b.x[i];
    cm[1] += b.m[i] * b.y[i];
    cm[2] += b.m[i] * b.z[i];
    p[0] += b.m[i] * b.vx[i];
    p[1] += b.m[i] * b.vy[i];
    p[2] += b.m[i] * b.vz[i];
  }
  Sources s(n);
  s.set_masses(b.m);
  std::copy(b.x.begin(), b.x.end(), s.x.begin());
  std::copy(b.y.begin(), b.y.end(), s.y.begin());
  std::copy(b.z.begin(), b.z.end(), s.z.begin());
  std::vector<double> ax(n), ay(n), az(n), phi(n);
  accelerations(s, 0, n, 1.0, 0.0, {ax.data(), ay.data(), az.data(), phi.data()}, 2);
  double potential = 0;
  for (std::size_t i = 0; i < n; ++i) potential += 0.5 * b.m[i] * phi[i];
  EXPECT_NEAR(mass, 1.0, 1e-12);
  for (int k = 0; k < 3; ++k) {
    EXPECT_NEAR(cm[k], 0.0, 1e-14);
    EXPECT_NEAR(p[k], 0.0, 1e-14);
  }
  // Sampling noise ~ 1/sqrt(N) ~ 1.6%: allow 5%.
  EXPECT_NEAR(kinetic / -potential, 0.5, 0.025);
  EXPECT_NEAR(kinetic + potential, -0.25, 0.0125);
}

TEST(NbodyInitialConditions, FileRoundTripAndShapeErrors) {
  const auto dir = std::filesystem::temp_directory_path() / "rankwise-nbody-ic-test";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "ic.h5").string();
  const Bodies b = uniform_cube(7, 2);
  write_initial_conditions(path, b);
  const Bodies r = read_initial_conditions(path);
  EXPECT_EQ(r.x, b.x);
  EXPECT_EQ(r.vz, b.vz);
  EXPECT_EQ(r.m, b.m);
  EXPECT_THROW((void)read_initial_conditions((dir / "missing.h5").string()), rankwise::InputError);
  std::filesystem::remove_all(dir);
}
