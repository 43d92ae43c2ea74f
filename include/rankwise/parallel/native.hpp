#pragma once
/// The raw MPI communicator, for the HDF5 layer's file-access properties only.
#include <mpi.h>

#include "rankwise/parallel/comm.hpp"

namespace rankwise::parallel {

/// The MPI_Comm behind `comm` (borrowed; owned by Comm).
[[nodiscard]] MPI_Comm native_handle(const Comm& comm) noexcept;

}  // namespace rankwise::parallel
