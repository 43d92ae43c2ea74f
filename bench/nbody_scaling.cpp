// Distributed force evaluations (all-gather + kernel) as the driver does them, for the
// strong-scaling figure: run under mpiexec with 1, 2, ... ranks at the same N.
// Usage: mpiexec -n K bench_nbody_scaling [N=32768] [evaluations=5] [threads=1]
#include <cstdio>
#include <cstdlib>

#include "rankwise/nbody/distributed_gravity.hpp"
#include "rankwise/nbody/initial_conditions.hpp"
#include "rankwise/parallel/comm.hpp"

using namespace rankwise;

int main(int argc, char** argv) {
  parallel::Environment environment(argc, argv);
  const parallel::Comm comm;
  const std::uint64_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 32768;
  const int evaluations = argc > 2 ? std::atoi(argv[2]) : 5;
  const int threads = argc > 3 ? std::atoi(argv[3]) : 1;
  const nbody::Bodies b = nbody::uniform_cube(n, 1);
  timing::PhaseTimer timer;
  nbody::DistributedGravity gravity(comm, b.m, nbody::Gravity{1.0, 0.01}, threads, timer);
  const auto own = gravity.own();
  const nbody::Bodies mine = b.rows(own.begin, own.end);
  const nbody::Vec3s pos{mine.x, mine.y, mine.z};
  nbody::Vec3s acc;
  gravity.evaluate(pos, acc, nullptr);  // warm up
  timer = timing::PhaseTimer();
  comm.barrier();
  const double t0 = timing::now();
  for (int e = 0; e < evaluations; ++e) gravity.evaluate(pos, acc, nullptr);
  comm.barrier();
  const double seconds = timing::now() - t0;
  const double compute = comm.max(timer.seconds(timing::Phase::compute));
  const double communicate = comm.max(timer.seconds(timing::Phase::communicate));
  const double idle = comm.max(timer.seconds(timing::Phase::idle));
  if (comm.is_root()) {
    const double rate = evaluations * static_cast<double>(n) * static_cast<double>(n - 1) / seconds;
    std::printf("nbody scaling  N=%llu  ranks=%d  threads=%d  %.3f s/evaluation  %.3f G "
                "interactions/s  (%.3f G per core)  max compute %.3f s  communicate %.4f s  "
                "idle %.3f s\n",
                static_cast<unsigned long long>(n), comm.size(), threads, seconds / evaluations,
                rate / 1e9, rate / 1e9 / (comm.size() * threads), compute, communicate, idle);
  }
  return 0;
}
