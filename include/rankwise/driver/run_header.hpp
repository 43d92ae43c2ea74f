#pragma once
/// What a run says before it starts: the log header and the warnings about its placement.
#include <string>
#include <vector>

namespace rankwise::driver {

/// Where one rank runs: its host and the cores it may use (its CPU binding).
struct RankPlace {
  std::string host;
  int cores = 1;
};

/// The two header lines of a run's log: version and git commit, start time (ISO 8601 UTC);
/// ranks x threads, hosts (count and the first few names), the SIMD target.
[[nodiscard]] std::string log_header(const std::string& version, const std::string& commit,
                                     const std::string& utc_time, int threads,
                                     const std::vector<RankPlace>& ranks,
                                     const std::string& simd_target);

/// A one-line warning if `threads` exceeds the cores some rank is bound to (the threads then
/// share cores and run slower than fewer would); empty otherwise.
[[nodiscard]] std::string oversubscription_warning(int threads,
                                                   const std::vector<RankPlace>& ranks);

}  // namespace rankwise::driver
