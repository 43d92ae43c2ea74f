// Threads and communicators as the CLI has them, from Python arguments.
#include <mpi.h>

#include <stdexcept>

#include "bindings.hpp"
#include "rankwise/cli/parse.hpp"

namespace rankwise::python {

int threads_or_default(std::optional<int> threads) {
  if (!threads) return cli::default_threads();
  if (*threads < 1 || *threads > 4096) {
    throw py::value_error("threads: must be between 1 and 4096, got " + std::to_string(*threads));
  }
  return *threads;
}

std::unique_ptr<parallel::Comm> comm_from_handle(std::optional<int> handle) {
  if (!handle) return nullptr;
  int initialized = 0;
  int finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  if (initialized == 0 || finalized != 0) {
    throw std::runtime_error("comm: MPI is not initialised (import mpi4py.MPI first)");
  }
  // The duplicate keeps rankwise's traffic apart from the caller's on the same communicator.
  return std::make_unique<parallel::Comm>(parallel::Comm::FortranHandle{*handle});
}

}  // namespace rankwise::python
