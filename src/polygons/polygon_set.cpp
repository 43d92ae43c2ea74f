// Flat polygon storage: building and slicing.
#include "rankwise/polygons/polygon_set.hpp"

#include <stdexcept>

namespace rankwise::polygons {

void PolygonSet::add_ring(std::span<const double> xs, std::span<const double> ys) {
  if (xs.size() != ys.size()) throw std::invalid_argument("add_ring: x and y sizes differ");
  x.insert(x.end(), xs.begin(), xs.end());
  y.insert(y.end(), ys.begin(), ys.end());
  ring_start.push_back(x.size());
}

PolygonSet PolygonSet::slice(std::uint64_t begin, std::uint64_t end) const {
  if (begin > end || end > records()) throw std::out_of_range("PolygonSet::slice: bad range");
  PolygonSet out;
  out.first_record = first_record + begin;
  const std::uint64_t ring0 = record_start[begin];
  const std::uint64_t ring1 = record_start[end];
  const std::uint64_t v0 = ring_start[ring0];
  const std::uint64_t v1 = ring_start[ring1];
  const auto d = [](std::uint64_t i) { return static_cast<std::ptrdiff_t>(i); };
  out.x.assign(x.begin() + d(v0), x.begin() + d(v1));
  out.y.assign(y.begin() + d(v0), y.begin() + d(v1));
  out.ring_start.resize(ring1 - ring0 + 1);
  for (std::uint64_t k = ring0; k <= ring1; ++k) out.ring_start[k - ring0] = ring_start[k] - v0;
  out.record_start.resize(end - begin + 1);
  for (std::uint64_t r = begin; r <= end; ++r) out.record_start[r - begin] = record_start[r] - ring0;
  return out;
}

std::vector<std::uint64_t> PolygonSet::vertex_counts() const {
  std::vector<std::uint64_t> counts(records());
  for (std::uint64_t r = 0; r < records(); ++r) counts[r] = record_vertices(r);
  return counts;
}

}  // namespace rankwise::polygons
