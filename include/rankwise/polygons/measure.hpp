#pragma once
/// Areas of every record a rank holds (OpenMP threads over records).
#include <cstdint>
#include <functional>
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

class ShapefileReader;

/// What measure_file reports after each chunk.
struct ChunkDone {
  std::uint64_t records = 0;   ///< records measured so far
  double vertices = 0;         ///< vertices measured so far
  double read_seconds = 0;     ///< this chunk: reading and checking
  double compute_seconds = 0;  ///< this chunk: measuring
};

/// Records [first, first + count) of an opened shapefile, read in chunks of about 2^18
/// vertices into one reused set and measured chunk by chunk: memory the size of the records
/// is never touched (at 10 M vertices, faulting in and zeroing 160 MB of fresh memory cost
/// more than reading and measuring). Results to `out` (sized unmeasured(count)); the same
/// values as reading everything and calling measure_range. `done` is called after each chunk.
void measure_file(const ShapefileReader& file, std::uint64_t first, std::uint64_t count,
                  AreaMode mode, int threads, Measurements& out, MeasureWorkspace& workspace,
                  const std::function<void(const ChunkDone&)>& done = {});

/// Areas of every record of `set` (unmeasured + measure_range over all records).
[[nodiscard]] Measurements measure(const PolygonSet& set, AreaMode mode, int threads);

}  // namespace rankwise::polygons
