// Per-core throughput of the pi kernels (one process, one thread), median of repeats, per CPU
// second (wall seconds before 2026-11-29; the same on a quiet machine):
//   series at full accuracy (SIMD chunk kernel + exact accumulation), terms/s
//   a plain scalar C loop (naive double sum, for scale), terms/s
//   Monte Carlo (vectorised Philox4x32-10), samples/s
// Usage: bench_pi_kernels [series_terms=2e9] [mc_samples=4e8] [repeats=5]
// BENCH_TARGET=AVX2 (or SSE4, ...) measures that Highway target on a CPU that has better ones.
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <hwy/targets.h>

#include "bench_support.hpp"
#include "rankwise/pi/montecarlo.hpp"
#include "rankwise/pi/series.hpp"
#include "rankwise/simd/target.hpp"
#include "rankwise/timing/phase_timer.hpp"

using namespace rankwise;

namespace {
using bench::cpu_now;

template <class F>
double median_seconds(int repeats, F&& f) {
  std::vector<double> t;
  for (int r = 0; r < repeats; ++r) {
    const double t0 = cpu_now();
    f();
    t.push_back(cpu_now() - t0);
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

#if defined(__clang__)
#define BENCH_NOINLINE __attribute__((noinline))  // clang has no noipa
#else
#define BENCH_NOINLINE __attribute__((noipa))
#endif

// The loop a C programmer writes first: one accumulator, one division per term.
BENCH_NOINLINE double scalar_loop(std::uint64_t n) {
  // A side effect, so that clang cannot treat the call as pure and hoist it out of the timing.
  asm volatile("" ::: "memory");
  const double h = 1.0 / static_cast<double>(n);
  double sum = 0.0;
  for (std::uint64_t i = 1; i <= n; ++i) {
    const double x = (static_cast<double>(i) - 0.5) * h;
    sum += 1.0 / (1.0 + x * x);
  }
  return 4.0 * sum * h;
}
}  // namespace

int main(int argc, char** argv) {
  const auto terms = static_cast<std::uint64_t>(argc > 1 ? std::atof(argv[1]) : 2e9);
  const auto samples = static_cast<std::uint64_t>(argc > 2 ? std::atof(argv[2]) : 4e8);
  const int repeats = argc > 3 ? std::atoi(argv[3]) : 5;
  bench::select_target("bench_pi_kernels");
  std::printf("simd_target %s\n", simd::dispatched_target().c_str());

  double estimate = 0;
  const double ts = median_seconds(repeats, [&] {
    estimate = pi::series_estimate(pi::series_partial(terms, {0, pi::series_chunks(terms)}, 1), terms);
  });
  std::printf("series_full_accuracy  N=%.3g  %.3f G terms/s  (estimate %.17g)\n",
              static_cast<double>(terms), static_cast<double>(terms) / ts / 1e9, estimate);

  double naive = 0;
  const double tn = median_seconds(repeats, [&] { naive = scalar_loop(terms); });
  std::printf("scalar_c_loop         N=%.3g  %.3f G terms/s  (estimate %.17g, naive sum)\n",
              static_cast<double>(terms), static_cast<double>(terms) / tn / 1e9, naive);

  std::uint64_t hits = 0;
  const double tm = median_seconds(repeats, [&] { hits = pi::montecarlo_hits(1, {0, samples}, 1); });
  std::printf("montecarlo_philox     N=%.3g  %.3f G samples/s  (estimate %.6f, %llu hits)\n",
              static_cast<double>(samples), static_cast<double>(samples) / tm / 1e9,
              4.0 * static_cast<double>(hits) / static_cast<double>(samples),
              static_cast<unsigned long long>(hits));

  // The bits of the first chunk sums (hi, lo) of the series, to compare builds (compilers).
  std::uint64_t h = 14695981039346656037ull;
  const std::uint64_t chunks = std::min<std::uint64_t>(pi::series_chunks(terms), 4096);
  for (std::uint64_t c = 0; c < chunks; ++c) {
    double parts[2];
    pi::series_chunk_sum(terms, c, parts[0], parts[1]);
    for (double d : parts) {
      std::uint64_t bits;
      std::memcpy(&bits, &d, sizeof bits);
      for (int k = 0; k < 8; ++k) h = (h ^ ((bits >> (8 * k)) & 0xff)) * 1099511628211ull;
    }
  }
  std::printf("series_chunk_hash     N=%.3g  first %llu chunks  %016llx\n",
              static_cast<double>(terms), static_cast<unsigned long long>(chunks),
              static_cast<unsigned long long>(h));
  return 0;
}
