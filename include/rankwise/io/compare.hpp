#pragma once
/// Comparison of the results of two output files, bit for bit (`rankwise rerun --check`).
#include <string>
#include <vector>

namespace rankwise::io {

/// One compared quantity (an attribute or a dataset) of two files.
struct Comparison {
  std::string path;    ///< "/pi/estimate" (attribute of /pi) or "/nbody/positions" (dataset)
  bool same = false;   ///< equal bit for bit (same type, shape and bytes)
  std::string detail;  ///< "identical (3 values)", "differs in 1 of 150 values: ..."
};

/// Compares the group `group` of the file `stored` with the same group of `fresh` (serial):
/// its attributes, its datasets and those of its sub-groups, recursively, except members and
/// attributes named in `skip` (timings, per-rank data, the options; "prefix*" skips every name
/// starting with prefix). Throws InputError if a
/// file cannot be read.
[[nodiscard]] std::vector<Comparison> compare_results(const std::string& stored,
                                                      const std::string& fresh,
                                                      const std::string& group,
                                                      const std::vector<std::string>& skip);

}  // namespace rankwise::io
