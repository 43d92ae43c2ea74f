// The Hermite pieces without MPI: the order-independent window sum, the jerk kernel against
// long double, thread and slab invariance, and block-step integration of a Kepler orbit.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <random>
#include <vector>

#include <hwy/targets.h>

#include "rankwise/nbody/distributed_jerks.hpp"
#include "rankwise/nbody/hermite.hpp"
#include "rankwise/nbody/hermite_kernel.hpp"
#include "rankwise/nbody/window_sum.hpp"

using namespace rankwise::nbody;

namespace {

// Sum `terms` split into groups at `cuts`: each group as one "rank" adds into its own limbs,
// then the limbs are added (as MPI_SUM would).
double grouped_sum(const std::vector<double>& terms, const std::vector<std::size_t>& cuts) {
  double top = window_sum::no_exponent;
  for (double t : terms) top = std::max(top, window_sum::exponent(t));
  std::vector<double> total(window_sum::limbs, 0.0);
  std::size_t begin = 0;
  for (std::size_t g = 0; g <= cuts.size(); ++g) {
    const std::size_t end = g < cuts.size() ? cuts[g] : terms.size();
    std::vector<double> part(window_sum::limbs, 0.0);
    for (std::size_t i = begin; i < end; ++i) window_sum::add(terms[i], static_cast<int>(top), part.data());
    for (std::size_t k = 0; k < window_sum::limbs; ++k) total[k] += part[k];
    begin = end;
  }
  return window_sum::value(total.data(), top);
}

}  // namespace

TEST(WindowSum, SameBitsForAnyOrderAndGroupingAndCloseToExact) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(-1, 1);
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<double> terms(1 + rng() % 300);
    for (double& t : terms) t = u(rng) * std::ldexp(1.0, static_cast<int>(rng() % 40) - 20);
    const double reference = grouped_sum(terms, {});
    long double exact = 0;
    for (double t : terms) exact += t;
    long double scale = 0;
    for (double t : terms) scale = std::max(scale, static_cast<long double>(std::fabs(t)));
    // Truncation below 2^(top - 96) and one final rounding.
    EXPECT_LE(std::fabs(static_cast<long double>(reference) - exact),
              std::fabs(exact) * 0x1p-52L + scale * 0x1p-80L);
    for (int k = 0; k < 5; ++k) {
      std::shuffle(terms.begin(), terms.end(), rng);
      std::vector<std::size_t> cuts;
      for (std::size_t c = 1 + rng() % 7; c < terms.size(); c += 1 + rng() % 50) cuts.push_back(c);
      EXPECT_EQ(grouped_sum(terms, cuts), reference);
    }
  }
}

TEST(WindowSum, ZeroAndNonFiniteTerms) {
  EXPECT_EQ(grouped_sum({0.0, 0.0}, {1}), 0.0);
  EXPECT_EQ(grouped_sum({1.0, -1.0}, {1}), 0.0);
  EXPECT_TRUE(std::isnan(grouped_sum({1.0, INFINITY}, {1})));
  EXPECT_TRUE(std::isnan(grouped_sum({NAN, 2.0}, {})));
}

namespace {

JerkSources random_sources(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-1, 1);
  JerkSources s(n);
  for (std::size_t i = 0; i < n; ++i) {
    s.x[i] = u(rng), s.y[i] = u(rng), s.z[i] = u(rng);
    s.vx[i] = u(rng), s.vy[i] = u(rng), s.vz[i] = u(rng);
    s.m[i] = 0.5 + 0.5 * u(rng);
  }
  return s;
}

}  // namespace

