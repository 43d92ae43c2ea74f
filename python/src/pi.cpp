// rankwise.pi: the midpoint series and Monte Carlo, as `rankwise pi` computes them.
#include <cstdint>
#include <span>
#include <vector>

#include "bindings.hpp"
#include "rankwise/parallel/block_range.hpp"
#include "rankwise/pi/montecarlo.hpp"
#include "rankwise/pi/series.hpp"

namespace rankwise::python {
namespace {

// pi_N: each rank sums its block of chunks, root adds the exact partial sums in rank order and
// broadcasts the total, as pi_driver.cpp does (the sums are integers: any split, same bits).
double series(std::uint64_t n, int threads, const parallel::Comm* comm) {
  const auto rank = static_cast<std::uint64_t>(comm != nullptr ? comm->rank() : 0);
  const auto size = static_cast<std::uint64_t>(comm != nullptr ? comm->size() : 1);
  const pi::ExactSum mine =
      pi::series_partial(n, parallel::block_range(pi::series_chunks(n), rank, size), threads);
  if (comm == nullptr) return pi::series_estimate(mine, n);
  const std::uint64_t words[2] = {mine.low_word(), mine.high_word()};
  const auto all = comm->gather(std::span<const std::uint64_t>(words, 2));
  std::vector<std::uint64_t> total_words(2, 0);
  if (comm->is_root()) {
    pi::ExactSum total;
    for (std::size_t r = 0; r < all.size() / 2; ++r) {
      total += pi::ExactSum::from_words(all[2 * r], all[2 * r + 1]);
    }
    total_words = {total.low_word(), total.high_word()};
  }
  comm->broadcast(total_words);
  return pi::series_estimate(pi::ExactSum::from_words(total_words[0], total_words[1]), n);
}

// Hits among samples [0, n): each rank counts its block, an integer sum over ranks.
std::uint64_t montecarlo(std::uint64_t n, std::uint64_t seed, int threads,
                         const parallel::Comm* comm) {
  const auto rank = static_cast<std::uint64_t>(comm != nullptr ? comm->rank() : 0);
  const auto size = static_cast<std::uint64_t>(comm != nullptr ? comm->size() : 1);
  const std::uint64_t mine =
      pi::montecarlo_hits(seed, parallel::block_range(n, rank, size), threads);
  return comm != nullptr ? comm->sum(mine) : mine;
}

}  // namespace

void bind_pi(py::module_& m) {
  m.def(
      "pi_series",
      [](std::uint64_t n, std::optional<int> threads, std::optional<int> comm_handle) {
        if (n < 1 || n > pi::series_max_terms) {
          throw py::value_error("n: the number of terms must be between 1 and 2^52, got " +
                                std::to_string(n));
        }
        const int t = threads_or_default(threads);
        py::gil_scoped_release release;  // kernels and MPI run without the GIL
        const auto comm = comm_from_handle(comm_handle);
        return series(n, t, comm.get());
      },
      py::arg("n"), py::arg("threads") = py::none(), py::arg("comm_handle") = py::none(),
      "pi_N = 4/N sum_{i=1..N} 1/(1+((i-0.5)/N)^2), correctly rounded (rankwise pi --terms N).");
  m.def(
      "pi_montecarlo_hits",
      [](std::uint64_t samples, std::uint64_t seed, std::optional<int> threads,
         std::optional<int> comm_handle) {
        if (samples < 1) throw py::value_error("samples: must be at least 1");
        const int t = threads_or_default(threads);
        py::gil_scoped_release release;
        const auto comm = comm_from_handle(comm_handle);
        return montecarlo(samples, seed, t, comm.get());
      },
      py::arg("samples"), py::arg("seed"), py::arg("threads") = py::none(),
      py::arg("comm_handle") = py::none(),
      "Samples among [0, samples) inside the quarter circle (rankwise pi --method montecarlo).");
  m.def(
      "pi_montecarlo_estimate",
      [](std::uint64_t hits, std::uint64_t samples) {
        const auto e = pi::montecarlo_estimate(hits, samples);
        return py::make_tuple(e.estimate, e.std_error);
      },
      py::arg("hits"), py::arg("samples"), "(4 hits / samples, its standard error).");
}

}  // namespace rankwise::python
