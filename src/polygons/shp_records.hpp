#pragma once
// Private to src/polygons: the records of a checked .shp, parsed in place from a memory map.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "mapped_file.hpp"
#include "rankwise/polygons/shapefile.hpp"

namespace rankwise::polygons::detail {

/// What ShapefileReader's record access runs on (its documentation applies): the .shp and its
/// index .shx, both mapped for the object's lifetime, records parsed in place from the map.
class ShpRecords {
 public:
  /// Maps both files (throws InputError naming the file); `header` is the checked .shp header.
  /// Pages are faulted in by read(), one system call per range read.
  ShpRecords(std::string shp, std::string shx, const ShapeHeader& header, Crs crs);
  [[nodiscard]] std::uint64_t records() const noexcept { return records_; }
  [[nodiscard]] std::vector<std::uint64_t> vertex_counts() const;
  [[nodiscard]] std::vector<std::uint64_t> vertex_estimates() const;
  [[nodiscard]] std::uint64_t chunk_end(std::uint64_t first, std::uint64_t last,
                                        std::uint64_t bytes) const;
  void read(std::uint64_t first, std::uint64_t last, PolygonSet& set) const;
  void planar_areas(std::uint64_t first, std::uint64_t last, std::span<double> area,
                    std::span<std::uint64_t> vertices, std::span<std::uint32_t> parts) const;
  // Faults in the part of the .shp holding records [first, last) (a hint; see MappedFile).
  void prefault(std::uint64_t first, std::uint64_t last) const;

 private:
  // Record i's content (after its 8-byte header) and its length, checked against the map.
  const unsigned char* content(std::uint64_t i, std::uint64_t& length) const;
  std::string shp_;
  std::string shx_;
  int shape_type_;
  Crs crs_;
  MappedFile index_;
  MappedFile file_;
  std::uint64_t records_ = 0;
};

}  // namespace rankwise::polygons::detail
