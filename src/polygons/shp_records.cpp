// Polygon records straight from a memory-mapped .shp, written from the ESRI Shapefile
// Technical Description (1998). shapelib's SHPReadObject copies each record into a buffer,
// byte-swaps and mallocs per record; at 10 M vertices that decoding cost more than the areas.
// Here each record's x,y pairs are de-interleaved once, from the map into the flat arrays.
#include "shp_records.hpp"
#include "planar_kernel.hpp"

#include <sys/mman.h>

#include <bit>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <algorithm>
#include <iterator>
#include <stdexcept>
#include <utility>

#include "rankwise/errors.hpp"

namespace rankwise::polygons::detail {
namespace {

// The format's doubles and "little endian" integers are read with memcpy as host values.
static_assert(std::endian::native == std::endian::little, "the .shp reader assumes a little-endian host");

constexpr int null_shape = 0;
constexpr int polygon_z = 15;
constexpr std::uint64_t polygon_fixed_bytes = 44;  // type, bounding box, numParts, numPoints

std::uint64_t big_endian(const unsigned char* p) {
  return (std::uint64_t{p[0]} << 24) | (std::uint64_t{p[1]} << 16) | (std::uint64_t{p[2]} << 8) |
         std::uint64_t{p[3]};
}
std::int32_t little_endian(const unsigned char* p) {
  std::int32_t v = 0;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// Large result arrays fault in 2 MB pages instead of 4 kB ones when the kernel's transparent
// huge pages are in "madvise" mode: 80 faults instead of 40,000 for 10 M vertices. Only a hint.
void advise_huge_pages(const std::vector<double>& v) {
  constexpr std::uintptr_t huge = std::uintptr_t{2} << 20;
  const auto begin = (reinterpret_cast<std::uintptr_t>(v.data()) + huge - 1) & ~(huge - 1);
  const auto end = (reinterpret_cast<std::uintptr_t>(v.data() + v.capacity())) & ~(huge - 1);
  if (end > begin) {
    (void)::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
  }
}

// Random-access iterator over one coordinate of the record's interleaved (x, y) doubles.
struct Coordinate {
  using iterator_category = std::random_access_iterator_tag;
  using value_type = double;
  using difference_type = std::ptrdiff_t;
  using pointer = const double*;
  using reference = double;
  const unsigned char* p;
  double operator*() const noexcept {
    double v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }
  Coordinate& operator++() noexcept { p += 16; return *this; }
  Coordinate operator++(int) noexcept { Coordinate old = *this; p += 16; return old; }
  Coordinate& operator--() noexcept { p -= 16; return *this; }
  Coordinate& operator+=(difference_type k) noexcept { p += 16 * k; return *this; }
  friend difference_type operator-(Coordinate a, Coordinate b) noexcept { return (a.p - b.p) / 16; }
  friend bool operator==(Coordinate a, Coordinate b) noexcept { return a.p == b.p; }
};

// Where one record's parts and points lie in the map, after checking them against its length.
struct RecordLayout {
  std::uint64_t parts = 0;   // 0 for a Null shape or a polygon without points
  std::uint64_t points = 0;
  const unsigned char* starts = nullptr;  // `parts` int32 ring starts, the first 0
  const unsigned char* xy = nullptr;      // `points` interleaved (x, y) doubles

  // Ring p's first vertex; ring_begin(parts) is `points`.
  [[nodiscard]] std::uint64_t ring_begin(std::uint64_t p) const {
    return p < parts ? static_cast<std::uint64_t>(little_endian(starts + 4 * p)) : points;
  }
};

// Checks records of one .shp: their structure (parse) and coordinates (copy_points, or the
// planar kernel's flag and then bad_vertex for the message).
class RecordChecker {
 public:
  RecordChecker(const std::string& shp, int file_type, Crs crs)
      : shp_(shp), file_type_(file_type),
        max_x_(crs == Crs::geographic ? 540.0 : DBL_MAX),
        max_y_(crs == Crs::geographic ? 90.0 : DBL_MAX), geographic_(crs == Crs::geographic) {}

  [[nodiscard]] double max_x() const noexcept { return max_x_; }
  [[nodiscard]] double max_y() const noexcept { return max_y_; }

  // Record `i`: `content` holds its `length` bytes (after the 8-byte record header).
  [[nodiscard]] RecordLayout parse(std::uint64_t i, const unsigned char* content,
                                   std::uint64_t length) const {
    if (length < 4) fail(i, "content of " + std::to_string(length) + " bytes has no shape type");
    const int type = little_endian(content);
    if (type == null_shape) return {};
    if (type != file_type_) {
      fail(i, "shape type " + std::to_string(type) + " differs from the file's " +
                  std::to_string(file_type_));
    }
    if (length < polygon_fixed_bytes) {
      fail(i, "content of " + std::to_string(length) + " bytes is too short for a polygon");
    }
    const std::int32_t parts = little_endian(content + 36);
    const std::int32_t points = little_endian(content + 40);
    if (parts < 0 || points < 0) {
      fail(i, std::to_string(parts) + " parts and " + std::to_string(points) + " points");
    }
    const auto np = static_cast<std::uint64_t>(parts);
    const auto nv = static_cast<std::uint64_t>(points);
    std::uint64_t need = polygon_fixed_bytes + 4 * np + 16 * nv;
    if (type == polygon_z) need += 16 + 8 * nv;  // Z range and values are mandatory
    if (need > length) {
      fail(i, std::to_string(parts) + " parts and " + std::to_string(points) + " points need " +
                  std::to_string(need) + " bytes but the record has " + std::to_string(length));
    }
    if (nv == 0) return {};  // an empty polygon, as shapelib reads it
    const unsigned char* starts = content + polygon_fixed_bytes;
    if (np < 1 || little_endian(starts) != 0) fail(i, "part indices do not start at vertex 0");
    // Ring starts strictly increase and stay below numPoints (as shapelib demands: no empty
    // rings), so every ring holds at least one vertex.
    for (std::uint64_t p = 1; p < np; ++p) {
      const std::int32_t begin = little_endian(starts + 4 * p);
      if (begin < 0 || begin >= points) {
        fail(i, "part " + std::to_string(p) + " index " + std::to_string(begin) +
                    " out of range (0.." + std::to_string(points) + ")");
      }
      if (begin <= little_endian(starts + 4 * (p - 1))) {
        fail(i, "part " + std::to_string(p) + " starts at vertex " + std::to_string(begin) +
                    ", not after part " + std::to_string(p - 1));
      }
    }
    return {np, nv, starts, starts + 4 * np};
  }

  // Appends the record's vertices to `set` as rings of a new record.
  void append(std::uint64_t i, const RecordLayout& r, PolygonSet& set) const {
    if (r.points == 0) return set.end_record();
    const std::uint64_t base = set.x.size();
    copy_points(i, r.xy, r.points, set);
    for (std::uint64_t p = 1; p <= r.parts; ++p) set.ring_start.push_back(base + r.ring_begin(p));
    set.end_record();
  }

  // Record i's first vertex that fails the coordinate check, as the error.
  [[noreturn]] void bad_vertex(std::uint64_t i, const unsigned char* xy, std::uint64_t n) const {
    for (std::uint64_t v = 0; v < n; ++v) {
      const double x = coordinate(xy + 16 * v);
      const double y = coordinate(xy + 16 * v + 8);
      if (std::fabs(x) <= max_x_ && std::fabs(y) <= max_y_) continue;
      fail(i, "vertex " + std::to_string(v) + " (" + std::to_string(x) + ", " +
                  std::to_string(y) + ") is not a valid " +
                  (geographic_ ? "longitude/latitude" : "coordinate"));
    }
    fail(i, "a coordinate is not valid");  // unreachable when called after a failed check
  }

 private:
  [[noreturn]] void fail(std::uint64_t i, const std::string& what) const {
    throw InputError(shp_ + ": record " + std::to_string(i) + ": " + what);
  }

  static double coordinate(const unsigned char* p) {
    double v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }

  // De-interleaves n (x, y) pairs into the flat arrays. insert() from an iterator writes the
  // fresh memory once (resize() would zero it first). One compare per coordinate checks
  // validity: |v| <= limit is false for NaN, and for infinities when the limit is DBL_MAX.
  void copy_points(std::uint64_t i, const unsigned char* xy, std::uint64_t n, PolygonSet& set) const {
    const std::uint64_t base = set.x.size();
    set.x.insert(set.x.end(), Coordinate{xy}, Coordinate{xy + 16 * n});
    set.y.insert(set.y.end(), Coordinate{xy + 8}, Coordinate{xy + 8 + 16 * n});
    const double* x = set.x.data() + base;
    const double* y = set.y.data() + base;
    // For non-negative doubles the IEEE order is the unsigned order of the bits, and NaN's bits
    // exceed infinity's: |v| <= limit iff bits(|v|) <= bits(limit). limit - bits(|v|) then has
    // its top bit set exactly for a bad value; OR-ing those is integer SIMD (a floating compare
    // reduced into a flag stayed scalar and cost more than the copy).
    const std::uint64_t lx = std::bit_cast<std::uint64_t>(max_x_);
    const std::uint64_t ly = std::bit_cast<std::uint64_t>(max_y_);
    constexpr std::uint64_t magnitude = ~(std::uint64_t{1} << 63);
    std::uint64_t bad = 0;
    for (std::uint64_t v = 0; v < n; ++v) {
      bad |= (lx - (std::bit_cast<std::uint64_t>(x[v]) & magnitude)) |
             (ly - (std::bit_cast<std::uint64_t>(y[v]) & magnitude));
    }
    if ((bad >> 63) != 0) bad_vertex(i, xy, n);
  }

  const std::string& shp_;
  int file_type_;
  double max_x_;
  double max_y_;
  bool geographic_;
};

}  // namespace

ShpRecords::ShpRecords(std::string shp, std::string shx, const ShapeHeader& header, Crs crs)
    : shp_(std::move(shp)), shx_(std::move(shx)), shape_type_(header.shape_type), crs_(crs),
      index_(shx_, false), file_(shp_, false) {
  if (index_.size() < 100 || file_.size() < 100) throw InputError(shp_ + ": changed while reading");
  records_ = (index_.size() - 100) / 8;
}

const unsigned char* ShpRecords::content(std::uint64_t i, std::uint64_t& length) const {
  const unsigned char* entry = index_.data() + 100 + 8 * i;
  const std::uint64_t offset = 2 * big_endian(entry);
  length = 2 * big_endian(entry + 4);
  // Checked again here, against what is mapped: the map's bounds are what memory safety
  // rests on, whatever check_shape_index saw before.
  if (offset < 100 || offset + 8 + length > file_.size()) {
    throw InputError(shx_ + ": record " + std::to_string(i) + " at byte " +
                     std::to_string(offset) + " (+" + std::to_string(length + 8) +
                     ") lies outside the .shp (" + std::to_string(file_.size()) + " bytes)");
  }
  const std::uint64_t declared = 2 * big_endian(file_.data() + offset + 4);
  if (declared != length) {
    throw InputError(shp_ + ": record " + std::to_string(i) + ": content length " +
                     std::to_string(declared) + " bytes differs from the .shx's " +
                     std::to_string(length));
  }
  return file_.data() + offset + 8;
}

void ShpRecords::prefault(std::uint64_t first, std::uint64_t last) const {
  // The range's extent from the index (records are usually in file order, but need not be).
  std::uint64_t begin = UINT64_MAX;
  std::uint64_t end = 0;
  for (std::uint64_t i = first; i < std::min(last, records_); ++i) {
    const unsigned char* entry = index_.data() + 100 + 8 * i;
    const std::uint64_t offset = 2 * big_endian(entry);
    begin = std::min(begin, offset);
    end = std::max(end, offset + 8 + 2 * big_endian(entry + 4));
  }
  if (end > begin) file_.prefault(begin, end - begin);
}

std::vector<std::uint64_t> ShpRecords::vertex_counts() const {
  std::vector<std::uint64_t> counts(records_, 0);
  for (std::uint64_t i = 0; i < records_; ++i) {
    const unsigned char* entry = index_.data() + 100 + 8 * i;
    const std::uint64_t offset = 2 * big_endian(entry);
    const std::uint64_t length = 2 * big_endian(entry + 4);
    if (offset < 100 || offset + 8 + length > file_.size() || length < polygon_fixed_bytes) continue;
    const std::int32_t points = little_endian(file_.data() + offset + 8 + 40);
    // An estimate for partitioning only: a bad count is caught when the record is read, and
    // the shape type check there decides whether numPoints meant anything.
    counts[i] = points > 0 ? std::min<std::uint64_t>(static_cast<std::uint64_t>(points), length / 16) : 0;
  }
  return counts;
}

std::vector<std::uint64_t> ShpRecords::vertex_estimates() const {
  // Content bytes per point: x,y (16), plus z (8) for PolygonZ and m (8) when present.
  const std::uint64_t per_point = shape_type_ == polygon_z ? 32 : shape_type_ == 5 ? 16 : 24;
  std::vector<std::uint64_t> estimates(records_, 0);
  for (std::uint64_t i = 0; i < records_; ++i) {
    const std::uint64_t length = 2 * big_endian(index_.data() + 100 + 8 * i + 4);
    estimates[i] = length > polygon_fixed_bytes ? (length - polygon_fixed_bytes) / per_point : 0;
  }
  return estimates;
}

std::uint64_t ShpRecords::chunk_end(std::uint64_t first, std::uint64_t last,
                                    std::uint64_t bytes) const {
  std::uint64_t e = first;
  for (std::uint64_t sum = 0; e < last && sum < bytes; ++e) {
    sum += 8 + 2 * big_endian(index_.data() + 100 + 8 * e + 4);
  }
  return e;
}

void ShpRecords::read(std::uint64_t first, std::uint64_t last, PolygonSet& set) const {
  if (first > last || last > records_) throw std::out_of_range("ShpRecords::read: bad range");
  set.record_start.reserve(set.record_start.size() + (last - first));
  set.ring_start.reserve(set.ring_start.size() + (last - first));
  // Vertices cannot exceed the records' bytes / 16: reserve that once (one allocation, and
  // huge pages when the arrays are large).
  std::uint64_t bytes = 0;
  for (std::uint64_t i = first; i < last; ++i) bytes += 2 * big_endian(index_.data() + 100 + 8 * i + 4);
  const std::uint64_t vertex_bound = set.x.size() + std::min<std::uint64_t>(bytes, file_.size()) / 16;
  if (vertex_bound > set.x.capacity()) {
    set.x.reserve(vertex_bound);
    set.y.reserve(vertex_bound);
    advise_huge_pages(set.x);
    advise_huge_pages(set.y);
  }
  prefault(first, last);  // one bulk fault instead of one per page
  const RecordChecker checker(shp_, shape_type_, crs_);
  for (std::uint64_t i = first; i < last; ++i) {
    std::uint64_t length = 0;
    const unsigned char* c = content(i, length);
    checker.append(i, checker.parse(i, c, length), set);
  }
}

void ShpRecords::planar_areas(std::uint64_t first, std::uint64_t last, std::span<double> area,
                              std::span<std::uint64_t> vertices,
                              std::span<std::uint32_t> parts) const {
  if (first > last || last > records_ || area.size() < last - first ||
      vertices.size() < last - first || parts.size() < last - first) {
    throw std::out_of_range("ShpRecords::planar_areas: bad range or result size");
  }
  const RecordChecker checker(shp_, shape_type_, crs_);
  for (std::uint64_t i = first; i < last; ++i) {
    std::uint64_t length = 0;
    const unsigned char* c = content(i, length);
    const RecordLayout r = checker.parse(i, c, length);
    // As planar_area() on the record read into a set: ring areas (-0.5 * twice, clockwise
    // positive) summed in ring order, then the magnitude. The kernel sums in the same order
    // from the interleaved pairs, so the bits are the same.
    double sum = 0;
    bool bad = false;
    for (std::uint64_t p = 0; p < r.parts; ++p) {
      const std::uint64_t begin = r.ring_begin(p);
      sum += -0.5 * shoelace_twice_interleaved(r.xy + 16 * begin, r.ring_begin(p + 1) - begin,
                                               checker.max_x(), checker.max_y(), bad);
    }
    if (bad) checker.bad_vertex(i, r.xy, r.points);
    area[i - first] = std::fabs(sum);
    vertices[i - first] = r.points;
    parts[i - first] = static_cast<std::uint32_t>(r.parts);
  }
}

}  // namespace rankwise::polygons::detail
