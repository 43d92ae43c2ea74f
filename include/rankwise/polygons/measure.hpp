#pragma once
/// Areas of every record a rank holds (OpenMP threads over records).
#include <cstdint>
#include <memory>
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

class EdgeCache;

/// What measure_range keeps from one call to the next: an edge cache per thread, so an edge
/// shared by records measured in different calls (e.g. progress slices) is still solved once.
/// Caches are made on first use, by the thread that uses them.
class MeasureWorkspace {
 public:
  explicit MeasureWorkspace(int threads);
  ~MeasureWorkspace();
  MeasureWorkspace(const MeasureWorkspace&) = delete;
  MeasureWorkspace& operator=(const MeasureWorkspace&) = delete;
  /// Thread `t`'s cache (0 <= t < threads); each thread must use only its own.
  [[nodiscard]] EdgeCache& cache(int t);
  [[nodiscard]] int threads() const noexcept { return static_cast<int>(caches_.size()); }

 private:
  std::vector<std::unique_ptr<EdgeCache>> caches_;
};

/// Results for `records` records, NaN areas and zero counts until measured.
[[nodiscard]] Measurements unmeasured(std::uint64_t records);

/// Fills entries [begin, end) of `out` (sized by unmeasured(set.records())) for those records
/// of `set`, with `threads` OpenMP threads. `mode` must be resolved (not automatic).
/// `workspace` (for at least `threads` threads) carries edge caches across calls; without
/// one, the call uses caches of its own. Results do not depend on it.
void measure_range(const PolygonSet& set, AreaMode mode, int threads, std::uint64_t begin,
                   std::uint64_t end, Measurements& out, MeasureWorkspace* workspace = nullptr);

/// Areas of every record of `set` (unmeasured + measure_range over all records).
[[nodiscard]] Measurements measure(const PolygonSet& set, AreaMode mode, int threads);

}  // namespace rankwise::polygons
