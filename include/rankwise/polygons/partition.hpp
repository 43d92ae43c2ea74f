#pragma once
/// Contiguous record ranges balanced by work (a pure function; no MPI).
#include <cstdint>
#include <span>
#include <vector>

namespace rankwise::polygons {

/// Per-record cost added to its vertex count, so many tiny polygons still spread out.
inline constexpr std::uint64_t record_overhead = 4;

/// Boundaries b[0..parts] (b[0] = 0, b[parts] = n) splitting records into `parts` contiguous
/// ranges [b[p], b[p+1]) of near-equal weight (vertices[r] + record_overhead). A range's
/// weight exceeds the ideal share by less than one record's weight; parts > n leaves the last
/// ranges empty. Throws std::invalid_argument if parts == 0.
[[nodiscard]] std::vector<std::uint64_t> partition(std::span<const std::uint64_t> vertices,
                                                   std::uint64_t parts);

}  // namespace rankwise::polygons
