// libFuzzer harness: the N-body HDF5 readers (initial conditions and checkpoints) on
// arbitrary files. Expected: rankwise::Error for bad files; a result that passes must hold
// what the readers promise (consistent sizes, finite values, masses >= 0).
// libhdf5 itself is not instrumented: a crash inside it is reported with a libhdf5 stack
// (see docs/reliability.md on how such findings are classified).
#include <cmath>
#include <cstdint>

#include "fuzz_input.hpp"
#include "rankwise/errors.hpp"
#include "rankwise/nbody/checkpoint.hpp"
#include "rankwise/nbody/initial_conditions.hpp"

namespace {
void check_bodies(const rankwise::nbody::Bodies& b) {
  const std::size_t n = b.size();
  for (const auto* v : {&b.x, &b.y, &b.z, &b.vx, &b.vy, &b.vz}) {
    if (v->size() != n) __builtin_trap();
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = rankwise::fuzz::scratch() + "/in.h5";
  rankwise::fuzz::write_file(path, data, size);
  try {
    const auto b = rankwise::nbody::read_initial_conditions(path);
    check_bodies(b);
    if (b.size() == 0) __builtin_trap();
    for (double m : b.m) {
      if (!(m >= 0) || !std::isfinite(m)) __builtin_trap();
    }
  } catch (const rankwise::Error&) {
  }
  try {
    const auto c = rankwise::nbody::read_checkpoint(path);
    check_bodies(c.bodies);
    if (!c.acc.x.empty() && c.acc.x.size() != c.bodies.size()) __builtin_trap();
  } catch (const rankwise::Error&) {
  }
  return 0;
}
