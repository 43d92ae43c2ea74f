// Geodesic areas (per edge: the polygon-specialised solver, GeographicLib where it hands back)
// and planar (shoelace) areas of records.
#include "rankwise/polygons/area.hpp"
#include "rankwise/errors.hpp"
#include "planar_kernel.hpp"

#include <GeographicLib/Accumulator.hpp>
#include <GeographicLib/Geodesic.hpp>
#include <GeographicLib/Math.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <memory>
#include <limits>
#include <string>
#include <utility>

namespace rankwise::polygons {

double planar_ring_area(std::span<const double> x, std::span<const double> y) {
  // The fixed-order SIMD sum (planar_kernel.hpp): the same bits on every CPU and compiler, and
  // as the sum taken straight from a mapped .shp record.
  return -0.5 * detail::shoelace_twice(x.data(), y.data(), x.size());  // clockwise positive
}

RecordArea planar_area(const PolygonSet& set, std::uint64_t r) {
  double sum = 0;
  for (std::uint64_t k = set.first_ring(r); k < set.end_ring(r); ++k) {
    sum += planar_ring_area(set.ring_x(k), set.ring_y(k));
  }
  return {std::fabs(sum), 0.0};
}

namespace {

using GeographicLib::Geodesic;

// The table starts small (a small file should not pay for faulting in 3 MB) and grows by 4x,
// up to 2^16 slots, whenever it has seen twice as many lookups as it has slots.
constexpr unsigned kFirstSlotBits = 10;
constexpr unsigned kMaxSlotBits = 16;

// Crossings of the prime meridian by the edge lon1 -> lon2 (+1 eastwards, -1 westwards), the
// rule GeographicLib's PolygonArea uses to tell a pole-encircling ring from its complement.
int transit(double lon1, double lon2) {
  const double lon12 = GeographicLib::Math::AngDiff(lon1, lon2);
  lon1 = GeographicLib::Math::AngNormalize(lon1);
  lon2 = GeographicLib::Math::AngNormalize(lon2);
  if (lon12 > 0 && ((lon1 < 0 && lon2 >= 0) || (lon1 > 0 && lon2 == 0))) return 1;
  if (lon12 < 0 && lon1 >= 0 && lon2 < 0) return -1;
  return 0;
}

}  // namespace

struct EdgeCache::Slot {
  std::uint64_t key[4];  // bits of lat1, lon1, lat2, lon2 in canonical order; lat1 = NaN: empty
  double s12;
  double S12;
};

EdgeCache::EdgeCache() { resize(kFirstSlotBits); }

void EdgeCache::resize(unsigned bits) {
  std::unique_ptr<Slot[]> old = std::move(slots_);
  const std::size_t old_size = old ? std::size_t{1} << bits_ : 0;
  bits_ = bits;
  slots_ = std::make_unique<Slot[]>(std::size_t{1} << bits);
  const std::uint64_t empty = std::bit_cast<std::uint64_t>(std::numeric_limits<double>::quiet_NaN());
  for (std::size_t i = 0; i < (std::size_t{1} << bits); ++i) {
    slots_[i].key[0] = empty;  // no canonical edge starts at a NaN latitude
  }
  for (std::size_t i = 0; i < old_size; ++i) {  // keep what the small table knew
    if (old[i].key[0] != empty) slots_[slot_index(old[i].key)] = old[i];
  }
  grow_at_ = bits < kMaxSlotBits ? lookups_ + (std::uint64_t{2} << bits) : UINT64_MAX;
}

std::size_t EdgeCache::slot_index(const std::uint64_t (&key)[4]) const noexcept {
  std::uint64_t h = key[0] * 0x9E3779B97F4A7C15ULL;
  h = (h ^ (h >> 31) ^ key[1]) * 0xBF58476D1CE4E5B9ULL;
  h = (h ^ (h >> 29) ^ key[2]) * 0x94D049BB133111EBULL;
  h = (h ^ (h >> 32) ^ key[3]) * 0x9E3779B97F4A7C15ULL;
  return static_cast<std::size_t>(h >> (64 - bits_));
}

EdgeCache::~EdgeCache() = default;

EdgeCache::Slot& EdgeCache::probe(const std::uint64_t (&key)[4], bool& hit) {
  if (lookups_ >= grow_at_) resize(std::min(bits_ + 2, kMaxSlotBits));
  Slot& slot = slots_[slot_index(key)];
  hit = slot.key[0] == key[0] && slot.key[1] == key[1] && slot.key[2] == key[2] &&
        slot.key[3] == key[3];
  ++lookups_;
  hits_ += hit ? 1 : 0;
  return slot;
}

namespace {

GeographicLib::Geodesic make_geodesic(const Ellipsoid& e) {
  if (!(e.a > 0) || !std::isfinite(e.a) || !(std::fabs(e.f) < 1)) {
    throw InputError("ellipsoid " + e.name + ": a = " + std::to_string(e.a) +
                     " m, f = " + std::to_string(e.f) + " is not an ellipsoid");
  }
  return {e.a, e.f};
}

}  // namespace

struct GeodesicArea::Edge {
  double s12;
  double S12;
};

GeodesicArea::GeodesicArea(const Ellipsoid& ellipsoid)
    : ellipsoid_(ellipsoid),
      geodesic_(make_geodesic(ellipsoid)),
      ellipsoid_area_(geodesic_.EllipsoidArea()) {
  if (GeodesicEdge::supports(ellipsoid.f)) fast_.emplace(ellipsoid.a, ellipsoid.f);
}

// s12 and S12 of the edge (lat1, lon1) -> (lat2, lon2), solved from the endpoint that is
// smaller in (lat, lon) order: S12 of a reversed edge is -S12, s12 is the same.
GeodesicArea::Edge GeodesicArea::solve(double lat1, double lon1, double lat2, double lon2,
                                       EdgeCache* cache) const {
  const bool reversed = lat2 < lat1 || (lat2 == lat1 && lon2 < lon1);
  if (reversed) {
    std::swap(lat1, lat2);
    std::swap(lon1, lon2);
  }
  EdgeCache::Slot* slot = nullptr;
  std::uint64_t key[4];
  if (cache != nullptr) {
    key[0] = std::bit_cast<std::uint64_t>(lat1);
    key[1] = std::bit_cast<std::uint64_t>(lon1);
    key[2] = std::bit_cast<std::uint64_t>(lat2);
    key[3] = std::bit_cast<std::uint64_t>(lon2);
    bool hit = false;
    slot = &cache->probe(key, hit);
    if (hit) return {slot->s12, reversed ? -slot->S12 : slot->S12};
  }
  // The polygon-specialised solver first (geodesic_edge.cpp, ~2.5x faster); it hands back
  // the edges it is not sure of (nearly antipodal, over a pole, ...) to GeographicLib.
  double s12 = 0;
  double S12 = 0;
  if (!fast_ || !fast_->solve(lat1, lon1, lat2, lon2, s12, S12)) {
    double unused = 0;
    geodesic_.GenInverse(lat1, lon1, lat2, lon2, Geodesic::DISTANCE | Geodesic::AREA, s12,
                         unused, unused, unused, unused, unused, S12);
  }
  if (slot != nullptr) {
    std::copy(key, key + 4, slot->key);
    slot->s12 = s12;
    slot->S12 = S12;
  }
  return {s12, reversed ? -S12 : S12};
}

std::pair<double, double> GeodesicArea::edge(double lat1, double lon1, double lat2,
                                             double lon2) const {
  const Edge e = solve(lat1, lon1, lat2, lon2, nullptr);
  return {e.s12, e.S12};
}

RecordArea GeodesicArea::ring(std::span<const double> lon, std::span<const double> lat,
                              EdgeCache* cache) const {
  std::size_t n = lon.size();
  if (n > 1 && lon[0] == lon[n - 1] && lat[0] == lat[n - 1]) --n;  // closing vertex
  if (n < 2) return {};
  // As GeographicLib's PolygonArea: exact-ish sums (Accumulator), crossings of the prime
  // meridian counted, the sum reduced to the ellipsoid's area.
  GeographicLib::Accumulator<> area;
  GeographicLib::Accumulator<> perimeter;
  int crossings = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t j = i + 1 == n ? 0 : i + 1;
    const Edge e = solve(lat[i], lon[i], lat[j], lon[j], cache);
    perimeter += e.s12;
    area += e.S12;
    crossings += transit(lon[i], lon[j]);
  }
  const double area0 = ellipsoid_area_;
  area.remainder(area0);
  if ((crossings & 1) != 0) area += (area() < 0 ? 1 : -1) * area0 / 2;
  // The reduced sum counts clockwise positive, as wanted (shapefile outer rings run
  // clockwise); it is put in (-A/2, A/2] so that a hole's negative area stays negative.
  if (area() > area0 / 2) {
    area -= area0;
  } else if (area() <= -area0 / 2) {
    area += area0;
  }
  return {0 + area(), perimeter()};
}

RecordArea GeodesicArea::record(const PolygonSet& set, std::uint64_t r, EdgeCache* cache) const {
  RecordArea sum;
  for (std::uint64_t k = set.first_ring(r); k < set.end_ring(r); ++k) {
    const RecordArea ring_area = ring(set.ring_x(k), set.ring_y(k), cache);
    sum.area += ring_area.area;
    sum.perimeter += ring_area.perimeter;
  }
  sum.area = std::fabs(sum.area);
  return sum;
}

}  // namespace rankwise::polygons
