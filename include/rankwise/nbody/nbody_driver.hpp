#pragma once
/// `rankwise nbody`: direct-summation gravity, HDF5 trajectory, checkpoint and restart.
#include <cstdint>
#include <optional>
#include <string>

#include "rankwise/driver/run.hpp"
#include "rankwise/nbody/bodies.hpp"
#include "rankwise/nbody/hermite.hpp"

namespace rankwise::nbody {

/// Where the initial state comes from.
enum class Source { uniform, plummer, file, restart, king };

/// Validated options of `rankwise nbody`.
struct NbodyOptions {
  Source source = Source::plummer;
  std::string path;                    ///< IC file (Source::file) or checkpoint (restart)
  std::uint64_t particles = 1000;      ///< generated ICs only
  std::uint64_t seed = 42;
  double w0 = 6.0;                     ///< Source::king: dimensionless central potential
  std::optional<std::int64_t> ic_frame;  ///< Source::file, an nbody output: frame (< 0: from end)
  std::string units = "nbody";         ///< unit system (nbody/units.hpp): labels and default G
  Gravity gravity;                     ///< ignored on restart (taken from the checkpoint)
  Integrator integrator = Integrator::leapfrog;
  double dt = 1e-3;                    ///< hermite: the snapshot interval (--snapshot-dt)
  std::uint64_t steps = 100;           ///< total steps; on restart the step to reach
                                       ///< (hermite: snapshot intervals)
  HermiteParams hermite;               ///< --integrator hermite only
  double t_end = 0;                    ///< --t-end (hermite); 0: not given
  std::uint64_t snapshot_every = 10;
  std::string checkpoint;              ///< empty: no checkpoints
  std::uint64_t checkpoint_every = 0;  ///< 0: only at the last step
  double checkpoint_walltime = 0;      ///< also checkpoint after this many seconds (0: off)
  /// --restart auto: continue from `checkpoint` if it exists (and take over the frames of the
  /// stopped run's output), else start from the ICs above.
  bool restart_auto = false;
  /// Physics options given on the command line (with --restart auto they must match the
  /// checkpoint's).
  bool given_dt = false, given_integrator = false, given_G = false, given_softening = false;
};

/// Where a run that stops without --checkpoint saves its state: "<output stem>.checkpoint.h5".
[[nodiscard]] std::string default_checkpoint(const std::string& output);

/// collective: run the driver; returns the process exit code.
[[nodiscard]] int run(const NbodyOptions& options, driver::Run& run);

}  // namespace rankwise::nbody
