#pragma once
// Shared by the pybind11 sources of rankwise._core: one bind_* per driver, and the few helpers
// they all use. The bindings own no algorithm: they call the functions the CLI drivers call.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>  // std::optional and containers, in every source alike

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "rankwise/parallel/block_range.hpp"
#include "rankwise/parallel/comm.hpp"

namespace rankwise::python {

namespace py = pybind11;

/// C-contiguous float64 arrays in; any other dtype or layout is converted (one copy) by pybind11.
using DoubleArray = py::array_t<double, py::array::c_style | py::array::forcecast>;
using IndexArray = py::array_t<std::uint64_t, py::array::c_style | py::array::forcecast>;

/// `threads` as given (>= 1), or the CLI's default (OMP_NUM_THREADS, else 1) when None.
[[nodiscard]] int threads_or_default(std::optional<int> threads);

/// A duplicate of the communicator with this Fortran handle (mpi4py's `Comm.py2f()`), or null
/// without one. Throws if MPI is not initialised (import mpi4py.MPI first).
[[nodiscard]] std::unique_ptr<parallel::Comm> comm_from_handle(std::optional<int> handle);

/// This rank's block [begin, end) of n items, as the CLI splits them (all of them without a
/// communicator).
[[nodiscard]] parallel::BlockRange own_block(std::uint64_t n, const parallel::Comm* comm);

/// collective: ValueError on every rank unless every rank passed the same `n` (the sizes of
/// the arrays each rank gave for `what`).
void check_same_size(std::uint64_t n, const parallel::Comm& comm, const std::string& what);

/// collective: the n values of which each rank holds its own_block in `mine`, in order, on
/// every rank.
[[nodiscard]] std::vector<double> all_blocks(std::span<const double> mine, std::uint64_t n,
                                             const parallel::Comm& comm);

/// Runs `f` (no collectives inside) on this rank; with a communicator, a failure on any rank
/// becomes the same error on every rank, so none waits in a collective for a failed one.
template <class F>
void on_every_rank(const parallel::Comm* comm, F&& f) {
  if (comm == nullptr) {
    f();
  } else {
    comm->agreed(f);
  }
}

void bind_pi(py::module_& m);
void bind_nbody(py::module_& m);
void bind_polygons(py::module_& m);

}  // namespace rankwise::python
