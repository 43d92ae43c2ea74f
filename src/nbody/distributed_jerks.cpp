// Partials per slab on each rank, reduced through window_sum.
#include "rankwise/nbody/distributed_jerks.hpp"

#include <algorithm>

#include "rankwise/nbody/window_sum.hpp"

namespace rankwise::nbody {

using timing::Phase;

namespace {

// The window sums of `partials` ([count][slabs][6], this process's slabs) into `limbs`
// ([count][6][limbs]) below the top exponents `exponents` ([count][6]).
void add_to_limbs(const std::vector<double>& partials, std::size_t count, std::size_t slabs,
                  const std::vector<double>& exponents, std::vector<double>& limbs) {
  constexpr std::size_t kC = jerk_components;
  limbs.assign(count * kC * window_sum::limbs, 0.0);
  for (std::size_t k = 0; k < count; ++k) {
    for (std::size_t c = 0; c < kC; ++c) {
      const double top = exponents[k * kC + c];
      if (top == window_sum::no_exponent || top >= window_sum::non_finite) continue;
      double* sum = limbs.data() + (k * kC + c) * window_sum::limbs;
      const window_sum::Scale scale = window_sum::scale_for(static_cast<int>(top));
      for (std::size_t s = 0; s < slabs; ++s) {
        window_sum::add(partials[(k * slabs + s) * kC + c], scale, sum);
      }
    }
  }
}

// The largest exponent of each (target, component) over this process's slabs.
std::vector<double> top_exponents(const std::vector<double>& partials, std::size_t count,
                                  std::size_t slabs) {
  constexpr std::size_t kC = jerk_components;
  std::vector<double> exponents(count * kC, window_sum::no_exponent);
  for (std::size_t k = 0; k < count; ++k) {
    for (std::size_t s = 0; s < slabs; ++s) {
      const double* p = partials.data() + (k * slabs + s) * kC;
      for (std::size_t c = 0; c < kC; ++c) {
        exponents[k * kC + c] = std::max(exponents[k * kC + c], window_sum::exponent(p[c]));
      }
    }
  }
  return exponents;
}

void totals(const std::vector<double>& limbs, const std::vector<double>& exponents, double G,
            std::span<double> out) {
  for (std::size_t i = 0; i < exponents.size(); ++i) {
    out[i] = G * window_sum::value(limbs.data() + i * window_sum::limbs, exponents[i]);
  }
}

}  // namespace

JerkFn local_jerks(Gravity gravity, int threads) {
  return [gravity, threads](const JerkSources& p, std::span<const std::uint32_t> active,
                            std::span<double> out) {
    const std::size_t slabs = p.slabs();
    std::vector<double> partials(active.size() * slabs * jerk_components);
    jerk_partials(p, active, 0, slabs, gravity.softening * gravity.softening, partials.data(),
                  threads);
    const std::vector<double> exponents = top_exponents(partials, active.size(), slabs);
    std::vector<double> limbs;
    add_to_limbs(partials, active.size(), slabs, exponents, limbs);
    totals(limbs, exponents, gravity.G, out);
  };
}

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
    exponents_ = top_exponents(partials_, count, own);
  }
  {
    auto scope = timer_.scope(Phase::communicate);
    if (comm_.size() > 1) exponents_ = comm_.max(std::span<const double>(exponents_));
  }
  {
    auto scope = timer_.scope(Phase::compute);
    add_to_limbs(partials_, count, own, exponents_, limbs_);
  }
  {
    auto scope = timer_.scope(Phase::communicate);
    if (comm_.size() > 1) limbs_ = comm_.sum(std::span<const double>(limbs_));
  }
  totals(limbs_, exponents_, gravity_.G, out);
}

}  // namespace rankwise::nbody
