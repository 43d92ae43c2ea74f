// Memory budget: what a run needs against what each host has, agreed before allocating.
#include "rankwise/driver/memory.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include "rankwise/errors.hpp"

namespace rankwise::driver {
namespace {

// One number from a small text file ("max" or unreadable: nothing).
std::optional<std::uint64_t> read_number(const char* path) {
  std::ifstream in(path);
  std::string word;
  if (!(in >> word) || word == "max") return std::nullopt;
  return parse_bytes(word);
}

std::optional<std::uint64_t> mem_available() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  std::uint64_t kib = 0;
  std::string unit;
  while (in >> key >> kib >> unit) {
    if (key == "MemAvailable:") return kib * 1024;
  }
  return std::nullopt;
}

std::optional<std::uint64_t> cgroup_headroom() {
  // cgroup v2 first, then v1. Limits near 2^63 mean "unlimited" in v1.
  if (auto limit = read_number("/sys/fs/cgroup/memory.max")) {
    const auto used = read_number("/sys/fs/cgroup/memory.current").value_or(0);
    return *limit > used ? *limit - used : 0;
  }
  if (auto limit = read_number("/sys/fs/cgroup/memory/memory.limit_in_bytes")) {
    if (*limit >= (std::uint64_t{1} << 60)) return std::nullopt;
    const auto used = read_number("/sys/fs/cgroup/memory/memory.usage_in_bytes").value_or(0);
    return *limit > used ? *limit - used : 0;
  }
  return std::nullopt;
}

std::optional<std::uint64_t> limit_of(int resource) {
  struct rlimit r {};
  if (getrlimit(resource, &r) != 0 || r.rlim_cur == RLIM_INFINITY) return std::nullopt;
  return static_cast<std::uint64_t>(r.rlim_cur);
}

void take_min(std::optional<std::uint64_t>& acc, std::optional<std::uint64_t> v) {
  if (v) acc = acc ? std::min(*acc, *v) : *v;
}

}  // namespace

std::optional<std::uint64_t> parse_bytes(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || !std::isfinite(v) || v < 0) return std::nullopt;
  double scale = 1;
  const std::string suffix(end);
  if (suffix.empty() || suffix == "B") {
    scale = 1;
  } else if (suffix == "K" || suffix == "KiB") {
    scale = 1024.0;
  } else if (suffix == "M" || suffix == "MiB") {
    scale = 1024.0 * 1024;
  } else if (suffix == "G" || suffix == "GiB") {
    scale = 1024.0 * 1024 * 1024;
  } else if (suffix == "T" || suffix == "TiB") {
    scale = 1024.0 * 1024 * 1024 * 1024;
  } else {
    return std::nullopt;
  }
  const double bytes = v * scale;
  if (bytes >= 1.8e19) return std::nullopt;
  return static_cast<std::uint64_t>(bytes);
}

std::string format_bytes(double bytes) {
  const char* unit[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int k = 0;
  while (bytes >= 1024 && k < 6) {
    bytes /= 1024;
    ++k;
  }
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.3g %s", bytes, unit[k]);
  return buf;
}

std::optional<std::uint64_t> available_memory() {
  std::optional<std::uint64_t> out;
  take_min(out, mem_available());
  take_min(out, cgroup_headroom());
  take_min(out, limit_of(RLIMIT_AS));
  take_min(out, limit_of(RLIMIT_DATA));
  if (const char* env = std::getenv("RANKWISE_MEMORY_LIMIT")) take_min(out, parse_bytes(env));
  return out;
}

void check_memory(const parallel::Comm& comm, double bytes_needed, const std::string& what,
                  const std::string& hint) {
  const auto available = available_memory();
  // -1 encodes "unknown": that host is never refused.
  const double mine[2] = {bytes_needed, available ? static_cast<double>(*available) : -1.0};
  const auto all = comm.gather(std::span<const double>(mine, 2));
  const auto hosts = comm.gather(comm.host());
  comm.agreed([&] {
    if (!comm.is_root()) return;
    std::map<std::string, std::pair<double, double>> per_host;  // need, least available
    for (std::size_t r = 0; r < hosts.size(); ++r) {
      auto [it, fresh] = per_host.try_emplace(hosts[r], 0.0, all[2 * r + 1]);
      it->second.first += all[2 * r];
      if (!fresh && all[2 * r + 1] >= 0) {
        it->second.second = it->second.second < 0 ? all[2 * r + 1]
                                                  : std::min(it->second.second, all[2 * r + 1]);
      }
    }
    for (const auto& [host, budget] : per_host) {
      const auto [need, have] = budget;
      if (have >= 0 && need > have) {
        throw ResourceError("not enough memory for " + what + ": needs about " +
                            format_bytes(need) + " on host " + host + ", " + format_bytes(have) +
                            " available; " + hint);
      }
    }
  });
}

}  // namespace rankwise::driver
