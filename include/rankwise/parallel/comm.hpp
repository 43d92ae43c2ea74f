#pragma once
/// The one parallel boundary: MPI environment and communicator behind plain C++ types.
/// Drivers talk to other ranks only through this header; kernels never see it.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "rankwise/errors.hpp"

namespace rankwise::parallel {

/// Owns MPI for the life of the process. Requests MPI_THREAD_FUNNELED (OpenMP threads
/// compute, only the main thread calls MPI) and throws if the library grants less.
class Environment {
 public:
  Environment(int& argc, char**& argv);
  ~Environment();
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;

  /// The MPI library's own version string (MPI_Get_library_version), first line.
  [[nodiscard]] static std::string library_version();
  /// MPI standard version, e.g. "3.1".
  [[nodiscard]] static std::string standard_version();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// A failure seen by one rank, before agreement.
struct LocalFailure {
  std::string message;
  ExitCode code = ExitCode::failure;
};

/// MPI_COMM_WORLD (or a duplicate) with the few collectives rankwise needs.
/// Every member marked "collective" must be called by every rank of the communicator.
class Comm {
 public:
  /// A duplicate of MPI_COMM_WORLD, so library traffic never mixes with a user's.
  Comm();
  /// An MPI communicator by its Fortran handle (MPI_Comm_c2f; mpi4py's `Comm.py2f()`), so a
  /// caller that owns MPI (the Python package) can hand one over without this header naming MPI.
  struct FortranHandle {
    int value = 0;
  };
  /// A duplicate of that communicator; MPI must already be initialised by the caller.
  explicit Comm(FortranHandle comm);
  ~Comm();
  Comm(const Comm&) = delete;
  Comm& operator=(const Comm&) = delete;

  [[nodiscard]] int rank() const noexcept;
  [[nodiscard]] int size() const noexcept;
  [[nodiscard]] bool is_root() const noexcept { return rank() == 0; }
  /// This rank's host name (MPI_Get_processor_name).
  [[nodiscard]] std::string host() const;

  /// collective: wait for every rank.
  void barrier() const;

  /// collective: if any rank passes a failure, every rank throws the same CollectiveError
  /// (message and exit code of the lowest failing rank). Otherwise returns on every rank.
  void agree(const std::optional<LocalFailure>& local) const;

  /// collective: run `f` on every rank, catch what it throws, agree, and rethrow the agreed
  /// error on all ranks. `f` must not itself call collectives that a throwing rank would skip.
  template <class F>
  auto agreed(F&& f) const -> std::invoke_result_t<F&>;

  /// Called by a rank that failed outside agreed(): waits up to `timeout_s` for every rank to
  /// report a failure too (on a separate communicator, so it cannot mismatch a pending
  /// collective). Returns the agreed failure (lowest failing rank's) if all ranks failed, or
  /// nothing if some rank is still busy; then the caller must abort().
  [[nodiscard]] std::optional<LocalFailure> fail_together(const LocalFailure& local,
                                                          double timeout_s) const;

  /// Ends every rank at once (MPI_Abort): the last resort for an error not agreed on.
  [[noreturn]] void abort(int code) const noexcept;

  /// collective: element-wise sum / max / min over ranks, result on every rank.
  [[nodiscard]] std::vector<double> sum(std::span<const double> local) const;
  [[nodiscard]] std::vector<double> max(std::span<const double> local) const;
  [[nodiscard]] double max(double local) const;
  [[nodiscard]] double min(double local) const;
  [[nodiscard]] std::uint64_t sum(std::uint64_t local) const;
  [[nodiscard]] std::uint64_t max(std::uint64_t local) const;
  /// collective: true on every rank if `local` is true on any rank.
  [[nodiscard]] bool any(bool local) const;

  /// collective: concatenation of every rank's equally sized `local` in rank order, on root
  /// (empty elsewhere).
  [[nodiscard]] std::vector<double> gather(std::span<const double> local, int root = 0) const;
  [[nodiscard]] std::vector<std::uint64_t> gather(std::span<const std::uint64_t> local,
                                                  int root = 0) const;
  /// collective: every rank's string, in rank order, on root (empty elsewhere).
  [[nodiscard]] std::vector<std::string> gather(const std::string& local, int root = 0) const;
  /// collective: every rank's values (any count) concatenated in rank order, on every rank.
  [[nodiscard]] std::vector<double> all_gather(std::span<const double> local) const;

  /// collective: root's value replaces everyone's.
  void broadcast(std::string& value, int root = 0) const;
  void broadcast(std::vector<double>& value, int root = 0) const;
  void broadcast(std::vector<std::uint64_t>& value, int root = 0) const;
  void broadcast(std::vector<char>& value, int root = 0) const;

  /// collective: global[offsets[r] .. offsets[r]+counts[r]) receives rank r's `local`
  /// (MPI_Allgatherv on native doubles; no serialization). counts/offsets in elements.
  void all_gather_v(std::span<const double> local, std::span<double> global,
                    std::span<const int> counts, std::span<const int> offsets) const;

  /// collective: rank r receives root's `blocks[r]` (bytes; any sizes). Empty input elsewhere.
  [[nodiscard]] std::vector<char> scatter_v(const std::vector<std::vector<char>>& blocks,
                                            int root = 0) const;
  /// collective: root receives every rank's bytes in rank order (empty elsewhere).
  [[nodiscard]] std::vector<std::vector<char>> gather_v(std::span<const char> local,
                                                        int root = 0) const;

  /// The implementation (Boost.MPI); only src/parallel and src/io use it.
  struct Impl;
  [[nodiscard]] const Impl& impl() const noexcept { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

template <class F>
auto Comm::agreed(F&& f) const -> std::invoke_result_t<F&> {
  using Result = std::invoke_result_t<F&>;
  std::optional<LocalFailure> failure;
  if constexpr (std::is_void_v<Result>) {
    try {
      f();
    } catch (const Error& e) {
      failure = LocalFailure{e.what(), e.code()};
    } catch (const std::exception& e) {
      failure = LocalFailure{e.what(), ExitCode::failure};
    }
    agree(failure);
  } else {
    std::optional<Result> result;
    try {
      result.emplace(f());
    } catch (const Error& e) {
      failure = LocalFailure{e.what(), e.code()};
    } catch (const std::exception& e) {
      failure = LocalFailure{e.what(), ExitCode::failure};
    }
    agree(failure);
    return std::move(*result);
  }
}

}  // namespace rankwise::parallel
