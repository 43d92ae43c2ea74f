#pragma once
/// Areas of one record (polygon): geodesic on an ellipsoid (WGS84 by default), or planar shoelace.
/// Shapefile rings run clockwise for outer boundaries and counter-clockwise for holes, so the
/// signed ring areas below count clockwise as positive: outer rings add, holes subtract.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include <GeographicLib/Geodesic.hpp>

#include "rankwise/polygons/geodesic_edge.hpp"
#include "rankwise/polygons/polygon_set.hpp"

namespace rankwise::polygons {

/// Area and perimeter of one record.
struct RecordArea {
  double area = 0;       ///< m² (geodesic) or data units² (planar); holes subtracted
  double perimeter = 0;  ///< m, all rings (holes included); geodesic only
};

/// Signed planar area of one ring (clockwise positive, data units²), shoelace formula on
/// coordinates taken relative to the first vertex (keeps precision for large eastings).
[[nodiscard]] double planar_ring_area(std::span<const double> x, std::span<const double> y);

/// Planar area of record `r` of `set`: signed ring areas summed; a record whose rings all run
/// the "wrong" way (counter-clockwise outer ring, as GeoJSON writes them) gives the same area.
[[nodiscard]] RecordArea planar_area(const PolygonSet& set, std::uint64_t r);

/// Geodesic results (distance s12 and area S12, GeographicLib's inverse problem) of recently
/// solved edges, so that an edge shared by two rings — every inner boundary of a tessellation
/// such as plate polygons, catchments or countries with land borders — is solved once.
/// Direct-mapped, growing from 2^10 to 2^16 slots (3 MB) with use: a miss costs one probe.
/// One per thread; not shareable.
/// An edge's result depends only on its two endpoints (it is always solved in one canonical
/// direction, see GeodesicArea), so hits and misses give bit-identical areas.
class EdgeCache {
 public:
  EdgeCache();
  ~EdgeCache();
  EdgeCache(const EdgeCache&) = delete;
  EdgeCache& operator=(const EdgeCache&) = delete;
  [[nodiscard]] std::uint64_t hits() const noexcept { return hits_; }
  [[nodiscard]] std::uint64_t lookups() const noexcept { return lookups_; }

  /// One edge's entry (defined in area.cpp).
  struct Slot;
  /// The slot for an edge key (bits of lat1, lon1, lat2, lon2); `hit` says whether it holds
  /// that edge, otherwise the caller fills it.
  Slot& probe(const std::uint64_t (&key)[4], bool& hit);

 private:
  void resize(unsigned bits);
  [[nodiscard]] std::size_t slot_index(const std::uint64_t (&key)[4]) const noexcept;
  std::unique_ptr<Slot[]> slots_;
  unsigned bits_ = 0;
  std::uint64_t grow_at_ = 0;
  std::uint64_t hits_ = 0;
  std::uint64_t lookups_ = 0;
};

/// The ellipsoid geodesic areas are computed on (from the file's CRS; WGS84 by default).
struct Ellipsoid {
  std::string name = "WGS 84";
  double a = GeodesicEdge::kWgs84A;  ///< semi-major axis, m
  double f = GeodesicEdge::kWgs84F;  ///< flattening (0 for a sphere)
  friend bool operator==(const Ellipsoid&, const Ellipsoid&) = default;
};

/// Geodesic area and perimeter of rings of lon/lat degrees on an ellipsoid (Karney 2013,
/// GeographicLib), WGS84 unless another is given.
class GeodesicArea {
 public:
  /// Throws InputError if the ellipsoid is not one GeographicLib can handle (a <= 0, |f| >= 1).
  explicit GeodesicArea(const Ellipsoid& ellipsoid = {});
  /// Signed area (clockwise positive, in (-A/2, A/2] where A is the ellipsoid area) and
  /// perimeter of one ring. A repeated closing vertex is skipped. Pole-encircling rings and
  /// rings crossing the antimeridian are handled by counting prime-meridian crossings as
  /// GeographicLib's PolygonArea does. Each edge is solved from its lexicographically smaller
  /// (lat, lon) endpoint (the area of the reversed edge is the negated one), so the same edge
  /// gives the same bits in any ring: by the polygon-specialised solver (GeodesicEdge) on
  /// ellipsoids it supports, by GeographicLib's Geodesic::GenInverse where that hands back
  /// and on every other ellipsoid. Results agree with PolygonArea to rounding (~1e-15
  /// relative). `cache`, if given, is consulted and filled; a cache must only ever see one
  /// ellipsoid.
  [[nodiscard]] RecordArea ring(std::span<const double> lon, std::span<const double> lat,
                                EdgeCache* cache = nullptr) const;
  /// Area of record `r` of `set`: signed ring areas summed (holes subtract), then taken
  /// positive so an all-reversed record (counter-clockwise outer ring) gives the same area.
  [[nodiscard]] RecordArea record(const PolygonSet& set, std::uint64_t r,
                                  EdgeCache* cache = nullptr) const;
  /// Total area of the ellipsoid, m².
  [[nodiscard]] double ellipsoid_area() const noexcept { return ellipsoid_area_; }
  [[nodiscard]] const Ellipsoid& ellipsoid() const noexcept { return ellipsoid_; }
  /// True if the fast solver serves this ellipsoid (otherwise every edge is GeographicLib's).
  [[nodiscard]] bool fast() const noexcept { return fast_.has_value(); }
  /// s12 (m) and S12 (m²) of the edge (lat1, lon1) -> (lat2, lon2) exactly as ring() adds it
  /// (the accuracy tests measure this path).
  [[nodiscard]] std::pair<double, double> edge(double lat1, double lon1, double lat2,
                                               double lon2) const;

 private:
  struct Edge;
  [[nodiscard]] Edge solve(double lat1, double lon1, double lat2, double lon2,
                           EdgeCache* cache) const;
  Ellipsoid ellipsoid_;
  GeographicLib::Geodesic geodesic_;
  std::optional<GeodesicEdge> fast_;
  double ellipsoid_area_;
};

}  // namespace rankwise::polygons
