#pragma once
/// Polygons as flat structure-of-arrays: every ring's vertices in two coordinate arrays, ring
/// offsets into them, and record offsets into the rings. Cheap to slice, scatter and scan.
#include <cstdint>
#include <span>
#include <vector>

namespace rankwise::polygons {

/// Coordinates are lon/lat degrees (geographic) or the projection's units (projected).
enum class Crs { geographic, projected };

/// Records (polygons) of one or more rings each, stored flat.
struct PolygonSet {
  std::uint64_t first_record = 0;            ///< global index of the first record held here
  std::vector<double> x;                     ///< longitude or easting, all rings concatenated
  std::vector<double> y;                     ///< latitude or northing
  std::vector<std::uint64_t> ring_start{0};  ///< rings+1 offsets into x/y
  std::vector<std::uint64_t> record_start{0};  ///< records+1 offsets into ring_start

  /// Number of records (polygons), rings and vertices held.
  [[nodiscard]] std::uint64_t records() const noexcept { return record_start.size() - 1; }
  [[nodiscard]] std::uint64_t rings() const noexcept { return ring_start.size() - 1; }
  [[nodiscard]] std::uint64_t vertices() const noexcept { return x.size(); }

  /// Rings of record `r` (local index) as [first, last) ring indices.
  [[nodiscard]] std::uint64_t first_ring(std::uint64_t r) const { return record_start[r]; }
  [[nodiscard]] std::uint64_t end_ring(std::uint64_t r) const { return record_start[r + 1]; }
  /// Vertices of record `r` (local index).
  [[nodiscard]] std::uint64_t record_vertices(std::uint64_t r) const {
    return ring_start[record_start[r + 1]] - ring_start[record_start[r]];
  }
  /// Coordinates of ring `k`.
  [[nodiscard]] std::span<const double> ring_x(std::uint64_t k) const {
    return std::span(x).subspan(ring_start[k], ring_start[k + 1] - ring_start[k]);
  }
  [[nodiscard]] std::span<const double> ring_y(std::uint64_t k) const {
    return std::span(y).subspan(ring_start[k], ring_start[k + 1] - ring_start[k]);
  }

  /// Builder: append one ring to the record being built.
  void add_ring(std::span<const double> xs, std::span<const double> ys);
  /// Builder: close the record being built (a record without rings is an empty polygon).
  void end_record() { record_start.push_back(rings()); }

  /// Records [begin, end) (local indices) as a set of their own, offsets rebased to zero.
  [[nodiscard]] PolygonSet slice(std::uint64_t begin, std::uint64_t end) const;

  /// Vertices per record (the weights partition() balances).
  [[nodiscard]] std::vector<std::uint64_t> vertex_counts() const;

  /// Boost.Serialization (used by the serialized scatter); header-free here on purpose.
  template <class Archive>
  void serialize(Archive& ar, unsigned /*version*/) {
    ar & first_record & x & y & ring_start & record_start;
  }

  friend bool operator==(const PolygonSet&, const PolygonSet&) = default;
};

}  // namespace rankwise::polygons
