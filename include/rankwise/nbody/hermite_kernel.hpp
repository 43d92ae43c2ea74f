#pragma once
/// Accelerations and jerks for the Hermite integrator, summed per fixed slab of sources
/// (no MPI here). A slab's partial sum depends only on the slab and the target, never on
/// which rank or thread computes it: that is what lets distributed sums stay bitwise.
#include <cstddef>
#include <cstdint>
#include <span>

#include "rankwise/simd/aligned.hpp"

namespace rankwise::nbody {

/// Positions, velocities and masses of all N particles (predicted to one time), padded with
/// zeros to a whole number of slabs.
class JerkSources {
 public:
  /// Sources per slab: the unit of work and of summation. Fixed for all machines, ranks and
  /// threads (changing it changes the rounding of every sum).
  static constexpr std::size_t slab = 256;

  JerkSources() = default;
  explicit JerkSources(std::size_t n);
  [[nodiscard]] std::size_t size() const noexcept { return n_; }
  [[nodiscard]] std::size_t slabs() const noexcept { return (n_ + slab - 1) / slab; }

  simd::AlignedVector<double> x, y, z, vx, vy, vz, m;

 private:
  std::size_t n_ = 0;
};

/// Components of one partial: ax, ay, az, jx, jy, jz (without the factor G).
inline constexpr std::size_t jerk_components = 6;

/// For each target k (global index targets[k]) and each slab s in [slab_first, slab_last):
/// out[(k * (slab_last - slab_first) + (s - slab_first)) * 6 + c] = sum over sources j in the
/// slab, j != target, of m_j r/|r|^3 (c = 0..2) and m_j (v/|r|^3 - 3 (r.v) r/|r|^5) (c = 3..5),
/// r = x_j - x_i, v = v_j - v_i, |r|^2 softened by eps2. OpenMP over (target, slab) with
/// `threads` threads; the bits do not depend on `threads`.
void jerk_partials(const JerkSources& sources, std::span<const std::uint32_t> targets,
                   std::size_t slab_first, std::size_t slab_last, double eps2, double* out,
                   int threads);

}  // namespace rankwise::nbody
