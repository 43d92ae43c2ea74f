// Reports Highway's run-time dispatch choice.
#include "rankwise/simd/target.hpp"

#include <hwy/highway.h>
#include <hwy/targets.h>

namespace rankwise::simd {

std::string dispatched_target() {
  const std::int64_t usable = hwy::SupportedTargets() & HWY_TARGETS;
  if (usable == 0) return "none";
  return hwy::TargetName(usable & -usable);  // lowest bit = best target
}

std::string compiled_targets() {
  std::string out;
  for (std::int64_t t = HWY_TARGETS; t != 0; t &= t - 1) {
    if (!out.empty()) out += ' ';
    out += hwy::TargetName(t & -t);
  }
  return out;
}

}  // namespace rankwise::simd
