#pragma once
/// Direct-summation softened gravity over all sources, SIMD inner loop (no MPI here).
#include <cstddef>
#include <functional>
#include <span>
#include <vector>

#include "rankwise/simd/aligned.hpp"

namespace rankwise::nbody {

/// Sources of gravity: x, y, z, m of all N particles in global order, padded with zeros to a
/// multiple of source_block so the SIMD loop never reads past the end.
class Sources {
 public:
  /// Lanes of one block of sources: the kernel's choice of method per source and its
  /// summation order depend only on the source index, so the rounding of each particle's sum
  /// does not depend on ranks or threads. (Across machines it can: the float rsqrt estimate
  /// and the vector width differ.)
  static constexpr std::size_t source_block = 16;

  Sources() = default;
  /// Room for `n` particles (masses set by set_masses, positions by the caller).
  explicit Sources(std::size_t n);
  [[nodiscard]] std::size_t size() const noexcept { return n_; }
  /// Padded length of each array.
  [[nodiscard]] std::size_t padded() const noexcept { return x.size(); }
  void set_masses(std::span<const double> masses);

  /// Padded arrays, cache-line aligned (whole-vector loads); entries >= size() stay zero.
  simd::AlignedVector<double> x, y, z, m;

 private:
  std::size_t n_ = 0;
};

/// Output of one force evaluation for targets [first, first + count).
struct Field {
  double* ax;
  double* ay;
  double* az;
  double* phi = nullptr;  ///< potential per unit mass, -G sum m_j / sqrt(r^2 + eps^2); optional
};

/// Progress of one accelerations() call: targets finished so far (of `count`).
using TargetsDone = std::function<void(std::size_t finished)>;

/// Accelerations (and optionally potentials) of targets i in [first, first+count) from all
/// sources j != i, with Plummer softening eps: a_i = G sum m_j (x_j - x_i) / (r^2+eps^2)^1.5.
/// OpenMP over targets with `threads` threads; each target's sum is done by one thread in a
/// fixed order, so the bits do not depend on `threads` or on how targets are split.
/// `done`, if set, is called from the calling thread every few targets it finishes.
void accelerations(const Sources& sources, std::size_t first, std::size_t count, double G,
                   double softening, const Field& out, int threads,
                   const TargetsDone& done = {});

}  // namespace rankwise::nbody
