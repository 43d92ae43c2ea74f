#pragma once
/// ESRI shapefiles (.shp/.shx/.dbf/.cpg/.prj) of polygons: checked reading and writing.
/// Files are untrusted: headers, sizes, record counts, offsets, part indices and shape types
/// are checked before or after shapelib reads them; every failure is an InputError naming the
/// file and the problem in one line.
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "rankwise/polygons/attributes.hpp"
#include "rankwise/polygons/crs.hpp"
#include "rankwise/polygons/polygon_set.hpp"

namespace rankwise::polygons {

/// What the 100-byte main header of a .shp or .shx says, after checking it.
struct ShapeHeader {
  int shape_type = 0;           ///< SHPT_* (5 polygon, 15 polygon Z, 25 polygon M)
  std::uint64_t file_bytes = 0; ///< actual size of the file
  double bounds[4] = {};        ///< xmin, ymin, xmax, ymax
};

/// Checks magic number 9994, version 1000, the length field against the file size and a
/// polygon shape type. Throws InputError.
[[nodiscard]] ShapeHeader check_shape_header(const std::string& path);

/// Checks the .shx index at `shx` against its .shp (header, 100 + 8n bytes, each record
/// inside the .shp) and returns n, the number of records. Throws InputError.
[[nodiscard]] std::uint64_t check_shape_index(const std::string& shx, const ShapeHeader& shp);

/// `path` with its extension replaced by `ext` (tries lower then upper case; returns the
/// lower-case name when neither exists). "x.shp", "x.SHP" and "x" all name the same set.
[[nodiscard]] std::string sibling(const std::string& path, const std::string& ext);

/// A shapefile read on one rank.
struct Shapefile {
  PolygonSet polygons;
  std::vector<std::string> names;  ///< UTF-8, one per record (empty without a name field)
  Crs crs = Crs::geographic;
  std::string crs_source;          ///< "prj", "--assume-crs" or "bounds" (no .prj: guessed)
  std::string crs_wkt;             ///< the .prj's text ("" without one)
  std::string crs_name;            ///< the CRS's own name ("" without a .prj)
  std::string ellipsoid;           ///< geographic: the .prj's ellipsoid name ("" = WGS84 assumed)
  double semi_major_m = 0;         ///< geographic by .prj: a, metres
  double inverse_flattening = 0;   ///< geographic by .prj: 1/f (0 for a sphere)
  std::string planar_unit;         ///< projected: the .prj's linear unit ("" if not stated)
  double planar_unit_m = std::numeric_limits<double>::quiet_NaN();  ///< metres per planar_unit
  std::string name_field;          ///< the field names came from ("" if none)
  std::string code_page;           ///< the declaration used (.cpg or "LDID/n"), "" if none
  std::vector<FieldColumn> fields;    ///< the --fields columns, in the order asked
  std::vector<std::string> warnings;  ///< one line each, for rank 0 to print (no "warning:")
  int shape_type = 0;
};

/// Fills `out`'s CRS fields: `assume` if given; else from `wkt` (classify_prj; errors name
/// `where`); else (no CRS) guessed from `bounds` (xmin, ymin, xmax, ymax) with a warning that
/// `where` is `missing`.
void describe_crs(const std::optional<std::string>& wkt, const std::string& where,
                  const std::string& missing, const double* bounds, AssumedCrs assume,
                  Shapefile& out);

namespace detail {
class ShpRecords;
}

/// A shapefile opened on one rank: headers and index checked, names and CRS read, records
/// mapped and read on demand (so a rank can read a range, or read in chunks without holding
/// the whole set). Throws InputError naming the file and the problem.
class ShapefileReader {
 public:
  /// Opens the shapefile at `path` (".shp" optional); `name_field` empty picks the first of
  /// NAME/name/Name present. The CRS is `assume` if given, else the .prj's (classify_prj),
  /// else guessed from the bounds with a warning. `fields` (--fields; "all" for every one) are
  /// read into info().fields, typed as the .dbf types them.
  ShapefileReader(const std::string& path, const std::string& name_field,
                  AssumedCrs assume = AssumedCrs::none,
                  const std::vector<std::string>& fields = {});
  /// The records [first, last) alone, for a rank reading its share of a shapefile that
  /// another rank opened and checked in full: checks the .shp header and that the index still
  /// lists `records` records and maps both files (pages are faulted in as read); reads neither
  /// the .dbf nor the .prj (`crs`, as the other rank found it, is used for the coordinate
  /// checks). read() checks every record it reads as in the full constructor. Throws
  /// InputError naming the file.
  ShapefileReader(const std::string& path, Crs crs, std::uint64_t records, std::uint64_t first,
                  std::uint64_t last);
  ~ShapefileReader();
  ShapefileReader(const ShapefileReader&) = delete;
  ShapefileReader& operator=(const ShapefileReader&) = delete;

  /// Everything but the records (`polygons` stays empty until filled by the caller).
  [[nodiscard]] Shapefile& info() noexcept { return info_; }
  /// Number of records.
  [[nodiscard]] std::uint64_t records() const noexcept { return records_; }
  /// Each record's numPoints as its header declares it (0 for Null shapes and records too
  /// short to say), read without checking the record: weights for partitioning only.
  [[nodiscard]] std::vector<std::uint64_t> vertex_counts() const;
  /// Each record's vertex count estimated from its length in the .shx alone (the .shp is not
  /// touched; numPoints + numParts/4 for plain polygons): weights for partitioning.
  [[nodiscard]] std::vector<std::uint64_t> vertex_estimates() const;
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
  /// Planar (shoelace) areas of records [first, last) computed straight from the mapped file,
  /// each record checked as read() checks it, no vertex copied: the same bits as read()
  /// followed by planar_area(). Entry r - first of `area` (|signed sum of the rings|),
  /// `vertices` and `parts` (rings; 0 for Null shapes and empty polygons) is record r's; each
  /// span holds at least last - first entries. Throws InputError naming the record.
  void planar_areas(std::uint64_t first, std::uint64_t last, std::span<double> area,
                    std::span<std::uint64_t> vertices, std::span<std::uint32_t> parts) const;
  /// Faults in the pages of the .shp holding records [first, last) now, in one system call
  /// (a hint: without it they fault in one by one as they are read).
  void prefault(std::uint64_t first, std::uint64_t last) const;

 private:
  Shapefile info_;
  std::uint64_t records_ = 0;
  std::unique_ptr<detail::ShpRecords> shp_;
};

/// Reads every record of the shapefile at `path` (".shp" optional). `name_field` empty picks
/// the first of NAME/name/Name present. Throws InputError.
[[nodiscard]] Shapefile read_shapefile(const std::string& path, const std::string& name_field,
                                       AssumedCrs assume = AssumedCrs::none);

/// Writes polygon records (type 5) with a NAME field, a UTF-8 .cpg and a .prj (WGS84
/// lon/lat, or UTM 33N for projected sets). Throws IoError.
void write_shapefile(const std::string& path, const PolygonSet& polygons,
                     const std::vector<std::string>& names, Crs crs);

}  // namespace rankwise::polygons
