#pragma once
/// Pure block decomposition of n items over p parts (no MPI here).
#include <cstdint>
#include <cstddef>
#include <stdexcept>
#include <vector>

namespace rankwise::parallel {

/// A half-open index range [begin, end).
struct BlockRange {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
  /// Number of items in the range.
  [[nodiscard]] constexpr std::uint64_t size() const noexcept { return end - begin; }
  [[nodiscard]] constexpr bool empty() const noexcept { return end == begin; }
  friend constexpr bool operator==(const BlockRange&, const BlockRange&) = default;
};

/// Part `part` of `n` items split over `parts` parts: the first n % parts parts get one extra
/// item, so sizes differ by at most one; parts > n gives empty ranges at the end.
/// Valid for any n < 2^64 (no intermediate product overflows).
constexpr BlockRange block_range(std::uint64_t n, std::uint64_t part, std::uint64_t parts) {
  if (parts == 0 || part >= parts) throw std::invalid_argument("block_range: part out of range");
  const std::uint64_t base = n / parts;
  const std::uint64_t extra = n % parts;
  const std::uint64_t begin = part * base + (part < extra ? part : extra);
  const std::uint64_t size = base + (part < extra ? 1 : 0);
  return {begin, begin + size};
}

/// Items `r` of `v` (one rank's rows of an array every rank holds whole).
template <class T>
[[nodiscard]] std::vector<T> slice(const std::vector<T>& v, BlockRange r) {
  return std::vector<T>(v.begin() + static_cast<std::ptrdiff_t>(r.begin),
                        v.begin() + static_cast<std::ptrdiff_t>(r.end));
}

/// The part that owns item `index` under block_range(n, ·, parts).
constexpr std::uint64_t block_owner(std::uint64_t n, std::uint64_t index, std::uint64_t parts) {
  const std::uint64_t base = n / parts;
  const std::uint64_t extra = n % parts;
  const std::uint64_t split = extra * (base + 1);  // items held by the larger parts
  if (index < split) return index / (base + 1);
  return extra + (index - split) / base;
}

}  // namespace rankwise::parallel
