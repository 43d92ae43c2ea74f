#pragma once
/// How an output file was made: recorded as root attributes of every file, plus the run's
/// effective options as the attributes `option_<name>` of the driver's group.
#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "rankwise/io/h5.hpp"
#include "rankwise/parallel/comm.hpp"

namespace rankwise::io {

/// Layout version of output files (root attribute `rankwise_format`); `rankwise rerun` refuses
/// files with a larger one.
inline constexpr std::int64_t output_format = 1;

/// Stored options are the attributes "option_<name>" of the driver's group (beside the results,
/// so that the group still holds only result datasets).
inline constexpr const char* option_prefix = "option_";

/// A stored option value: signed or unsigned integer, real, text, or flag (uint8 0/1).
using OptionValue = std::variant<std::int64_t, std::uint64_t, double, std::string, bool>;

/// The effective options of one run (after defaults and --config), by option name with '-'
/// written '_' (`snapshot_every` for --snapshot-every), in the order they are stored.
struct RunOptions {
  std::string driver;  ///< "pi", "nbody", "polygons"
  std::vector<std::pair<std::string, OptionValue>> values;
  /// Adds or replaces `name`.
  void set(const std::string& name, OptionValue value);
  /// The value of `name`, or nullptr.
  [[nodiscard]] const OptionValue* find(const std::string& name) const;
};

/// How a run was asked for.
struct Invocation {
  std::string command_line;  ///< as typed (or, for a rerun, the command rebuilt from the file)
  std::string config_file;   ///< --config FILE as given (empty: none)
  std::string config_text;   ///< that file's text
  std::string rerun_of;      ///< absolute path of the file `rankwise rerun` repeats (or empty)
};

/// Name/value pairs describing the build and the run (also printed by `rankwise info`).
[[nodiscard]] std::vector<std::pair<std::string, std::string>> build_description();

/// collective: writes provenance attributes on `root` (format, version, git commit, command
/// line, --config file and text, UTC time, ranks, threads per rank, MPI/HDF5/Boost versions,
/// compiler, flags, SIMD target).
void write_provenance(Group& root, const parallel::Comm& comm, const Invocation& invocation,
                      int threads);

/// collective: the root attribute `driver` and `options` as typed attributes option_<name> of
/// the group /<driver> (which must exist).
void write_options(Group& root, const RunOptions& options);

/// The options stored in a file by write_options (serial; throws InputError if there are none
/// or one has a type rankwise does not store).
[[nodiscard]] RunOptions read_options(const Group& root);

/// Current UTC time as ISO 8601 ("2026-01-31T12:00:00Z").
[[nodiscard]] std::string utc_now();

}  // namespace rankwise::io
