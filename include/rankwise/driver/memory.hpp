#pragma once
/// Memory budget checks: estimate what a run needs before allocating, refuse clearly if it
/// cannot fit (instead of std::bad_alloc, swapping, or the kernel's OOM killer mid-run).
#include <cstdint>
#include <optional>
#include <string>

#include "rankwise/parallel/comm.hpp"

namespace rankwise::driver {

/// Bytes this process may still allocate: the least of MemAvailable (/proc/meminfo), the
/// cgroup limit minus current usage (v2 or v1), RLIMIT_AS and RLIMIT_DATA, and the override
/// RANKWISE_MEMORY_LIMIT ("512M", "8G", "1e9"; a test hook and a site-policy knob).
/// nullopt when nothing is known (then no check refuses).
[[nodiscard]] std::optional<std::uint64_t> available_memory();

/// Parses "123", "1e9", "512K", "64M", "8G", "1T" (binary units). nullopt on bad text.
[[nodiscard]] std::optional<std::uint64_t> parse_bytes(const std::string& text);

/// "1.5 GiB".
[[nodiscard]] std::string format_bytes(double bytes);

/// collective: every rank passes the bytes it is about to need (ranks may differ, e.g. a
/// reading root). The needs of ranks sharing a host are added up and compared with what that
/// host has; if any host is short, every rank throws the same CollectiveError (ExitCode 1)
/// "not enough memory for <what>: needs ... on host ..., ... available; <hint>".
void check_memory(const parallel::Comm& comm, double bytes_needed, const std::string& what,
                  const std::string& hint);

}  // namespace rankwise::driver
