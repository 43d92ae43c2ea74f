#pragma once
/// Areas of every record a rank holds (OpenMP threads over records).
#include <cstdint>
#include <vector>

#include "rankwise/polygons/polygon_set.hpp"

namespace rankwise::polygons {

/// Which areas to compute; automatic = geodesic for geographic data, planar for projected.
enum class AreaMode { automatic, geodesic, planar, both };

/// Per-record results, one entry per record held (NaN where an area was not requested).
struct Measurements {
  std::vector<double> area_m2;      ///< geodesic area, m²
  std::vector<double> area_planar;  ///< shoelace area, data units²
  std::vector<double> perimeter_m;  ///< geodesic perimeter, m
  std::vector<double> seconds;      ///< compute time of each record
  std::vector<std::uint64_t> vertices;
  std::vector<std::uint32_t> parts;
};

/// Results for `records` records, NaN areas and zero counts until measured.
[[nodiscard]] Measurements unmeasured(std::uint64_t records);

/// Fills entries [begin, end) of `out` (sized by unmeasured(set.records())) for those records
/// of `set`, with `threads` OpenMP threads. `mode` must be resolved (not automatic).
void measure_range(const PolygonSet& set, AreaMode mode, int threads, std::uint64_t begin,
                   std::uint64_t end, Measurements& out);

/// Areas of every record of `set` (unmeasured + measure_range over all records).
[[nodiscard]] Measurements measure(const PolygonSet& set, AreaMode mode, int threads);

}  // namespace rankwise::polygons
