#pragma once
/// Continuing a stopped run (--restart auto): the frames its output already holds are taken
/// over, so that the final output equals an uninterrupted run's.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rankwise/nbody/diagnostics.hpp"
#include "rankwise/parallel/block_range.hpp"
#include "rankwise/parallel/comm.hpp"

namespace rankwise::nbody {

/// The part of a stopped run's output that a continued run keeps.
struct CarriedFrames {
  std::string path;               ///< the stopped run's output
  std::uint64_t first_step = 0;   ///< where its frame schedule starts
  std::uint64_t count = 0;        ///< frames taken over: the schedule's first `count`
  std::vector<double> time;
  std::vector<Diagnostics> diagnostics;
};

/// What the stopped output must agree with.
struct ResumeCheck {
  std::string output;             ///< path of the output (stopped run's and this run's)
  std::uint64_t particles = 0;
  std::uint64_t steps = 0;        ///< this run's --steps
  std::uint64_t snapshot_every = 0;
  std::uint64_t checkpoint_step = 0;
};

/// collective: if `check.output` is a stopped output (completed = 0) of the same run, the frames
/// it holds up to the checkpoint's step (agreed on every rank). Nothing if it is missing; an
/// InputError (agreed) if it belongs to another run.
[[nodiscard]] std::optional<CarriedFrames> stopped_output(const ResumeCheck& check,
                                                          const parallel::Comm& comm);

/// This rank's rows `own` of frame `frame` of a stopped output: positions and velocities as
/// [rows, 3] values.
void read_frame_rows(const std::string& path, std::uint64_t frame, parallel::BlockRange own,
                     std::vector<double>& positions, std::vector<double>& velocities);

/// collective: 1 if `path` is a complete output (completed = 1) whose last step is `steps`.
[[nodiscard]] bool complete_output(const std::string& path, std::uint64_t steps,
                                   const parallel::Comm& comm);

}  // namespace rankwise::nbody
