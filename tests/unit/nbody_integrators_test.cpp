// Integrators on a serial force (no MPI): Kepler orbit, textbook midpoint RK2, momentum,
// leapfrog time reversibility, RK4 order; frame schedule and XDMF helpers.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "rankwise/nbody/gravity.hpp"
#include "rankwise/nbody/initial_conditions.hpp"
#include "rankwise/nbody/integrators.hpp"
#include "rankwise/nbody/trajectory.hpp"
#include "rankwise/io/h5.hpp"
#include "rankwise/nbody/xdmf.hpp"

using namespace rankwise::nbody;

namespace {

// All particles on this "rank": the kernel over all N.
struct SerialGravity {
  std::vector<double> m;
  double G = 1.0, eps = 0.0;
  ForceFn fn() {
    return [this](const Vec3s& p, Vec3s& a, double* phi) {
      Sources s(m.size());
      s.set_masses(m);
      std::copy(p.x.begin(), p.x.end(), s.x.begin());
      std::copy(p.y.begin(), p.y.end(), s.y.begin());
      std::copy(p.z.begin(), p.z.end(), s.z.begin());
      a.resize(m.size());
      accelerations(s, 0, m.size(), G, eps, {a.x.data(), a.y.data(), a.z.data(), phi}, 1);
    };
  }
};

State state_of(const Bodies& b) {
  State s;
  s.pos = {b.x, b.y, b.z};
  s.vel = {b.vx, b.vy, b.vz};
  return s;
}

// Two bodies (m1 = 0.75, m2 = 0.25), G = 1, semi-major axis 1, eccentricity e, at apocentre,
// centre of mass at rest at the origin. Period 2 pi.
Bodies kepler(double e) {
  Bodies b;
  b.resize(2);
  b.m = {0.75, 0.25};
  const double r = 1.0 + e;                           // apocentre distance
  const double v = std::sqrt((1.0 - e) / (1.0 + e));  // relative speed there (G M = a = 1)
  b.x = {-b.m[1] * r, b.m[0] * r};
  b.vy = {-b.m[1] * v, b.m[0] * v};
  return b;
}

double energy(const State& s, const std::vector<double>& m) {
  double e = 0;
  for (std::size_t i = 0; i < m.size(); ++i) {
    e += 0.5 * m[i] * (s.vel.x[i] * s.vel.x[i] + s.vel.y[i] * s.vel.y[i] + s.vel.z[i] * s.vel.z[i]);
    for (std::size_t j = i + 1; j < m.size(); ++j) {
      const double dx = s.pos.x[i] - s.pos.x[j], dy = s.pos.y[i] - s.pos.y[j],
                   dz = s.pos.z[i] - s.pos.z[j];
      e -= m[i] * m[j] / std::sqrt(dx * dx + dy * dy + dz * dz);
    }
  }
  return e;
}

}  // namespace

TEST(NbodyIntegrators, LeapfrogKeplerEnergyBoundedAndOrbitCloses) {
  const Bodies b = kepler(0.5);
  SerialGravity g{b.m};
  const auto force = g.fn();
  State s = state_of(b);
  const double e0 = energy(s, b.m);
  const int per_orbit = 2000;
  const double dt = 2 * std::numbers::pi / per_orbit;
  double worst = 0;
  for (int orbit = 0; orbit < 5; ++orbit) {
    for (int k = 0; k < per_orbit; ++k) {
      step(Integrator::leapfrog, s, dt, force, false);
      worst = std::max(worst, std::fabs((energy(s, b.m) - e0) / e0));
    }
    // Back at apocentre after each whole period (leapfrog has only a phase error O(dt^2)).
    EXPECT_NEAR(s.pos.x[1], b.x[1], 2e-3) << "orbit " << orbit;
    EXPECT_NEAR(s.pos.y[1], b.y[1], 2e-2) << "orbit " << orbit;
  }
  EXPECT_LT(worst, 1e-4);  // bounded: no secular drift for a symplectic scheme
}

