// Collectives behind rankwise::parallel::Comm (Boost.MPI; raw MPI where Boost lacks a call).
#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>
#include <mpi.h>

#include <time.h>

#include <algorithm>
#include <functional>
#include <numeric>

#include "comm_impl.hpp"
#include "rankwise/parallel/native.hpp"
#include "rankwise/process/shutdown.hpp"

namespace rankwise::parallel {
namespace mpi = boost::mpi;

namespace {
template <class T>
struct Max {
  T operator()(const T& a, const T& b) const { return a < b ? b : a; }
};
template <class T>
struct Min {
  T operator()(const T& a, const T& b) const { return b < a ? b : a; }
};
}  // namespace

Comm::Comm()
    : impl_(std::make_unique<Impl>(Impl{mpi::communicator(MPI_COMM_WORLD, mpi::comm_duplicate),
                                        mpi::communicator(MPI_COMM_WORLD, mpi::comm_duplicate)})) {}
Comm::Comm(FortranHandle comm)
    : impl_(std::make_unique<Impl>(
          Impl{mpi::communicator(MPI_Comm_f2c(comm.value), mpi::comm_duplicate),
               mpi::communicator(MPI_Comm_f2c(comm.value), mpi::comm_duplicate)})) {}
Comm::~Comm() = default;

int Comm::rank() const noexcept { return impl_->comm.rank(); }
int Comm::size() const noexcept { return impl_->comm.size(); }

std::string Comm::host() const {
  char name[MPI_MAX_PROCESSOR_NAME] = {};
  int length = 0;
  MPI_Get_processor_name(name, &length);
  return {name, static_cast<std::size_t>(length)};
}

void Comm::barrier() const { impl_->comm.barrier(); }

void Comm::agree(const std::optional<LocalFailure>& local) const {
  // One reduction finds the lowest failing rank; one broadcast carries its verdict.
  const int mine = local ? rank() : size();
  // A rank with a failure must not wait forever for peers that may be stuck in a collective
  // call this failure made them miss (a write that failed on one rank only).
  if (local) process::arm_deadline(60.0, local->message.c_str());
  const int first = mpi::all_reduce(impl_->comm, mine, mpi::minimum<int>());
  if (local) process::disarm_deadline();
  if (first == size()) return;
  std::string message = local ? local->message : std::string();
  int code = local ? static_cast<int>(local->code) : 0;
  mpi::broadcast(impl_->comm, message, first);
  mpi::broadcast(impl_->comm, code, first);
  throw CollectiveError(message, static_cast<ExitCode>(code));
}

std::optional<LocalFailure> Comm::fail_together(const LocalFailure& local, double timeout_s) const {
  int mine = rank();
  int first = 0;
  MPI_Request request = MPI_REQUEST_NULL;
  MPI_Iallreduce(&mine, &first, 1, MPI_INT, MPI_MIN, impl_->errors, &request);
  const double deadline = MPI_Wtime() + timeout_s;
  int done = 0;
  while (true) {
    MPI_Test(&request, &done, MPI_STATUS_IGNORE);
    if (done != 0) break;
    if (MPI_Wtime() > deadline) return std::nullopt;  // a rank is elsewhere: caller aborts
    timespec pause{0, 1'000'000};
    nanosleep(&pause, nullptr);
  }
  // Every rank failed: they all take the lowest failing rank's message.
  std::string message = local.message;
  int code = static_cast<int>(local.code);
  mpi::broadcast(impl_->errors, message, first);
  mpi::broadcast(impl_->errors, code, first);
  return LocalFailure{message, static_cast<ExitCode>(code)};
}

void Comm::abort(int code) const noexcept { MPI_Abort(impl_->comm, code); std::abort(); }

std::vector<double> Comm::sum(std::span<const double> local) const {
  std::vector<double> out(local.size());
  mpi::all_reduce(impl_->comm, local.data(), static_cast<int>(local.size()), out.data(),
                  std::plus<double>());
  return out;
}

std::vector<double> Comm::max(std::span<const double> local) const {
  std::vector<double> out(local.size());
  mpi::all_reduce(impl_->comm, local.data(), static_cast<int>(local.size()), out.data(),
                  mpi::maximum<double>());
  return out;
}

double Comm::max(double local) const {
  return mpi::all_reduce(impl_->comm, local, mpi::maximum<double>());
}
double Comm::min(double local) const {
  return mpi::all_reduce(impl_->comm, local, mpi::minimum<double>());
}
std::uint64_t Comm::sum(std::uint64_t local) const {
  return mpi::all_reduce(impl_->comm, local, std::plus<std::uint64_t>());
}
std::uint64_t Comm::max(std::uint64_t local) const {
  return mpi::all_reduce(impl_->comm, local, mpi::maximum<std::uint64_t>());
}
bool Comm::any(bool local) const {
  const int flag = local ? 1 : 0;
  return mpi::all_reduce(impl_->comm, flag, mpi::maximum<int>()) != 0;
}

std::vector<double> Comm::gather(std::span<const double> local, int root) const {
  std::vector<double> out;
  if (rank() == root) out.resize(local.size() * static_cast<std::size_t>(size()));
  mpi::gather(impl_->comm, local.data(), static_cast<int>(local.size()), out.data(), root);
  return out;
}

std::vector<std::uint64_t> Comm::gather(std::span<const std::uint64_t> local, int root) const {
  std::vector<std::uint64_t> out;
  if (rank() == root) out.resize(local.size() * static_cast<std::size_t>(size()));
  mpi::gather(impl_->comm, local.data(), static_cast<int>(local.size()), out.data(), root);
  return out;
}

std::vector<std::string> Comm::gather(const std::string& local, int root) const {
  std::vector<std::string> out;
  mpi::gather(impl_->comm, local, out, root);
  return out;
}

std::vector<double> Comm::all_gather(std::span<const double> local) const {
  const int n = static_cast<int>(local.size());
  std::vector<int> counts(static_cast<std::size_t>(size()));
  MPI_Allgather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, impl_->comm);
  std::vector<int> offsets(counts.size(), 0);
  std::exclusive_scan(counts.begin(), counts.end(), offsets.begin(), 0);
  std::vector<double> out(static_cast<std::size_t>(offsets.back() + counts.back()));
  all_gather_v(local, out, counts, offsets);
  return out;
}

