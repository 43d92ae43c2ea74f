// The C++ side of bench/python/call_overhead.py: the tiny kernel calls rankwise.pi.series(16)
// and rankwise.nbody.accelerations (16 bodies) make, timed in a loop from C++ (no Python), so
// the difference is the binding's per-call overhead. Prints "name ns_per_call" lines.
#include <chrono>
#include <cstdio>
#include <vector>

#include "rankwise/nbody/gravity.hpp"
#include "rankwise/parallel/block_range.hpp"
#include "rankwise/pi/series.hpp"

namespace {

template <class F>
double ns_per_call(F&& f) {
  using clock = std::chrono::steady_clock;
  for (int i = 0; i < 1000; ++i) f();  // warm up
  double best = 1e300;
  for (int rep = 0; rep < 5; ++rep) {  // best of 5: the machine is shared
    const int calls = 100000;
    const auto t0 = clock::now();
    for (int i = 0; i < calls; ++i) f();
    const double ns = std::chrono::duration<double, std::nano>(clock::now() - t0).count() / calls;
    best = ns < best ? ns : best;
  }
  return best;
}

}  // namespace

int main() {
  using namespace rankwise;
  volatile double sink = 0;
  const std::uint64_t n = 16;
  std::printf("pi_series_16 %.1f\n", ns_per_call([&] {
                const auto s = pi::series_partial(n, parallel::block_range(pi::series_chunks(n), 0, 1), 1);
                sink = pi::series_estimate(s, n);
              }));
  // What the binding does per call: Sources from the masses and positions, then the kernel.
  const std::size_t bodies = 16;
  std::vector<double> x(bodies), y(bodies), z(bodies), m(bodies, 1.0), a(3 * bodies);
  for (std::size_t i = 0; i < bodies; ++i) {
    x[i] = 0.1 * static_cast<double>(i);
    y[i] = 0.05 * static_cast<double>(i * i % 7);
    z[i] = 0.02 * static_cast<double>(i * 3 % 5);
  }
  std::printf("nbody_accelerations_16 %.1f\n", ns_per_call([&] {
                nbody::Sources s(bodies);
                s.set_masses(m);
                std::copy(x.begin(), x.end(), s.x.begin());
                std::copy(y.begin(), y.end(), s.y.begin());
                std::copy(z.begin(), z.end(), s.z.begin());
                nbody::accelerations(s, 0, bodies, 1.0, 0.01,
                                     {a.data(), a.data() + bodies, a.data() + 2 * bodies}, 1);
                sink = a[0];
              }));
  return 0;
}
