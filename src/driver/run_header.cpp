// The log header and the placement warning every driver prints at its start.
#include "rankwise/driver/run_header.hpp"

#include <algorithm>
#include <set>

namespace rankwise::driver {
namespace {
std::string plural(int n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}
}  // namespace

std::string log_header(const std::string& version, const std::string& commit,
                       const std::string& utc_time, int threads,
                       const std::vector<RankPlace>& ranks, const std::string& simd_target) {
  // Hosts in order of first appearance (rank order), at most three named.
  std::vector<std::string> hosts;
  std::set<std::string> seen;
  for (const auto& r : ranks) {
    if (seen.insert(r.host).second) hosts.push_back(r.host);
  }
  std::string names;
  for (std::size_t i = 0; i < std::min<std::size_t>(3, hosts.size()); ++i) {
    names += (i ? ", " : "") + hosts[i];
  }
  if (hosts.size() > 3) names += ", ...";
  return "rankwise " + version + " (git " + commit + "), started " + utc_time + "\n" +
         plural(static_cast<int>(ranks.size()), "rank", "ranks") + " x " +
         plural(threads, "thread", "threads") + " on " +
         plural(static_cast<int>(hosts.size()), "host", "hosts") + " (" + names + "), SIMD " +
         simd_target + "\n";
}

std::string oversubscription_warning(int threads, const std::vector<RankPlace>& ranks) {
  if (ranks.empty()) return {};
  const auto fewest = std::min_element(ranks.begin(), ranks.end(),
                                       [](const RankPlace& a, const RankPlace& b) {
                                         return a.cores < b.cores;
                                       });
  if (threads <= fewest->cores) return {};
  const int rank = static_cast<int>(fewest - ranks.begin());
  const std::string t = std::to_string(threads);
  return t + " OpenMP threads per rank, but rank " + std::to_string(rank) + " (on " +
         fewest->host + ") may use only " + plural(fewest->cores, "core", "cores") +
         ": its threads share them; give each rank " + t + " cores (mpiexec --map-by slot:PE=" +
         t + ", or --bind-to none; srun -c " + t + ") or use --threads " +
         std::to_string(fewest->cores);
}

}  // namespace rankwise::driver
