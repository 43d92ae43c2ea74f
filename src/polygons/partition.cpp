// Balanced contiguous partition by prefix sums of weights.
#include "rankwise/polygons/partition.hpp"

#include <algorithm>
#include <stdexcept>

namespace rankwise::polygons {

std::vector<std::uint64_t> partition(std::span<const std::uint64_t> vertices,
                                     std::uint64_t parts) {
  if (parts == 0) throw std::invalid_argument("partition: zero parts");
  const std::uint64_t n = vertices.size();
  std::vector<std::uint64_t> prefix(n + 1, 0);  // prefix[i] = weight of records [0, i)
  for (std::uint64_t i = 0; i < n; ++i) prefix[i + 1] = prefix[i] + vertices[i] + record_overhead;
  const auto total = static_cast<long double>(prefix[n]);
  std::vector<std::uint64_t> bounds(parts + 1, n);
  bounds[0] = 0;
  for (std::uint64_t p = 1; p < parts; ++p) {
    // First record whose end reaches the ideal cut; choose the nearer of the two candidate
    // cuts around it so a heavy record does not always land on the earlier part.
    const auto target = static_cast<std::uint64_t>(total * static_cast<long double>(p) /
                                                   static_cast<long double>(parts));
    auto it = std::lower_bound(prefix.begin(), prefix.end(), target);
    auto cut = static_cast<std::uint64_t>(it - prefix.begin());
    if (cut > 0 && cut <= n && target - prefix[cut - 1] < prefix[cut] - target) --cut;
    bounds[p] = std::clamp(cut, bounds[p - 1], n);
  }
  return bounds;
}

}  // namespace rankwise::polygons