TEST(NbodyIntegrators, Rk2IsTheTextbookMidpointScheme) {
  Bodies b = uniform_cube(3, 5);
  b.m = {1.0, 2.0, 0.5};
  SerialGravity g{b.m, 1.3, 0.1};
  State s = state_of(b);
  const double dt = 0.01;
  // Independent: y' = f(y), y_mid = y + dt/2 f(y), y_new = y + dt f(y_mid), by plain loops.
  auto f = [&](const std::vector<double>& y) {  // y = [x0 y0 z0 .. , vx0 vy0 vz0 ..]
    std::vector<double> d(18, 0.0);
    for (int i = 0; i < 3; ++i) {
      for (int k = 0; k < 3; ++k) d[3 * i + k] = y[9 + 3 * i + k];
      for (int j = 0; j < 3; ++j) {
        if (i == j) continue;
        double r[3], r2 = 0.01;
        for (int k = 0; k < 3; ++k) {
          r[k] = y[3 * j + k] - y[3 * i + k];
          r2 += r[k] * r[k];
        }
        for (int k = 0; k < 3; ++k) d[9 + 3 * i + k] += 1.3 * b.m[j] * r[k] / std::pow(r2, 1.5);
      }
    }
    return d;
  };
  std::vector<double> y(18);
  for (int i = 0; i < 3; ++i) {
    y[3 * i] = b.x[i], y[3 * i + 1] = b.y[i], y[3 * i + 2] = b.z[i];
    y[9 + 3 * i] = b.vx[i], y[9 + 3 * i + 1] = b.vy[i], y[9 + 3 * i + 2] = b.vz[i];
  }
  for (int n = 0; n < 5; ++n) {
    const auto k1 = f(y);
    std::vector<double> mid(18);
    for (int q = 0; q < 18; ++q) mid[q] = y[q] + 0.5 * dt * k1[q];
    const auto k2 = f(mid);
    for (int q = 0; q < 18; ++q) y[q] += dt * k2[q];
    EXPECT_EQ(step(Integrator::rk2, s, dt, g.fn(), false), 2);
  }
  for (int i = 0; i < 3; ++i) {
    EXPECT_NEAR(s.pos.x[i], y[3 * i], 1e-14);
    EXPECT_NEAR(s.pos.z[i], y[3 * i + 2], 1e-14);
    EXPECT_NEAR(s.vel.y[i], y[9 + 3 * i + 1], 1e-13);
  }
}

TEST(NbodyIntegrators, MomentumConservedToRounding) {
  const Bodies b = uniform_cube(50, 11);
  for (Integrator integrator : {Integrator::leapfrog, Integrator::rk2, Integrator::rk4}) {
    SerialGravity g{b.m, 1.0, 0.05};
    State s = state_of(b);
    double p0[3] = {0, 0, 0};
    for (std::size_t i = 0; i < b.size(); ++i) {
      p0[0] += b.m[i] * b.vx[i], p0[1] += b.m[i] * b.vy[i], p0[2] += b.m[i] * b.vz[i];
    }
    for (int n = 0; n < 50; ++n) step(integrator, s, 1e-3, g.fn(), false);
    double p[3] = {0, 0, 0};
    for (std::size_t i = 0; i < b.size(); ++i) {
      p[0] += b.m[i] * s.vel.x[i], p[1] += b.m[i] * s.vel.y[i], p[2] += b.m[i] * s.vel.z[i];
    }
    for (int k = 0; k < 3; ++k) EXPECT_NEAR(p[k], p0[k], 1e-11) << integrator_name(integrator);
  }
}

TEST(NbodyIntegrators, LeapfrogIsTimeReversibleToRounding) {
  const Bodies b = plummer_sphere(64, 4, 1.0);
  SerialGravity g{b.m, 1.0, 0.05};
  State s = state_of(b);
  for (int n = 0; n < 200; ++n) step(Integrator::leapfrog, s, 1e-3, g.fn(), false);
  for (auto* v : {&s.vel.x, &s.vel.y, &s.vel.z}) {
    for (double& x : *v) x = -x;
  }
  for (int n = 0; n < 200; ++n) step(Integrator::leapfrog, s, 1e-3, g.fn(), false);
  for (std::size_t i = 0; i < b.size(); ++i) {
    EXPECT_NEAR(s.pos.x[i], b.x[i], 1e-12);
    EXPECT_NEAR(s.pos.y[i], b.y[i], 1e-12);
    EXPECT_NEAR(-s.vel.z[i], b.vz[i], 1e-12);
  }
}