void Comm::broadcast(std::string& value, int root) const { mpi::broadcast(impl_->comm, value, root); }
void Comm::broadcast(std::vector<double>& value, int root) const {
  std::uint64_t n = value.size();
  mpi::broadcast(impl_->comm, n, root);
  value.resize(n);
  MPI_Bcast(value.data(), static_cast<int>(n), MPI_DOUBLE, root, impl_->comm);
}
void Comm::broadcast(std::vector<std::uint64_t>& value, int root) const {
  std::uint64_t n = value.size();
  mpi::broadcast(impl_->comm, n, root);
  value.resize(n);
  MPI_Bcast(value.data(), static_cast<int>(n), MPI_UINT64_T, root, impl_->comm);
}
void Comm::broadcast(std::vector<char>& value, int root) const {
  std::uint64_t n = value.size();
  mpi::broadcast(impl_->comm, n, root);
  value.resize(n);
  MPI_Bcast(value.data(), static_cast<int>(n), MPI_CHAR, root, impl_->comm);
}

void Comm::all_gather_v(std::span<const double> local, std::span<double> global,
                        std::span<const int> counts, std::span<const int> offsets) const {
  MPI_Allgatherv(local.data(), static_cast<int>(local.size()), MPI_DOUBLE, global.data(),
                 counts.data(), offsets.data(), MPI_DOUBLE, impl_->comm);
}

std::vector<char> Comm::scatter_v(const std::vector<std::vector<char>>& blocks, int root) const {
  std::vector<int> counts;
  std::vector<int> offsets;
  std::vector<char> packed;
  if (rank() == root) {
    for (const auto& b : blocks) {
      offsets.push_back(static_cast<int>(packed.size()));
      counts.push_back(static_cast<int>(b.size()));
      packed.insert(packed.end(), b.begin(), b.end());
    }
  }
  int mine = 0;
  MPI_Scatter(counts.data(), 1, MPI_INT, &mine, 1, MPI_INT, root, impl_->comm);
  std::vector<char> out(static_cast<std::size_t>(mine));
  MPI_Scatterv(packed.data(), counts.data(), offsets.data(), MPI_CHAR, out.data(), mine, MPI_CHAR,
               root, impl_->comm);
  return out;
}

std::vector<std::vector<char>> Comm::gather_v(std::span<const char> local, int root) const {
  const int n = static_cast<int>(local.size());
  std::vector<int> counts(rank() == root ? static_cast<std::size_t>(size()) : 0);
  MPI_Gather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, root, impl_->comm);
  std::vector<int> offsets(counts.size(), 0);
  if (!counts.empty()) std::exclusive_scan(counts.begin(), counts.end(), offsets.begin(), 0);
  std::vector<char> packed(counts.empty() ? 0
                                          : static_cast<std::size_t>(offsets.back() + counts.back()));
  MPI_Gatherv(local.data(), n, MPI_CHAR, packed.data(), counts.data(), offsets.data(), MPI_CHAR,
              root, impl_->comm);
  std::vector<std::vector<char>> out;
  for (std::size_t r = 0; r < counts.size(); ++r) {
    const auto* begin = packed.data() + offsets[r];
    out.emplace_back(begin, begin + counts[r]);
  }
  return out;
}

MPI_Comm native_handle(const Comm& comm) noexcept { return comm.impl().comm; }

}  // namespace rankwise::parallel
