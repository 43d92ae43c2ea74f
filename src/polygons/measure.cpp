// The compute phase: one record per loop iteration, threads over records.
#include "rankwise/polygons/measure.hpp"

#include <limits>
#include <stdexcept>

#include "rankwise/polygons/area.hpp"
#include "rankwise/timing/phase_timer.hpp"

namespace rankwise::polygons {

Measurements measure(const PolygonSet& set, AreaMode mode, int threads) {
  if (mode == AreaMode::automatic) throw std::invalid_argument("measure: unresolved area mode");
  const std::uint64_t n = set.records();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Measurements m;
  m.area_m2.assign(n, nan);
  m.area_planar.assign(n, nan);
  m.perimeter_m.assign(n, nan);
  m.seconds.assign(n, 0.0);
  m.vertices.resize(n);
  m.parts.resize(n);
  const bool geodesic = mode == AreaMode::geodesic || mode == AreaMode::both;
  const bool planar = mode == AreaMode::planar || mode == AreaMode::both;
  const GeodesicArea geodesic_area;
  const auto records = static_cast<std::int64_t>(n);
  // Races: iteration r writes only entry r of each output vector (sized above), and reads
  // `set` and `geodesic_area`, which nobody writes; dynamic schedule because polygon sizes
  // vary by orders of magnitude (Canada vs Vatican). Each record is summed by one thread,
  // so results do not depend on the thread or rank count.
#pragma omp parallel for schedule(dynamic, 16) num_threads(threads)
  for (std::int64_t i = 0; i < records; ++i) {
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
  return m;
}

}  // namespace rankwise::polygons
