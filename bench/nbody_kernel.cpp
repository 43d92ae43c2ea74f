// Pair interactions per second of the gravity kernel on one rank: one thread (per CPU second)
// and all threads (per wall second).
// Usage: bench_nbody_kernel [N=16384] [repeats=3] [threads=OMP_NUM_THREADS or 1]
#include <omp.h>
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "rankwise/nbody/gravity.hpp"
#include "rankwise/simd/target.hpp"
#include "rankwise/timing/phase_timer.hpp"

using namespace rankwise;

namespace {
// CPU seconds of this process: on a shared machine wall time also counts time the scheduler
// gave to other processes; for one thread, CPU time is the time the kernel really ran.
double cpu_now() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

double best_rate(const nbody::Sources& s, int threads, int repeats, std::vector<double>& ax,
                 std::vector<double>& ay, std::vector<double>& az) {
  const std::size_t n = s.size();
  double best = 0;
  for (int r = 0; r < repeats; ++r) {
    const double t0 = threads == 1 ? cpu_now() : timing::now();
    nbody::accelerations(s, 0, n, 1.0, 0.01, {ax.data(), ay.data(), az.data()}, threads);
    const double t = (threads == 1 ? cpu_now() : timing::now()) - t0;
    best = std::max(best, static_cast<double>(n) * static_cast<double>(n - 1) / t);
  }
  return best;
}
}  // namespace

int main(int argc, char** argv) {
  const std::size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 16384;
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 3;
  const char* omp = std::getenv("OMP_NUM_THREADS");
  const int threads = argc > 3 ? std::atoi(argv[3]) : (omp ? std::atoi(omp) : 1);
  nbody::Sources s(n);
  std::vector<double> mass(n, 1.0 / static_cast<double>(n));
  s.set_masses(mass);
  std::uint64_t state = 12345;
  auto uniform = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<double>(state >> 11) * 0x1.0p-53;
  };
  for (std::size_t i = 0; i < n; ++i) {
    s.x[i] = uniform();
    s.y[i] = uniform();
    s.z[i] = uniform();
  }
  std::vector<double> ax(n), ay(n), az(n);
  best_rate(s, 1, 1, ax, ay, az);  // warm up
  const double one = best_rate(s, 1, repeats, ax, ay, az);
  std::printf("nbody kernel  N=%zu  target=%s  1 thread: %.3f G interactions/s per CPU second\n", n,
              simd::dispatched_target().c_str(), one / 1e9);
  if (threads > 1) {
    const double all = best_rate(s, threads, repeats, ax, ay, az);
    std::printf("nbody kernel  N=%zu  %d threads: %.3f G interactions/s (%.3f G per thread)\n", n,
                threads, all / 1e9, all / 1e9 / threads);
  }
  return 0;
}
