// Provenance attributes for every output file.
#include "rankwise/io/provenance.hpp"

#include <boost/version.hpp>

#include <ctime>

#include "rankwise/build_info.hpp"
#include "rankwise/parallel/comm.hpp"
#include "rankwise/simd/target.hpp"

namespace rankwise::io {

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::vector<std::pair<std::string, std::string>> build_description() {
  std::string boost = BOOST_LIB_VERSION;
  for (char& c : boost) if (c == '_') c = '.';
  return {
      {"version", build::version},
      {"git_commit", build::git_commit},
      {"build_type", build::build_type},
      {"compiler", build::compiler},
      {"build_flags", build::flags},
      {"simd_target", simd::dispatched_target()},
      {"simd_compiled_targets", simd::compiled_targets()},
      {"mpi_library", parallel::Environment::library_version()},
      {"mpi_standard", parallel::Environment::standard_version()},
      {"hdf5_version", hdf5_version()},
      {"boost_version", boost},
  };
}

void write_provenance(Group& root, const parallel::Comm& comm, const std::string& command_line,
                      int threads) {
  // Root's clock decides the time so that every rank writes the same attribute value.
  std::string when = utc_now();
  comm.broadcast(when);
  for (const auto& [name, value] : build_description()) root.attribute(name, value);
  root.attribute("command_line", command_line);
  root.attribute("utc_time", when);
  root.attribute("mpi_ranks", comm.size());
  root.attribute("omp_threads_per_rank", threads);
}

}  // namespace rankwise::io
