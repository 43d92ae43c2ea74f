// Sources and the threaded driver of the SIMD gravity kernel.
#include <omp.h>

#include <algorithm>

#include "rankwise/nbody/gravity.hpp"
#include "rankwise/parallel/block_range.hpp"

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
                   double softening, const Field& out, int threads) {
  const double eps2 = softening * softening;
  // Race-free: each thread writes only its own contiguous block of targets, and each target's
  // sum is computed entirely by that thread, so the split cannot change any result.
#pragma omp parallel num_threads(threads)
  {
    const auto part = parallel::block_range(count, static_cast<std::uint64_t>(omp_get_thread_num()),
                                            static_cast<std::uint64_t>(omp_get_num_threads()));
    if (!part.empty()) {
      gravity_targets(sources.x.data(), sources.y.data(), sources.z.data(), sources.m.data(),
                      sources.size(), first + part.begin, first + part.end, eps2,
                      out.ax + part.begin, out.ay + part.begin, out.az + part.begin,
                      out.phi != nullptr ? out.phi + part.begin : nullptr);
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
