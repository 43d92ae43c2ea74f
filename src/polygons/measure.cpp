// The compute phase: one record per loop iteration, threads over records.
#include "rankwise/polygons/measure.hpp"

#include <limits>
#include <stdexcept>

#include "rankwise/polygons/area.hpp"
#include "rankwise/timing/phase_timer.hpp"

namespace rankwise::polygons {

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

void measure_range(const PolygonSet& set, AreaMode mode, int threads, std::uint64_t begin,
                   std::uint64_t end, Measurements& m) {
  if (mode == AreaMode::automatic) throw std::invalid_argument("measure: unresolved area mode");
  if (begin > end || end > set.records() || m.seconds.size() != set.records()) {
    throw std::out_of_range("measure_range: bad range or result size");
  }
  const bool geodesic = mode == AreaMode::geodesic || mode == AreaMode::both;
  const bool planar = mode == AreaMode::planar || mode == AreaMode::both;
  const GeodesicArea geodesic_area;
  const auto first = static_cast<std::int64_t>(begin);
  const auto last = static_cast<std::int64_t>(end);
  // Races: iteration r writes only entry r of each output vector (sized beforehand), and reads
  // `set` and `geodesic_area`, which nobody writes; dynamic schedule because polygon sizes
  // vary by orders of magnitude (Canada vs Vatican). Each record is summed by one thread,
  // so results do not depend on the thread or rank count.
#pragma omp parallel for schedule(dynamic, 16) num_threads(threads)
  for (std::int64_t i = first; i < last; ++i) {
    const auto r = static_cast<std::uint64_t>(i);
    const double t0 = timing::now();
    if (geodesic) {
      const RecordArea a = geodesic_area.record(set, r);
      m.area_m2[r] = a.area;
      m.perimeter_m[r] = a.perimeter;
    }
    if (planar) m.area_planar[r] = planar_area(set, r).area;
    m.seconds[r] = timing::now() - t0;
    m.vertices[r] = set.record_vertices(r);
    m.parts[r] = static_cast<std::uint32_t>(set.end_ring(r) - set.first_ring(r));
  }
}

Measurements measure(const PolygonSet& set, AreaMode mode, int threads) {
  Measurements m = unmeasured(set.records());
  measure_range(set, mode, threads, 0, set.records(), m);
  return m;
}

}  // namespace rankwise::polygons
