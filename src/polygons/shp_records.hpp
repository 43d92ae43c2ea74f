#pragma once
// Private to src/polygons: the records of a checked .shp, parsed in place from a memory map.
#include <cstdint>
#include <string>
#include <vector>

#include "mapped_file.hpp"
#include "rankwise/polygons/shapefile.hpp"

namespace rankwise::polygons::detail {

/// The records of a .shp (its header already checked into `header`), located through the
/// index .shx, both mapped for the object's lifetime so that ranges can be read on demand.
class ShpRecords {
 public:
  /// Maps both files (throws InputError naming the file).
  ShpRecords(std::string shp, std::string shx, const ShapeHeader& header, Crs crs);

  /// Records listed in the index.
  [[nodiscard]] std::uint64_t records() const noexcept { return records_; }

  /// Each record's numPoints as its header declares it (0 for Null shapes and records too
  /// short to say), read without checking the record: weights for partitioning only.
  [[nodiscard]] std::vector<std::uint64_t> vertex_counts() const;

  /// The end of a chunk of records starting at `first` (before `last`) that holds at least
  /// `bytes` bytes of the .shp, or `last`; from the index alone.
  [[nodiscard]] std::uint64_t chunk_end(std::uint64_t first, std::uint64_t last,
                                        std::uint64_t bytes) const;

  /// Appends records [first, last) to `set`, one record per entry, Null shapes as empty
  /// records. Checks each entry's offset and length against the mapped file, the record's
  /// shape type, part and point counts against its length (before anything is allocated),
  /// part indices and coordinates (finite; |lat| <= 90 and |lon| <= 540 for lon/lat).
  /// Throws InputError naming the record.
  void read(std::uint64_t first, std::uint64_t last, PolygonSet& set) const;

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