// One source and one target per call: the pair's acceleration and jerk against long double.
// The jerk's v - 3 (r.v)/r^2 r cancels for radial motion, so its error is measured against
// the size of its terms, m (|v| + 3 |r.v| |r| / r^2) / r^3.
namespace {
void expect_every_lane_accurate(const char* target) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(-1, 1);
  double worst_a = 0, worst_j = 0;
  const std::size_t n = 2 * JerkSources::slab;
  for (std::size_t j = 1; j < n; j += 7) {
    for (int trial = 0; trial < 40; ++trial) {
      JerkSources s(n);
      for (std::size_t k = 1; k < n; ++k) s.x[k] = 1e6 + static_cast<double>(k);  // massless
      s.m[j] = 1.0;
      const double r = std::pow(10.0, -3.0 + 6.0 * (0.5 + 0.5 * u(rng)));
      s.x[j] = r * u(rng), s.y[j] = r * u(rng), s.z[j] = r * u(rng);
      s.vx[j] = u(rng), s.vy[j] = u(rng), s.vz[j] = u(rng);
      const double eps = trial % 2 == 0 ? 0.0 : 0.1 * r;
      const std::uint32_t target = 0;
      std::vector<double> out(2 * jerk_components);
      jerk_partials(s, {&target, 1}, 0, 2, eps * eps, out.data(), 1);
      const long double dx = s.x[j], dy = s.y[j], dz = s.z[j];
      const long double dvx = s.vx[j], dvy = s.vy[j], dvz = s.vz[j];
      const long double r2 = dx * dx + dy * dy + dz * dz + static_cast<long double>(eps) * eps;
      const long double inv = 1.0L / std::sqrt(r2);
      const long double inv3 = inv * inv * inv;
      const long double rv = dx * dvx + dy * dvy + dz * dvz;
      const long double want[6] = {dx * inv3, dy * inv3, dz * inv3,
                                   (dvx - 3 * rv / r2 * dx) * inv3,
                                   (dvy - 3 * rv / r2 * dy) * inv3,
                                   (dvz - 3 * rv / r2 * dz) * inv3};
      const long double vscale =
          (std::sqrt(dvx * dvx + dvy * dvy + dvz * dvz) +
           3 * std::fabs(rv) * std::sqrt(dx * dx + dy * dy + dz * dz) / r2) * inv3;
      for (int c = 0; c < 6; ++c) {
        const double have = out[c] + out[jerk_components + c];  // the slab without j is zero
        const double w = static_cast<double>(c < 3 ? std::fabs(want[c]) : vscale);
        const double ulp = std::nextafter(w, INFINITY) - w;
        const double err = static_cast<double>(std::fabs(have - want[c])) / ulp;
        (c < 3 ? worst_a : worst_j) = std::max(c < 3 ? worst_a : worst_j, err);
      }
    }
  }
  EXPECT_LE(worst_a, 6.0) << target << ": worst acceleration error in ulp";
  EXPECT_LE(worst_j, 6.0) << target << ": worst jerk error in ulp of its largest terms";
  std::printf("%s: worst error over all lanes: acceleration %.2f ulp, jerk %.2f ulp of its terms\n",
              target, worst_a, worst_j);
}
}  // namespace

// On every vector target this CPU runs (AVX-512 and AVX2 on a Zen 4/5).
TEST(HermiteKernel, EveryLaneAccurateToAFewUlp) {
  const std::int64_t supported = hwy::SupportedTargets();
  for (std::int64_t t : {std::int64_t{HWY_AVX3}, std::int64_t{HWY_AVX2}}) {  // FMA targets
    if ((supported & t) == 0) continue;
    hwy::SetSupportedTargetsForTest(t);
    expect_every_lane_accurate(hwy::TargetName(t));
  }
  hwy::SetSupportedTargetsForTest(0);  // back to what the CPU has
}

TEST(HermiteKernel, PartialsDoNotDependOnThreadsOrWhichSlabsACallCovers) {
  const std::size_t n = 3 * JerkSources::slab + 37;
  const JerkSources s = random_sources(n, 3);
  std::vector<std::uint32_t> targets(n);
  std::iota(targets.begin(), targets.end(), 0u);
  const std::size_t slabs = s.slabs();
  std::vector<double> all(n * slabs * jerk_components), threaded(all.size());
  jerk_partials(s, targets, 0, slabs, 1e-4, all.data(), 1);
  jerk_partials(s, targets, 0, slabs, 1e-4, threaded.data(), 2);
  EXPECT_EQ(all, threaded);
  // Slab 2 alone, as a rank owning only it would compute it.
  std::vector<double> one(n * jerk_components);
  jerk_partials(s, targets, 2, 3, 1e-4, one.data(), 2);
  for (std::size_t k = 0; k < n; ++k) {
    for (std::size_t c = 0; c < jerk_components; ++c) {
      ASSERT_EQ(one[k * jerk_components + c], all[(k * slabs + 2) * jerk_components + c]);
    }
  }
  for (double v : all) ASSERT_TRUE(std::isfinite(v));
}