TEST(NbodyIntegrators, Rk4IsFourthOrderOnKepler) {
  const Bodies b = kepler(0.5);
  auto error_at = [&](int steps) {
    SerialGravity g{b.m};
    State s = state_of(b);
    const double dt = 2 * std::numbers::pi / steps;
    for (int n = 0; n < steps; ++n) step(Integrator::rk4, s, dt, g.fn(), false);
    return std::hypot(s.pos.x[1] - b.x[1], s.pos.y[1] - b.y[1]);
  };
  const double ratio = error_at(400) / error_at(800);
  EXPECT_GT(ratio, 12.0);  // 2^4 = 16
  EXPECT_LT(ratio, 20.0);
}

TEST(NbodyTrajectory, FrameStepsAndSidecarName) {
  EXPECT_EQ(frame_steps(0, 25, 10), (std::vector<std::uint64_t>{0, 10, 20, 25}));
  EXPECT_EQ(frame_steps(0, 20, 10), (std::vector<std::uint64_t>{0, 10, 20}));
  EXPECT_EQ(frame_steps(15, 42, 10), (std::vector<std::uint64_t>{15, 20, 30, 40, 42}));
  EXPECT_EQ(frame_steps(0, 3, 100), (std::vector<std::uint64_t>{0, 3}));
  EXPECT_EQ(xdmf_path("dir/run.h5"), "dir/run.xdmf");
  EXPECT_EQ(xdmf_path("run.hdf"), "run.hdf.xdmf");
  const std::vector<double> times = {0.0, 0.5};
  const std::string doc = xdmf_document("run.h5", 10, times);
  EXPECT_NE(doc.find("run.h5:/nbody/frames/000000/positions_000001"), std::string::npos);
  EXPECT_NE(doc.find("run.h5:/nbody/frames/000000/velocities_000000"), std::string::npos);
  EXPECT_EQ(doc.find("positions_000002"), std::string::npos);
  EXPECT_NE(doc.find("run.h5:/nbody/particle"), std::string::npos);
  EXPECT_EQ(rankwise::io::row_view_name("positions", 1234), "001200/positions_001234");
  EXPECT_EQ(rankwise::io::row_view_name("velocities", 99), "000000/velocities_000099");
  EXPECT_EQ(rankwise::io::row_view_name("positions", 1234567), "1234500/positions_1234567");
  EXPECT_NE(doc.find("<Time Value=\"0.5\"/>"), std::string::npos);
  // Views (and sidecar grids) for every frame up to kMaxRowViews, else a constant stride from
  // frame 0 plus the last frame, never more than kMaxRowViews in all.
  using rankwise::io::kMaxRowViews;
  using rankwise::io::viewed_rows;
  EXPECT_TRUE(viewed_rows(0).empty());
  EXPECT_EQ(viewed_rows(3), (std::vector<std::uint64_t>{0, 1, 2}));
  EXPECT_EQ(viewed_rows(kMaxRowViews).size(), kMaxRowViews);
  for (std::uint64_t rows : {kMaxRowViews + 1, std::uint64_t{2501}, std::uint64_t{20001},
                             std::uint64_t{1000000}}) {
    const auto v = viewed_rows(rows);
    ASSERT_LE(v.size(), kMaxRowViews) << rows;
    EXPECT_EQ(v.front(), 0u);
    EXPECT_EQ(v.back(), rows - 1);
    const std::uint64_t k = v[1] - v[0];
    EXPECT_GT(k, 1u);
    for (std::size_t i = 1; i + 1 < v.size(); ++i) EXPECT_EQ(v[i] - v[i - 1], k) << rows;
    EXPECT_LE(v.back() - v[v.size() - 2], k);
    // A stride of k - 1 would not fit: its rows from 0, plus the last if off the stride.
    const std::uint64_t finer = (rows - 1) / (k - 1) + 1 + ((rows - 1) % (k - 1) != 0 ? 1 : 0);
    EXPECT_GT(finer, kMaxRowViews) << rows;
  }
  EXPECT_EQ(viewed_rows(2501).size(), 835u);
  const std::vector<double> many(2501, 0.0);
  const std::string strided = xdmf_document("run.h5", 3, many);
  EXPECT_NE(strided.find("positions_002499"), std::string::npos);
  EXPECT_EQ(strided.find("positions_002498"), std::string::npos);
  EXPECT_NE(strided.find("positions_002500"), std::string::npos);
}
