// The compute phase: threads over blocks of consecutive records, timed per block.
#include "rankwise/polygons/measure.hpp"

#include <omp.h>

#include <algorithm>
#include <exception>
#include <limits>
#include <memory>
#include <numeric>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "rankwise/errors.hpp"
#include "rankwise/polygons/area.hpp"
#include "rankwise/polygons/shapefile.hpp"
#include "rankwise/timing/phase_timer.hpp"

namespace rankwise::polygons {
namespace {

// Records are timed in blocks of about this many vertices: two clock reads per 64-vertex
// polygon cost as much as its planar area. A record this large is a block of its own.
constexpr std::uint64_t block_vertices = 4096;

// Cost model of a record for sharing out a block's time: its vertices plus a fixed overhead
// per record (the same vertices + 4 that partition() balances).
double record_weight(std::uint64_t vertices) { return static_cast<double>(vertices) + 4.0; }

// A block's `seconds` shared out among its records [first, last) of `m` by weight: exact for a
// record alone in its block.
void share_block_time(Measurements& m, std::uint64_t first, std::uint64_t last, double seconds) {
  double weight = 0;
  for (std::uint64_t r = first; r < last; ++r) weight += record_weight(m.vertices[r]);
  for (std::uint64_t r = first; r < last; ++r) {
    m.seconds[r] = seconds / weight * record_weight(m.vertices[r]);
  }
}

// Block boundaries over records [begin, end): consecutive records until the block holds at
// least block_vertices vertices. Returns begin, ..., end.
std::vector<std::uint64_t> timing_blocks(const PolygonSet& set, std::uint64_t begin,
                                         std::uint64_t end) {
  std::vector<std::uint64_t> bounds{begin};
  std::uint64_t held = 0;
  for (std::uint64_t r = begin; r < end; ++r) {
    held += set.record_vertices(r) + 4;
    if (held >= block_vertices) {
      bounds.push_back(r + 1);
      held = 0;
    }
  }
  if (bounds.back() != end) bounds.push_back(end);
  return bounds;
}

}  // namespace

Measurements unmeasured(std::uint64_t records) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Measurements m;
  m.area_m2.assign(records, nan);
  m.area_planar.assign(records, nan);
  m.perimeter_m.assign(records, nan);
  m.seconds.assign(records, 0.0);
  m.vertices.assign(records, 0);
  m.parts.assign(records, 0);
  return m;
}

struct MeasureWorkspace::PerThread {
  EdgeCache cache;
  std::unique_ptr<Unprojector> unprojector;  // projected data only
  std::vector<double> x, y, lon, lat;        // one ring, densified and unprojected
};

MeasureWorkspace::MeasureWorkspace(int threads, GeodesicSetup setup)
    : setup_(std::move(setup)),
      area_(setup_.ellipsoid),
      per_thread_(static_cast<std::size_t>(std::max(1, threads))) {}

MeasureWorkspace::~MeasureWorkspace() = default;

RecordArea MeasureWorkspace::geodesic(const PolygonSet& set, std::uint64_t r, int t) {
  auto& slot = per_thread_.at(static_cast<std::size_t>(t));
  if (!slot) slot = std::make_unique<PerThread>();
  PerThread& p = *slot;
  if (setup_.projection.empty()) return area_.record(set, r, &p.cache);
  if (!p.unprojector) p.unprojector = std::make_unique<Unprojector>(setup_.projection, setup_.source);
  RecordArea sum;
  for (std::uint64_t k = set.first_ring(r); k < set.end_ring(r); ++k) {
    std::span<const double> x = set.ring_x(k);
    std::span<const double> y = set.ring_y(k);
    if (setup_.edges == EdgeKind::projected) {
      densify_ring(x, y, setup_.max_piece, p.x, p.y);
      x = p.x;
      y = p.y;
    }
    if (!p.unprojector->unproject(x, y, p.lon, p.lat)) {
      throw InputError(setup_.source + ": record " + std::to_string(set.first_record + r) +
                       " has a vertex PROJ cannot unproject (outside the projection's domain)");
    }
    const RecordArea ring = area_.ring(p.lon, p.lat, &p.cache);
    sum.area += ring.area;
    sum.perimeter += ring.perimeter;
  }
  sum.area = std::fabs(sum.area);
  return sum;
}

