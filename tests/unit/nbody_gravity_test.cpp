// The gravity kernel against a long-double reference: accuracy, self-term, softening,
// padding, potential, and independence of the result from threads and target splits.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <thread>
#include <vector>

#include "rankwise/nbody/gravity.hpp"
#include "rankwise/nbody/initial_conditions.hpp"

using namespace rankwise::nbody;

namespace {

Sources sources_of(const Bodies& b) {
  Sources s(b.size());
  s.set_masses(b.m);
  for (std::size_t i = 0; i < b.size(); ++i) {
    s.x[i] = b.x[i];
    s.y[i] = b.y[i];
    s.z[i] = b.z[i];
  }
  return s;
}

struct Result {
  std::vector<double> ax, ay, az, phi;
};

Result evaluate(const Sources& s, double G, double eps, int threads, std::size_t first = 0,
                std::size_t count = SIZE_MAX) {
  if (count == SIZE_MAX) count = s.size() - first;
  Result r;
  for (auto* v : {&r.ax, &r.ay, &r.az, &r.phi}) v->assign(count, 0.0);
  accelerations(s, first, count, G, eps, {r.ax.data(), r.ay.data(), r.az.data(), r.phi.data()},
                threads);
  return r;
}

// Direct sum in long double, skipping j == i.
void reference(const Bodies& b, double G, double eps, std::size_t i, long double out[4]) {
  long double ax = 0, ay = 0, az = 0, phi = 0;
  for (std::size_t j = 0; j < b.size(); ++j) {
    if (j == i) continue;
    const long double dx = static_cast<long double>(b.x[j]) - b.x[i];
    const long double dy = static_cast<long double>(b.y[j]) - b.y[i];
    const long double dz = static_cast<long double>(b.z[j]) - b.z[i];
    const long double r2 = dx * dx + dy * dy + dz * dz + static_cast<long double>(eps) * eps;
    const long double inv = 1.0L / std::sqrt(r2);
    ax += b.m[j] * dx * inv * inv * inv;
    ay += b.m[j] * dy * inv * inv * inv;
    az += b.m[j] * dz * inv * inv * inv;
    phi -= b.m[j] * inv;
  }
  out[0] = G * ax;
  out[1] = G * ay;
  out[2] = G * az;
  out[3] = G * phi;
}

// xorshift64*: a reproducible uniform double in [0, 1).
struct Uniform {
  std::uint64_t state;
  double operator()() {
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return static_cast<double>((state * 2685821657736338717ull) >> 11) * 0x1p-53;
  }
};

void expect_matches_reference(const Bodies& b, double G, double eps) {
  const Result r = evaluate(sources_of(b), G, eps, 1);
  for (std::size_t i = 0; i < b.size(); ++i) {
    long double ref[4];
    reference(b, G, eps, i, ref);
    const long double scale = std::sqrt(ref[0] * ref[0] + ref[1] * ref[1] + ref[2] * ref[2]);
    const double got[3] = {r.ax[i], r.ay[i], r.az[i]};
    for (int k = 0; k < 3; ++k) {
      EXPECT_NEAR(got[k], static_cast<double>(ref[k]), 1e-13 * static_cast<double>(scale) + 1e-300)
          << "N=" << b.size() << " i=" << i << " component " << k << " eps=" << eps;
    }
    const auto phi = static_cast<double>(ref[3]);
    EXPECT_NEAR(r.phi[i], phi, 1e-14 * std::fabs(phi));
  }
}

}  // namespace

TEST(NbodyGravity, MatchesLongDoubleReferenceWithAndWithoutSoftening) {
  for (std::uint64_t n : {2ull, 3ull, 15ull, 16ull, 17ull, 40ull, 100ull}) {
    const Bodies b = plummer_sphere(n, 7, 1.0);
    expect_matches_reference(b, 1.0, 0.0);
    expect_matches_reference(b, 2.5, 0.05);
  }
}

TEST(NbodyGravity, TwoBodiesGiveNewtonExactly) {
  Bodies b;
  b.resize(2);
  b.x = {0.0, 2.0};
  b.m = {3.0, 5.0};
  const Result r = evaluate(sources_of(b), 1.0, 0.0, 1);
  EXPECT_NEAR(r.ax[0], 5.0 / 4.0, 1e-15);
  EXPECT_NEAR(r.ax[1], -3.0 / 4.0, 1e-15);
  EXPECT_EQ(r.ay[0], 0.0);
  EXPECT_NEAR(r.phi[0], -5.0 / 2.0, 1e-15);
  EXPECT_NEAR(r.phi[1], -3.0 / 2.0, 1e-15);
}

TEST(NbodyGravity, SingleParticleAtOriginFeelsNothingAndIsNotNaN) {
  Bodies b;
  b.resize(1);
  b.m = {1.0};
  const Result r = evaluate(sources_of(b), 1.0, 0.0, 1);  // padding lanes also sit at 0
  EXPECT_EQ(r.ax[0], 0.0);
  EXPECT_EQ(r.phi[0], 0.0);
}

