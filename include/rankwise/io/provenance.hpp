#pragma once
/// How an output file was made: recorded as root attributes of every file.
#include <string>
#include <utility>
#include <vector>

#include "rankwise/io/h5.hpp"
#include "rankwise/parallel/comm.hpp"

namespace rankwise::io {

/// Name/value pairs describing the build and the run (also printed by `rankwise info`).
[[nodiscard]] std::vector<std::pair<std::string, std::string>> build_description();

/// collective: writes provenance attributes on `root` (version, git commit, command line,
/// UTC time, ranks, threads per rank, MPI/HDF5/Boost versions, compiler, flags, SIMD target).
void write_provenance(Group& root, const parallel::Comm& comm, const std::string& command_line,
                      int threads);

/// Current UTC time as ISO 8601 ("2026-01-31T12:00:00Z").
[[nodiscard]] std::string utc_now();

}  // namespace rankwise::io
