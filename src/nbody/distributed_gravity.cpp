// All-gather of positions, then the kernel on this rank's rows.
#include "rankwise/nbody/distributed_gravity.hpp"

#include <algorithm>

namespace rankwise::nbody {

using timing::Phase;

DistributedGravity::DistributedGravity(const parallel::Comm& comm, std::span<const double> masses,
                                       Gravity gravity, int threads, timing::PhaseTimer& timer)
    : comm_(comm),
      gravity_(gravity),
      threads_(threads),
      timer_(timer),
      own_(parallel::block_range(masses.size(), static_cast<std::uint64_t>(comm.rank()),
                                 static_cast<std::uint64_t>(comm.size()))),
      own_masses_(masses.begin() + static_cast<std::ptrdiff_t>(own_.begin),
                  masses.begin() + static_cast<std::ptrdiff_t>(own_.end)),
      sources_(masses.size()) {
  sources_.set_masses(masses);
  for (double m : masses) total_mass_ += m;  // index order: the same on every rank
  for (int r = 0; r < comm.size(); ++r) {
    const auto part = parallel::block_range(masses.size(), static_cast<std::uint64_t>(r),
                                            static_cast<std::uint64_t>(comm.size()));
    counts_.push_back(static_cast<int>(part.size()));
    offsets_.push_back(static_cast<int>(part.begin));
  }
}

void DistributedGravity::evaluate(const Vec3s& pos, Vec3s& acc, double* phi) {
  {
    // Waiting for the slowest rank shows as idle, not as communication.
    auto scope = timer_.scope(Phase::idle);
    comm_.barrier();
  }
  {
    auto scope = timer_.scope(Phase::communicate);
    comm_.all_gather_v(pos.x, sources_.x, counts_, offsets_);
    comm_.all_gather_v(pos.y, sources_.y, counts_, offsets_);
    comm_.all_gather_v(pos.z, sources_.z, counts_, offsets_);
  }
  auto scope = timer_.scope(Phase::compute);
  acc.resize(own_.size());
  TargetsDone done;
  const double rows = static_cast<double>(own_.size());
  if (progress_ && rows * static_cast<double>(sources_.size()) > 1e8) {
    done = [&](std::size_t finished) { progress_(static_cast<double>(finished) / rows); };
  }
  accelerations(sources_, own_.begin, own_.size(), gravity_.G, gravity_.softening,
                {acc.x.data(), acc.y.data(), acc.z.data(), phi}, threads_, done);
  ++evaluations_;
}

Diagnostics DistributedGravity::diagnostics(const State& state) {
  const auto local = diagnostic_terms_of(state, own_masses_);
  std::vector<int> counts(counts_), offsets(offsets_);
  for (auto* v : {&counts, &offsets}) {
    for (int& c : *v) c *= static_cast<int>(diagnostic_terms);
  }
  std::vector<double> all(sources_.size() * diagnostic_terms);
  {
    auto scope = timer_.scope(Phase::communicate);
    comm_.all_gather_v(local, all, counts, offsets);
  }
  return sum_diagnostics(all, total_mass_);
}

}  // namespace rankwise::nbody