namespace {

JerkFn serial_jerks(double G, double eps) { return local_jerks(Gravity{G, eps}, 1); }

Bodies kepler(double e) {  // a = 1, m1 = m2 = 1/2, G = 1: period 2 pi; start at apocentre
  Bodies b;
  b.resize(2);
  const double r = 1 + e, v = std::sqrt((1 - e) / (1 + e));
  b.m = {0.5, 0.5};
  b.x = {0.5 * r, -0.5 * r};
  b.vy = {0.5 * v, -0.5 * v};
  return b;
}

double kepler_energy(const Hermite& h) {
  const auto& p = h.positions();
  const auto& v = h.velocities();
  const double dx = p.x[0] - p.x[1], dy = p.y[0] - p.y[1], dz = p.z[0] - p.z[1];
  double k = 0;
  for (int i = 0; i < 2; ++i) k += 0.25 * (v.x[i] * v.x[i] + v.y[i] * v.y[i] + v.z[i] * v.z[i]);
  return k - 0.25 / std::sqrt(dx * dx + dy * dy + dz * dz);
}

}  // namespace

TEST(Hermite, KeplerOrbitKeepsEnergyAndStepsStayOnTheBlockGrid) {
  const Bodies b = kepler(0.9);
  HermiteParams p;
  p.eta = 0.002;
  p.eta_start = 0.001;
  p.dt_max = 0.25;
  Hermite h(b, 0.0, p, serial_jerks(1.0, 0.0));
  h.start();
  const double e0 = kepler_energy(h);
  double smallest = 1;
  for (int s = 1; s <= 64; ++s) {  // 16 time units: ~2.5 periods
    h.advance_to(0.25 * s);
    for (double dt : h.steps()) {
      ASSERT_TRUE(is_power_of_two(dt));
      ASSERT_EQ(std::fmod(h.time(), dt), 0.0);
      smallest = std::min(smallest, dt);
    }
  }
  EXPECT_EQ(h.time(), 16.0);
  std::printf("relative energy error after 16 time units: %.3g\n", std::fabs(kepler_energy(h) / e0 - 1));
  EXPECT_LT(std::fabs(kepler_energy(h) / e0 - 1), 3e-7);
  // Pericentre (r = 0.1) needs far smaller steps than apocentre (dt_max 0.25).
  EXPECT_LE(smallest, 0x1p-8);
  EXPECT_EQ(h.dt_min_hits(), 0u);
}

TEST(Hermite, SharedStepKeepsEveryParticleTogetherAndBlockStepsSaveWork) {
  // A tight binary inside a wide one: block steps let the outer pair take long steps.
  Bodies b;
  b.resize(4);
  b.m = {0.25, 0.25, 0.25, 0.25};
  b.x = {0.01, -0.01, 3.0, -3.0};
  b.vy = {1.77, -1.77, 0.2, -0.2};
  HermiteParams p;
  p.dt_max = 0.125;
  Hermite block(b, 0.0, p, serial_jerks(1.0, 0.0));
  p.shared = true;
  Hermite shared(b, 0.0, p, serial_jerks(1.0, 0.0));
  block.start();
  shared.start();
  block.advance_to(1.0);
  shared.advance_to(1.0);
  for (double dt : shared.steps()) EXPECT_EQ(dt, shared.steps()[0]);
  EXPECT_EQ(shared.particle_steps(), 4 * (shared.blocks() + 1));  // + the start
  EXPECT_LT(block.particle_steps(), shared.particle_steps() * 6 / 10);
  EXPECT_GT(block.steps()[2], block.steps()[0]);
}

TEST(Hermite, ResumingFromSavedStateGivesTheSameBits) {
  const Bodies b = kepler(0.5);
  HermiteParams p;
  p.dt_max = 0.5;
  Hermite whole(b, 0.0, p, serial_jerks(1.0, 0.0));
  whole.start();
  whole.advance_to(2.0);
  Hermite first(b, 0.0, p, serial_jerks(1.0, 0.0));
  first.start();
  first.advance_to(1.0);
  Bodies mid = b;
  mid.x = first.positions().x, mid.y = first.positions().y, mid.z = first.positions().z;
  mid.vx = first.velocities().x, mid.vy = first.velocities().y, mid.vz = first.velocities().z;
  Hermite second(mid, 1.0, p, serial_jerks(1.0, 0.0));
  second.resume(first.accelerations(), first.jerks(), first.steps());
  second.advance_to(2.0);
  EXPECT_EQ(second.positions().x, whole.positions().x);
  EXPECT_EQ(second.velocities().y, whole.velocities().y);
  EXPECT_EQ(second.steps(), whole.steps());
}