TEST(NbodyGravity, BitsDoNotDependOnThreadsOrTargetSplit) {
  const Bodies b = uniform_cube(203, 3);
  const Sources s = sources_of(b);
  const Result one = evaluate(s, 1.0, 0.01, 1);
  for (int threads : {2, 3, 4}) {
    const Result many = evaluate(s, 1.0, 0.01, threads);
    EXPECT_EQ(one.ax, many.ax);
    EXPECT_EQ(one.ay, many.ay);
    EXPECT_EQ(one.az, many.az);
    EXPECT_EQ(one.phi, many.phi);
  }
  // Any contiguous piece computed alone gives the same bits as in the whole.
  for (std::size_t first : {0u, 1u, 17u, 100u}) {
    for (std::size_t count : {1u, 2u, 5u, 31u}) {
      const Result piece = evaluate(s, 1.0, 0.01, 2, first, count);
      for (std::size_t k = 0; k < count; ++k) {
        ASSERT_EQ(piece.ax[k], one.ax[first + k]);
        ASSERT_EQ(piece.az[k], one.az[first + k]);
        ASSERT_EQ(piece.phi[k], one.phi[first + k]);
      }
    }
  }
}

// The kernel goes over the sources in tiles of 4096 and continues each target's sums from
// one tile to the next: targets in every tile, at tile edges, and the last partial block,
// against the long-double reference; and the same bits whichever targets are computed with it.
TEST(NbodyGravity, SourcesBeyondOneTileMatchReferenceAndKeepTheirBits) {
  const Bodies b = plummer_sphere(2 * 4096 + 37, 11, 1.0);
  const Sources s = sources_of(b);
  const double eps = 0.01;
  const Result all = evaluate(s, 1.0, eps, 2);
  for (std::size_t i : {0u, 1u, 4095u, 4096u, 4097u, 8191u, 8192u, 8228u}) {
    long double ref[4];
    reference(b, 1.0, eps, i, ref);
    const long double scale = std::sqrt(ref[0] * ref[0] + ref[1] * ref[1] + ref[2] * ref[2]);
    EXPECT_NEAR(all.ax[i], static_cast<double>(ref[0]), 1e-13 * static_cast<double>(scale)) << i;
    EXPECT_NEAR(all.ay[i], static_cast<double>(ref[1]), 1e-13 * static_cast<double>(scale)) << i;
    EXPECT_NEAR(all.az[i], static_cast<double>(ref[2]), 1e-13 * static_cast<double>(scale)) << i;
    EXPECT_NEAR(all.phi[i], static_cast<double>(ref[3]), 1e-14 * std::fabs(static_cast<double>(ref[3])));
  }
  for (std::size_t first : {0u, 4080u, 8190u}) {
    const Result piece = evaluate(s, 1.0, eps, 1, first, 33);
    for (std::size_t k = 0; k < 33; ++k) {
      ASSERT_EQ(piece.ax[k], all.ax[first + k]);
      ASSERT_EQ(piece.ay[k], all.ay[first + k]);
      ASSERT_EQ(piece.az[k], all.az[first + k]);
      ASSERT_EQ(piece.phi[k], all.phi[first + k]);
    }
  }
}

// The lanes that start from a float reciprocal square root estimate are only as good as the
// estimate's worst error, which sits at particular float mantissas. Here every lane sees r^2
// on a grid finer than the estimate's table over [1, 4) (its relative error repeats with
// every factor of 4), scaled to other binades, along one axis so that r^2 = dx^2 is rounded
// once. The limit is the same 6 ulp as above.
TEST(NbodyGravity, EveryLaneAccurateOverEveryEstimateMantissa) {
  const std::size_t n = Sources::source_block;
  constexpr int kSteps = 3 * 4096;  // r^2 in [1, 4) by 2^-12
  Uniform uniform{99};
  double worst = 0;
  double worst_r2 = 0;
  Bodies b;
  b.resize(n);
  for (std::size_t k = 1; k < n; ++k) b.x[k] = 1e6 + static_cast<double>(k);  // massless
  b.m.assign(n, 0.0);
  b.m[0] = 1.0;
  for (std::size_t j = 1; j < n; ++j) {
    b.m[j] = 1.0;
    for (int step = 0; step < kSteps; ++step) {
      const double scale = std::ldexp(1.0, 2 * (static_cast<int>(uniform() * 40) - 20));
      const double r2 = (1.0 + (step + uniform()) * 0x1p-12) * scale;
      b.x[j] = std::sqrt(r2);
      Sources s(n);
      s.set_masses(b.m);
      std::copy(b.x.begin(), b.x.end(), s.x.begin());
      double ax = 0, ay = 0, az = 0;
      accelerations(s, 0, 1, 1.0, 0.0, {&ax, &ay, &az, nullptr}, 1);
      const long double dx = b.x[j];
      const long double want = 1.0L / (dx * dx);
      const double ulp = std::nextafter(static_cast<double>(want), INFINITY) - static_cast<double>(want);
      const double err = static_cast<double>(std::fabs(ax - want)) / ulp;
      if (err > worst) {
        worst = err;
        worst_r2 = r2;
      }
    }
    b.m[j] = 0.0;
    b.x[j] = 1e6 + static_cast<double>(j);
  }
  EXPECT_LE(worst, 6.0) << "worst force error in ulp, at r^2 = " << worst_r2;
  std::printf("worst error over every estimate mantissa: %.2f ulp (r^2 = %.17g)\n", worst, worst_r2);
}