void measure_range(const PolygonSet& set, AreaMode mode, int threads, std::uint64_t begin,
                   std::uint64_t end, Measurements& m, MeasureWorkspace* workspace) {
  if (mode == AreaMode::automatic) throw std::invalid_argument("measure: unresolved area mode");
  if (begin > end || end > set.records() || m.seconds.size() != set.records()) {
    throw std::out_of_range("measure_range: bad range or result size");
  }
  const bool geodesic = mode == AreaMode::geodesic || mode == AreaMode::both;
  const bool planar = mode == AreaMode::planar || mode == AreaMode::both;
  std::optional<MeasureWorkspace> own;
  if (workspace == nullptr || workspace->threads() < threads) {
    workspace = &own.emplace(threads, workspace != nullptr ? workspace->setup() : GeodesicSetup{});
  }
  const std::vector<std::uint64_t> blocks = timing_blocks(set, begin, end);
  const auto block_count = static_cast<std::int64_t>(blocks.size()) - 1;
  // Races: block b writes only entries [blocks[b], blocks[b+1]) of each output vector (sized
  // beforehand), and reads `set` and the workspace's setup, which nobody writes; dynamic schedule
  // because polygon sizes vary by orders of magnitude (Canada vs Vatican). Each record is
  // summed by one thread, so results do not depend on the thread or rank count.
  // Each thread has its own edge cache (neighbouring records share edges); an edge's result
  // does not depend on whether it came from the cache, so neither do the areas.
  // Thread t touches only its own part of the workspace (made by t, on first use).
  // An error (a vertex PROJ cannot unproject) cannot leave the parallel region: the first is
  // kept and thrown after it.
  std::string error;
#pragma omp parallel num_threads(threads)
  {
    const int thread = omp_get_thread_num();
#pragma omp for schedule(dynamic, 1)
    for (std::int64_t b = 0; b < block_count; ++b) {
      const std::uint64_t first = blocks[static_cast<std::size_t>(b)];
      const std::uint64_t last = blocks[static_cast<std::size_t>(b) + 1];
      const double t0 = timing::now();
      for (std::uint64_t r = first; r < last; ++r) {
        if (geodesic) {
          try {
            const RecordArea a = workspace->geodesic(set, r, thread);
            m.area_m2[r] = a.area;
            m.perimeter_m[r] = a.perimeter;
          } catch (const std::exception& e) {
#pragma omp critical(rankwise_measure_error)
            if (error.empty()) error = e.what();
          }
        }
        if (planar) m.area_planar[r] = planar_area(set, r).area;
        m.vertices[r] = set.record_vertices(r);
        m.parts[r] = static_cast<std::uint32_t>(set.end_ring(r) - set.first_ring(r));
      }
      share_block_time(m, first, last, timing::now() - t0);
    }
  }
  if (!error.empty()) throw InputError(error);
}

