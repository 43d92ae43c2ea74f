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

parallel::BlockRange own_block(std::uint64_t n, const parallel::Comm* comm) {
  if (comm == nullptr) return {0, n};
  return parallel::block_range(n, static_cast<std::uint64_t>(comm->rank()),
                               static_cast<std::uint64_t>(comm->size()));
}

void check_same_size(std::uint64_t n, const parallel::Comm& comm, const std::string& what) {
  // Both reductions give every rank the same values, so every rank reaches the same verdict.
  const auto as_double = static_cast<double>(n);
  if (comm.max(as_double) != comm.min(as_double)) {
    throw py::value_error(what + ": every rank of comm must pass the same number of items");
  }
}

std::vector<double> all_blocks(std::span<const double> mine, std::uint64_t n,
                               const parallel::Comm& comm) {
  std::vector<int> counts;
  std::vector<int> offsets;
  for (int r = 0; r < comm.size(); ++r) {
    const auto part = parallel::block_range(n, static_cast<std::uint64_t>(r),
                                            static_cast<std::uint64_t>(comm.size()));
    counts.push_back(static_cast<int>(part.size()));
    offsets.push_back(static_cast<int>(part.begin));
  }
  std::vector<double> all(n);
  comm.all_gather_v(mine, all, counts, offsets);
  return all;
}

}  // namespace rankwise::python
