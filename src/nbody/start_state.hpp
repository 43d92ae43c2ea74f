#pragma once
// Driver-private (src/nbody): the start state of `rankwise nbody` and this rank's rows of it.
#include <cstdint>
#include <string>

#include "rankwise/io/h5.hpp"
#include "rankwise/nbody/checkpoint.hpp"
#include "rankwise/nbody/hermite.hpp"
#include "rankwise/nbody/integrators.hpp"
#include "rankwise/nbody/nbody_driver.hpp"
#include "rankwise/parallel/block_range.hpp"
#include "rankwise/parallel/comm.hpp"

namespace rankwise::nbody::detail {

// How the initial state was made (the /nbody attributes ic, source, ic_frame, seed, w0).
struct Origin {
  std::string kind;          // uniform, plummer, king, file, csv, frame, restart
  std::int64_t frame = -1;   // kind frame: the frame taken
  std::string source;        // the --ic file (kinds file, csv, frame)
};

/// collective: refuse clearly before allocating if N particles cannot fit on a rank.
void check_fits(std::uint64_t n, const parallel::Comm& comm);

/// collective: the state to start from, identical on every rank; a hermite checkpoint turns
/// --t-end into snapshot intervals (o.steps).
[[nodiscard]] Checkpoint initial_state(NbodyOptions& o, const parallel::Comm& comm, Origin& origin);

/// collective: /nbody attributes saying how the initial state was made and in which units.
void describe(io::Group& g, const NbodyOptions& o, const Origin& origin);

/// This rank's rows of the start state.
[[nodiscard]] State own_state(const Checkpoint& c, parallel::BlockRange own);

/// This rank's rows of the Hermite system's positions and velocities.
void own_rows(const Hermite& h, parallel::BlockRange own, State& s);

}  // namespace rankwise::nbody::detail
