// MPI start-up and shut-down through Boost.MPI.
#include <boost/mpi/environment.hpp>
#include <mpi.h>

#include <string>

#include "rankwise/parallel/comm.hpp"

namespace rankwise::parallel {

struct Environment::Impl {
  boost::mpi::environment env;
  Impl(int& argc, char**& argv)
      : env(argc, argv, boost::mpi::threading::funneled, /*abort_on_exception=*/false) {}
};

Environment::Environment(int& argc, char**& argv) : impl_(std::make_unique<Impl>(argc, argv)) {
  if (impl_->env.thread_level() < boost::mpi::threading::funneled) {
    throw Error(
        "the MPI library did not grant MPI_THREAD_FUNNELED, which OpenMP threads inside a "
        "rank need; use an MPI built with thread support");
  }
}

Environment::~Environment() = default;

std::string Environment::library_version() {
  char text[MPI_MAX_LIBRARY_VERSION_STRING] = {};
  int length = 0;
  MPI_Get_library_version(text, &length);
  std::string version(text, static_cast<std::size_t>(length));
  const auto eol = version.find_first_of("\r\n");
  if (eol != std::string::npos) version.resize(eol);
  while (!version.empty() && (version.back() == ' ' || version.back() == ',')) version.pop_back();
  return version;
}

std::string Environment::standard_version() {
  int major = 0;
  int minor = 0;
  MPI_Get_version(&major, &minor);
  return std::to_string(major) + "." + std::to_string(minor);
}

}  // namespace rankwise::parallel