// One interaction at a time, in every source lane of a block (the kernel sends some lanes
// through the divide/square-root unit and others through the refined float estimate): body 0
// at the origin, one unit mass at source index j, every other source massless. Each force and
// potential must be within a few ulp of the long-double value, over r from 1e-3 to 1e3.
// Forming r^2 in double alone costs up to ~2.3 ulp in r^-3 (and the products a few tenths
// more each), so 6 ulp for the force and 2 for the potential is "as accurate as double allows".
TEST(NbodyGravity, EveryLaneAccurateToAFewUlp) {
  const std::size_t n = Sources::source_block * 2;
  Uniform uniform{12345};
  double worst_force = 0;
  double worst_phi = 0;
  for (std::size_t j = 1; j < n; ++j) {
    for (int trial = 0; trial < 200; ++trial) {
      Bodies b;
      b.resize(n);
      for (std::size_t k = 1; k < n; ++k) b.x[k] = 1e6 + static_cast<double>(k);  // massless
      b.m.assign(n, 0.0);
      b.m[0] = 1.0;
      b.m[j] = 1.0;
      const double r = std::pow(10.0, -3.0 + 6.0 * uniform());
      b.x[j] = r * (2 * uniform() - 1);
      b.y[j] = r * (2 * uniform() - 1);
      b.z[j] = r * (2 * uniform() - 1);
      const double eps = trial % 2 == 0 ? 0.0 : 0.1 * r;
      const Result got = evaluate(sources_of(b), 1.0, eps, 1, 0, 1);
      const long double dx = b.x[j], dy = b.y[j], dz = b.z[j];
      const long double r2 = dx * dx + dy * dy + dz * dz + static_cast<long double>(eps) * eps;
      const long double inv = 1.0L / std::sqrt(r2);
      const long double want[3] = {dx * inv * inv * inv, dy * inv * inv * inv, dz * inv * inv * inv};
      const double have[3] = {got.ax[0], got.ay[0], got.az[0]};
      for (int k = 0; k < 3; ++k) {
        const double ulp = std::nextafter(std::fabs(static_cast<double>(want[k])), INFINITY) -
                           std::fabs(static_cast<double>(want[k]));
        worst_force = std::max(worst_force, static_cast<double>(std::fabs(have[k] - want[k])) / ulp);
      }
      const double phi_ulp = std::nextafter(static_cast<double>(inv), INFINITY) - static_cast<double>(inv);
      worst_phi = std::max(worst_phi, static_cast<double>(std::fabs(-got.phi[0] - inv)) / phi_ulp);
    }
  }
  EXPECT_LE(worst_force, 6.0) << "worst force error in ulp";
  EXPECT_LE(worst_phi, 2.0) << "worst potential error in ulp";
  std::printf("worst error over all lanes: force %.2f ulp, potential %.2f ulp\n", worst_force,
              worst_phi);
}

// Progress reports (for a long first force evaluation) come from the calling thread only,
// grow, end at the target count, and change no bit of the result.
TEST(NbodyGravity, ProgressCallbackReportsTargetsAndChangesNothing) {
  const Sources s = sources_of(plummer_sphere(1000, 9, 1.0));
  for (int threads : {1, 2}) {
    const Result plain = evaluate(s, 1.0, 0.01, threads);
    Result r;
    for (auto* v : {&r.ax, &r.ay, &r.az, &r.phi}) v->assign(s.size(), 0.0);
    std::vector<std::size_t> seen;
    const auto caller = std::this_thread::get_id();
    bool other_thread = false;
    accelerations(s, 0, s.size(), 1.0, 0.01, {r.ax.data(), r.ay.data(), r.az.data(), r.phi.data()},
                  threads, [&](std::size_t finished) {
                    other_thread = other_thread || std::this_thread::get_id() != caller;
                    seen.push_back(finished);
                  });
    EXPECT_FALSE(other_thread);
    // With 2 threads the calling thread may finish no chunk at all (dynamic schedule; on a
    // loaded machine the other thread can take all 32 while it waits to run), so no report.
    if (threads == 1) ASSERT_FALSE(seen.empty());
    EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
    if (!seen.empty()) EXPECT_LE(seen.back(), s.size());
    if (threads == 1) EXPECT_EQ(seen.back(), s.size());
    EXPECT_EQ(r.ax, plain.ax);
    EXPECT_EQ(r.ay, plain.ay);
    EXPECT_EQ(r.az, plain.az);
    EXPECT_EQ(r.phi, plain.phi);
  }
}
