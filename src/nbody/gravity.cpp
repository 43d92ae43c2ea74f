// Sources and the threaded driver of the SIMD gravity kernel.
#include <omp.h>

#include <algorithm>
#include <atomic>
#include <cstdint>

#include "rankwise/nbody/gravity.hpp"

namespace rankwise::nbody {

// Defined in gravity_kernel.cpp (Highway dynamic dispatch).
void gravity_targets(const double* x, const double* y, const double* z, const double* m,
                     std::size_t n, std::size_t first, std::size_t end, double eps2, double* ax,
                     double* ay, double* az, double* phi);

Sources::Sources(std::size_t n) : n_(n) {
  const std::size_t padded = (n + source_block - 1) / source_block * source_block;
  x.assign(padded, 0.0);
  y.assign(padded, 0.0);
  z.assign(padded, 0.0);
  m.assign(padded, 0.0);
}

void Sources::set_masses(std::span<const double> masses) {
  std::copy(masses.begin(), masses.end(), m.begin());
}

void accelerations(const Sources& sources, std::size_t first, std::size_t count, double G,
                   double softening, const Field& out, int threads, const TargetsDone& done) {
  const double eps2 = softening * softening;
  // Race-free: each chunk of targets is written by the one thread that computes it, and each
  // target's sum is computed entirely by that thread, so neither the thread count nor the
  // (dynamic) assignment of chunks can change any result. Dynamic: a core shared with
  // another process must not hold up the others.
  constexpr std::size_t kChunk = 32;
  const auto chunks = static_cast<std::int64_t>((count + kChunk - 1) / kChunk);
  // Progress: a relaxed counter of finished targets (one add per chunk of 32 targets x N
  // sources); only the calling thread (thread 0) reports it, so `done` needs no locking.
  std::atomic<std::size_t> finished{0};
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
  for (std::int64_t c = 0; c < chunks; ++c) {
    const std::size_t begin = static_cast<std::size_t>(c) * kChunk;
    const std::size_t end = std::min(count, begin + kChunk);
    gravity_targets(sources.x.data(), sources.y.data(), sources.z.data(), sources.m.data(),
                    sources.size(), first + begin, first + end, eps2, out.ax + begin,
                    out.ay + begin, out.az + begin, out.phi != nullptr ? out.phi + begin : nullptr);
    if (done) {
      const std::size_t total =
          finished.fetch_add(end - begin, std::memory_order_relaxed) + (end - begin);
      if (omp_get_thread_num() == 0) done(total);
    }
  }
  // The kernel sums m_j d/r^3 and m_j/r; G (and the sign of phi) applied once here.
  for (std::size_t i = 0; i < count; ++i) {
    out.ax[i] *= G;
    out.ay[i] *= G;
    out.az[i] *= G;
    if (out.phi != nullptr) out.phi[i] *= -G;
  }
}

}  // namespace rankwise::nbody