namespace {

// Planar areas of records [b, e) of the file straight from the map (ShapefileReader::
// planar_areas), threads over blocks of about block_vertices vertices, each block timed as in
// measure_range. Entries go to `m` from index `at`. A failing record's exception is rethrown
// (as it was thrown) after every thread is done: the first block's in record order, whichever
// thread met it first.
void planar_chunk(const ShapefileReader& file, std::uint64_t b, std::uint64_t e, int threads,
                  Measurements& m, std::uint64_t at) {
  std::vector<std::uint64_t> blocks{b};
  while (blocks.back() < e) blocks.push_back(file.chunk_end(blocks.back(), e, 16 * block_vertices));
  const auto block_count = static_cast<std::int64_t>(blocks.size()) - 1;
  std::vector<std::exception_ptr> errors(blocks.size());
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
  for (std::int64_t k = 0; k < block_count; ++k) {
    const auto kk = static_cast<std::size_t>(k);
    const std::uint64_t first = blocks[kk];
    const std::uint64_t last = blocks[kk + 1];
    const std::size_t to = at + (first - b);
    const std::size_t n = last - first;
    const double t0 = timing::now();
    try {
      file.planar_areas(first, last, std::span(m.area_planar).subspan(to, n),
                        std::span(m.vertices).subspan(to, n), std::span(m.parts).subspan(to, n));
    } catch (...) {  // cannot leave the parallel region
      errors[kk] = std::current_exception();
      continue;
    }
    share_block_time(m, to, to + n, timing::now() - t0);
  }
  for (const std::exception_ptr& error : errors) {
    if (error) std::rethrow_exception(error);
  }
}

}  // namespace

void measure_file(const ShapefileReader& file, std::uint64_t first, std::uint64_t count,
                  AreaMode mode, int threads, Measurements& out, MeasureWorkspace& workspace,
                  const std::function<void(const ChunkDone&)>& done) {
  constexpr std::uint64_t chunk_bytes = std::uint64_t{16} << 18;  // about 2^18 vertices
  if (out.seconds.size() != count || first + count > file.records()) {
    throw std::out_of_range("measure_file: bad range or result size");
  }
  PolygonSet chunk;
  ChunkDone progress;
  for (std::uint64_t b = first; b < first + count;) {
    const std::uint64_t e = file.chunk_end(b, first + count, chunk_bytes);
    const double t0 = timing::now();
    const auto at = static_cast<std::ptrdiff_t>(b - first);
    double t1 = 0;
    if (mode == AreaMode::planar) {
      // Planar areas alone need no copy of the vertices: the sums are taken from the map as
      // the records are checked (one pass over the file's bytes; the copy cost as much as
      // the reading). "read" is faulting the pages in; parsing counts as compute.
      file.prefault(b, e);
      t1 = timing::now();
      planar_chunk(file, b, e, threads, out, static_cast<std::uint64_t>(at));
      progress.vertices += std::accumulate(out.vertices.begin() + at,
                                           out.vertices.begin() + at + static_cast<std::ptrdiff_t>(e - b), 0.0);
    } else {
      chunk.first_record = b;
      chunk.x.clear();  // capacity kept: the chunk's memory is reused, already faulted in
      chunk.y.clear();
      chunk.ring_start.assign(1, 0);
      chunk.record_start.assign(1, 0);
      file.read(b, e, chunk);
      t1 = timing::now();
      Measurements part = unmeasured(e - b);
      measure_range(chunk, mode, threads, 0, e - b, part, &workspace);
      std::copy(part.area_m2.begin(), part.area_m2.end(), out.area_m2.begin() + at);
      std::copy(part.area_planar.begin(), part.area_planar.end(), out.area_planar.begin() + at);
      std::copy(part.perimeter_m.begin(), part.perimeter_m.end(), out.perimeter_m.begin() + at);
      std::copy(part.seconds.begin(), part.seconds.end(), out.seconds.begin() + at);
      std::copy(part.vertices.begin(), part.vertices.end(), out.vertices.begin() + at);
      std::copy(part.parts.begin(), part.parts.end(), out.parts.begin() + at);
      progress.vertices += static_cast<double>(chunk.vertices());
    }
    progress.records = e - first;
    progress.read_seconds = t1 - t0;
    progress.compute_seconds = timing::now() - t1;
    if (done) done(progress);
    b = e;
  }
}

Measurements measure(const PolygonSet& set, AreaMode mode, int threads,
                     const GeodesicSetup& setup) {
  Measurements m = unmeasured(set.records());
  MeasureWorkspace workspace(threads, setup);
  measure_range(set, mode, threads, 0, set.records(), m, &workspace);
  return m;
}

}  // namespace rankwise::polygons
