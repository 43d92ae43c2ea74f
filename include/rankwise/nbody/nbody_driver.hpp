#pragma once
/// `rankwise nbody`: direct-summation gravity, HDF5 trajectory, checkpoint and restart.
#include <cstdint>
#include <string>

#include "rankwise/driver/run.hpp"
#include "rankwise/nbody/bodies.hpp"

namespace rankwise::nbody {

/// Where the initial state comes from.
enum class Source { uniform, plummer, file, restart };

/// Validated options of `rankwise nbody`.
struct NbodyOptions {
  Source source = Source::plummer;
  std::string path;                    ///< IC file (Source::file) or checkpoint (restart)
  std::uint64_t particles = 1000;      ///< generated ICs only
  std::uint64_t seed = 42;
  Gravity gravity;                     ///< ignored on restart (taken from the checkpoint)
  Integrator integrator = Integrator::leapfrog;
  double dt = 1e-3;
  std::uint64_t steps = 100;           ///< total steps; on restart the step to reach
  std::uint64_t snapshot_every = 10;
  std::string checkpoint;              ///< empty: no checkpoints
  std::uint64_t checkpoint_every = 0;  ///< 0: only at the last step
};

/// collective: run the driver; returns the process exit code.
[[nodiscard]] int run(const NbodyOptions& options, driver::Run& run);

}  // namespace rankwise::nbody
