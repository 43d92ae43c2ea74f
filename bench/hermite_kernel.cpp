// The Hermite kernel (acceleration + jerk per pair) against today's acceleration-only kernel,
// measured in alternating rounds in one process, 1 thread, CPU time; medians.
// Usage: bench_hermite_kernel [N=8192] [rounds=5]; BENCH_TARGET=AVX2 measures that target.
//
// The goal (issue #13): Hermite pairs/s >= 0.8 x acceleration pairs/s / (flops ratio). Flops
// per pair as written (sqrt and divide 1 each, FMA 2):
//   acceleration: d (3) + r^2 (6) + sqrt, divide (2) + m/r^3 (3) + sums (6)            = 20
//   Hermite:      d, dv (6) + r^2 (6) + 1/r^2, sqrt (2) + m r^-3 (2) + r.v (5)
//                 + 3 r.v / r^2 (2) + a sums (6) + j sums (12)                         = 41
// and in the customary GRAPE counting (Nitadori & Makino): 38 and 60.
#include <time.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <string>
#include <vector>

#include <hwy/targets.h>

#include "bench_support.hpp"
#include "rankwise/nbody/gravity.hpp"
#include "rankwise/nbody/hermite_kernel.hpp"
#include "rankwise/simd/target.hpp"

using namespace rankwise;

namespace {
using bench::cpu_now;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}
}  // namespace

int main(int argc, char** argv) {
  const std::size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 8192;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 5;
  bench::select_target("bench_hermite_kernel");
  std::uint64_t state = 12345;
  auto uniform = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<double>(state >> 11) * 0x1.0p-53;
  };
  nbody::Sources acc_sources(n);
  nbody::JerkSources jerk_sources(n);
  std::vector<double> mass(n, 1.0 / static_cast<double>(n));
  acc_sources.set_masses(mass);
  for (std::size_t i = 0; i < n; ++i) {
    acc_sources.x[i] = jerk_sources.x[i] = uniform();
    acc_sources.y[i] = jerk_sources.y[i] = uniform();
    acc_sources.z[i] = jerk_sources.z[i] = uniform();
    jerk_sources.vx[i] = uniform() - 0.5;
    jerk_sources.vy[i] = uniform() - 0.5;
    jerk_sources.vz[i] = uniform() - 0.5;
    jerk_sources.m[i] = mass[i];
  }
  std::vector<double> ax(n), ay(n), az(n);
  std::vector<std::uint32_t> targets(n);
  std::iota(targets.begin(), targets.end(), 0u);
  std::vector<double> partials(n * jerk_sources.slabs() * nbody::jerk_components);
  const double pairs = static_cast<double>(n) * static_cast<double>(n - 1);
  std::vector<double> acc_rate, jerk_rate;
  for (int r = 0; r < rounds + 1; ++r) {  // round 0 warms up
    double t0 = cpu_now();
    nbody::accelerations(acc_sources, 0, n, 1.0, 0.01, {ax.data(), ay.data(), az.data()}, 1);
    const double ta = cpu_now() - t0;
    t0 = cpu_now();
    nbody::jerk_partials(jerk_sources, targets, 0, jerk_sources.slabs(), 1e-4, partials.data(), 1);
    const double tj = cpu_now() - t0;
    if (r > 0) {
      acc_rate.push_back(pairs / ta);
      jerk_rate.push_back(pairs / tj);
    }
  }
  const double a = median(acc_rate), j = median(jerk_rate);
  std::printf("simd_target %s  N=%zu  1 thread, medians of %d alternating rounds (CPU time)\n",
              simd::dispatched_target().c_str(), n, rounds);
  std::printf("acceleration kernel  %.3f G pairs/s\n", a / 1e9);
  std::printf("hermite kernel       %.3f G pairs/s  (%.3f of the acceleration kernel)\n", j / 1e9,
              j / a);
  std::printf("goal 0.8 x acc / flops ratio: %.3f G (flops as written, 41/20), %.3f G (GRAPE "
              "counting, 60/38); hermite reaches %.2f and %.2f of them\n",
              0.8 * a / (41.0 / 20.0) / 1e9, 0.8 * a / (60.0 / 38.0) / 1e9,
              j / (0.8 * a / (41.0 / 20.0)), j / (0.8 * a / (60.0 / 38.0)));
  return 0;
}
