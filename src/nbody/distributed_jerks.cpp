// Partials per slab on each rank, reduced through window_sum.
#include "rankwise/nbody/distributed_jerks.hpp"

#include <algorithm>

#include "rankwise/nbody/window_sum.hpp"

namespace rankwise::nbody {

using timing::Phase;

DistributedJerks::DistributedJerks(const parallel::Comm& comm, std::size_t n, Gravity gravity,
                                   int threads, timing::PhaseTimer& timer)
    : comm_(comm),
      gravity_(gravity),
      threads_(threads),
      timer_(timer),
      slabs_(parallel::block_range((n + JerkSources::slab - 1) / JerkSources::slab,
                                   static_cast<std::uint64_t>(comm.rank()),
                                   static_cast<std::uint64_t>(comm.size()))) {}

void DistributedJerks::evaluate(const JerkSources& predicted,
                                std::span<const std::uint32_t> active, std::span<double> out) {
  constexpr std::size_t kC = jerk_components;
  const std::size_t count = active.size();
  const std::size_t own = slabs_.size();
  {
    auto scope = timer_.scope(Phase::compute);
    partials_.resize(count * own * kC);
    if (own > 0) {
      jerk_partials(predicted, active, slabs_.begin, slabs_.end,
                    gravity_.softening * gravity_.softening, partials_.data(), threads_);
    }
    exponents_.assign(count * kC, window_sum::no_exponent);
    for (std::size_t k = 0; k < count; ++k) {
      for (std::size_t s = 0; s < own; ++s) {
        const double* p = partials_.data() + (k * own + s) * kC;
        for (std::size_t c = 0; c < kC; ++c) {
          exponents_[k * kC + c] = std::max(exponents_[k * kC + c], window_sum::exponent(p[c]));
        }
      }
    }
  }
  {
    auto scope = timer_.scope(Phase::communicate);
    if (comm_.size() > 1) exponents_ = comm_.max(std::span<const double>(exponents_));
  }
  {
    auto scope = timer_.scope(Phase::compute);
    limbs_.assign(count * kC * window_sum::limbs, 0.0);
    for (std::size_t k = 0; k < count; ++k) {
      for (std::size_t c = 0; c < kC; ++c) {
        const double top = exponents_[k * kC + c];
        if (top == window_sum::no_exponent || top >= window_sum::non_finite) continue;
        double* sum = limbs_.data() + (k * kC + c) * window_sum::limbs;
        for (std::size_t s = 0; s < own; ++s) {
          window_sum::add(partials_[(k * own + s) * kC + c], static_cast<int>(top), sum);
        }
      }
    }
  }
  {
    auto scope = timer_.scope(Phase::communicate);
    if (comm_.size() > 1) limbs_ = comm_.sum(std::span<const double>(limbs_));
  }
  for (std::size_t i = 0; i < count * kC; ++i) {
    out[i] = gravity_.G * window_sum::value(limbs_.data() + i * window_sum::limbs, exponents_[i]);
  }
}

}  // namespace rankwise::nbody
