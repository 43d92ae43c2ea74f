#pragma once
// What every benchmark here needs: CPU time and the BENCH_TARGET choice of Highway target.
#include <time.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <hwy/targets.h>

namespace rankwise::bench {

// CPU seconds of this process: for one thread, on a shared machine, the time the kernel really
// ran (wall time also counts what the scheduler gave to other jobs).
inline double cpu_now() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// BENCH_TARGET=AVX2 (or another Highway target name) makes the kernels dispatch to that target
// on a CPU that has better ones; a target this CPU lacks ends `program` with exit code 2.
inline void select_target(const char* program) {
  const char* want = std::getenv("BENCH_TARGET");
  if (want == nullptr) return;
  std::int64_t chosen = 0;
  for (std::int64_t t = hwy::SupportedTargets(); t != 0; t &= t - 1) {
    if (std::string(hwy::TargetName(t & -t)) == want) chosen = t & -t;
  }
  if (chosen == 0) {
    std::fprintf(stderr, "%s: BENCH_TARGET=%s is not supported here\n", program, want);
    std::exit(2);
  }
  hwy::SetSupportedTargetsForTest(chosen);
}

}  // namespace rankwise::bench
