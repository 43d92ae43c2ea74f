#pragma once
/// Areas of every record a rank holds (OpenMP threads over records).
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "rankwise/polygons/area.hpp"
#include "rankwise/polygons/polygon_set.hpp"
#include "rankwise/polygons/projection.hpp"

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

/// How geodesic areas are computed: on which ellipsoid, from which coordinates.
struct GeodesicSetup {
  Ellipsoid ellipsoid;     ///< lon/lat data: the CRS's; projected data: its base CRS's
  std::string projection;  ///< projected data: its CRS (WKT), unprojected by PROJ; "" for lon/lat
  std::string source;      ///< names the data in errors
  EdgeKind edges = EdgeKind::geodesic;
  double max_piece = 0;    ///< EdgeKind::projected: the longest piece of an edge, data units
};

/// What measure_range keeps from one call to the next: the geodesic setup and, per thread, an
/// edge cache (so an edge shared by records measured in different calls, e.g. progress
/// slices, is still solved once) and, for projected data, an unprojector and its buffers.
/// Per-thread parts are made on first use, by the thread that uses them.
class MeasureWorkspace {
 public:
  explicit MeasureWorkspace(int threads, GeodesicSetup setup = {});
  ~MeasureWorkspace();
  MeasureWorkspace(const MeasureWorkspace&) = delete;
  MeasureWorkspace& operator=(const MeasureWorkspace&) = delete;
  [[nodiscard]] int threads() const noexcept { return static_cast<int>(per_thread_.size()); }
  [[nodiscard]] const GeodesicSetup& setup() const noexcept { return setup_; }
  /// Geodesic area and perimeter of record `r` of `set` by thread `t` (0 <= t < threads; each
  /// thread must pass its own). Throws InputError if a vertex cannot be unprojected.
  [[nodiscard]] RecordArea geodesic(const PolygonSet& set, std::uint64_t r, int t);

 private:
  struct PerThread;
  GeodesicSetup setup_;
  GeodesicArea area_;
  std::vector<std::unique_ptr<PerThread>> per_thread_;
};

/// Results for `records` records, NaN areas and zero counts until measured.
[[nodiscard]] Measurements unmeasured(std::uint64_t records);

/// Fills entries [begin, end) of `out` (sized by unmeasured(set.records())) for those records
/// of `set`, with `threads` OpenMP threads. `mode` must be resolved (not automatic).
/// `workspace` (for at least `threads` threads) carries the geodesic setup and edge caches
/// across calls; without one, the call uses its own (WGS84 lon/lat). Results do not depend on
/// the caches. Throws InputError (after every thread is done) if a record cannot be measured.
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
[[nodiscard]] Measurements measure(const PolygonSet& set, AreaMode mode, int threads,
                                   const GeodesicSetup& setup = {});

}  // namespace rankwise::polygons
