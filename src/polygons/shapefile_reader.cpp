// Reading polygon shapefiles: records by our own .shp parser, names through shapelib's DBF reader.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <cerrno>
#include <cstdlib>
#include <limits>
#include <optional>

#include "rankwise/errors.hpp"
#include "rankwise/polygons/attributes.hpp"
#include "rankwise/polygons/code_page.hpp"
#include "rankwise/polygons/crs.hpp"
#include "rankwise/polygons/shapefile.hpp"
#include "shapelib_handles.hpp"
#include "shp_records.hpp"
#include "dbf_text.hpp"

namespace rankwise::polygons {
namespace detail {
namespace {
thread_local std::string last_error;
void record_error(const char* message) { last_error = message != nullptr ? message : ""; }
}  // namespace

SAHooks quiet_hooks() {
  SAHooks hooks;
  SASetupDefaultHooks(&hooks);
  hooks.Error = record_error;
  return hooks;
}

std::string take_shapelib_error() {
  std::string message;
  std::swap(message, last_error);
  return message.empty() ? std::string("shapelib could not read it") : message;
}
}  // namespace detail

namespace {
using detail::DbfFile;

// The first line of a .cpg (as shapelib reads it); nullopt if there is none.
std::optional<std::string> read_cpg(const std::string& shp) {
  const std::string path = sibling(shp, "cpg");
  if (!std::filesystem::exists(path)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  std::string text(1024, '\0');
  if (in) in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (!in.is_open() || in.bad()) throw InputError(path + ": cannot read");
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text.substr(0, text.find_first_of("\r\n"));
}

// The CRS: --assume-crs, else the .prj (anything it does not make clear is an error), else a
// guess from the bounds with a warning (describe_crs).
void detect_crs(const std::string& shp, const ShapeHeader& header, AssumedCrs assume,
                Shapefile& out) {
  std::optional<std::string> wkt;
  const std::string path = sibling(shp, "prj");
  if (assume == AssumedCrs::none && std::filesystem::exists(path)) {
    constexpr std::size_t limit = 1 << 16;  // WKT 2 with every optional part is a few kB
    std::ifstream in(path, std::ios::binary);
    std::string text(limit + 1, '\0');
    if (in) in.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (!in.is_open() || in.bad()) throw InputError(path + ": cannot read");
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > limit) {
      throw InputError(path + ": larger than 64 KiB, not a coordinate system");
    }
    wkt = std::move(text);
  }
  describe_crs(wkt, path, "missing", header.bounds, assume, out);
}

// The field to take names from: `wanted`, or the first of NAME/name/Name; -1 if none.
int name_field_index(const std::string& dbf_path, DBFInfo* dbf, const std::string& wanted,
                     std::string& chosen) {
  const int fields = DBFGetFieldCount(dbf);
  std::vector<std::string> names;
  for (int f = 0; f < fields; ++f) {
    char name[XBASE_FLDNAME_LEN_READ + 1] = {};
    DBFGetFieldInfo(dbf, f, name, nullptr, nullptr);
    names.emplace_back(name);
  }
  const std::vector<std::string> candidates =
      wanted.empty() ? std::vector<std::string>{"NAME", "name", "Name"}
                     : std::vector<std::string>{wanted};
  for (const auto& c : candidates) {
    const auto it = std::find(names.begin(), names.end(), c);
    if (it != names.end()) {
      chosen = c;
      return static_cast<int>(it - names.begin());
    }
  }
  if (wanted.empty()) return -1;
  // --name-field without regard to case, as GDAL-read formats and --fields match it.
  const auto it = std::find_if(names.begin(), names.end(),
                               [&](const std::string& n) { return same_field(n, wanted); });
  if (it != names.end()) {
    chosen = *it;
    return static_cast<int>(it - names.begin());
  }
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  throw InputError(dbf_path + ": no field '" + wanted + "' (fields: " + list + ")");
}

// One --fields column from the DBF: 'N' without decimals as integers (as reals if a value
// does not fit), 'N' with decimals and 'F' as reals, dates as YYYY-MM-DD, the rest as text.
FieldColumn read_field(DBFInfo* dbf, int field, std::uint64_t records, Encoding encoding) {
  FieldColumn c;
  char name[XBASE_FLDNAME_LEN_READ + 1] = {};
  int width = 0;
  int decimals = 0;
  DBFGetFieldInfo(dbf, field, name, &width, &decimals);
  c.name = to_utf8(name, encoding);
  const char native = DBFGetNativeFieldType(dbf, field);
  c.type = native == 'N' && decimals == 0 ? FieldColumn::Type::integer
         : native == 'N' || native == 'F' ? FieldColumn::Type::real
                                          : FieldColumn::Type::text;
  c.null.assign(records, 0);
  for (std::uint64_t r = 0; r < records; ++r) {
    const int i = static_cast<int>(r);
    const bool null = DBFIsAttributeNULL(dbf, i, field) != 0;
    c.null[r] = null ? 1 : 0;
    const char* raw = null ? "" : DBFReadStringAttribute(dbf, i, field);
    std::string text = raw != nullptr ? raw : "";
    if (c.type == FieldColumn::Type::text) {
      if (native == 'D' && text.size() == 8) text = text.substr(0, 4) + "-" + text.substr(4, 2) + "-" + text.substr(6);
      c.texts.push_back(null ? std::string() : to_utf8(text, encoding));
      continue;
    }
    const char* begin = text.c_str();
    while (*begin == ' ') ++begin;
    char* end = nullptr;
    if (c.type == FieldColumn::Type::integer) {
      errno = 0;
      const long long v = null ? 0 : std::strtoll(begin, &end, 10);
      if (!null && (errno != 0 || end == begin)) {  // does not fit: the column becomes real
        c.type = FieldColumn::Type::real;
        for (std::int64_t k : c.integers) c.reals.push_back(static_cast<double>(k));
        for (std::uint64_t k = 0; k < r; ++k) {
          if (c.null[k] != 0) c.reals[k] = std::numeric_limits<double>::quiet_NaN();
        }
        c.integers.clear();
      } else {
        c.integers.push_back(v);
        continue;
      }
    }
    const double v = null ? std::numeric_limits<double>::quiet_NaN() : std::strtod(begin, &end);
    c.reals.push_back(!null && end == begin ? std::numeric_limits<double>::quiet_NaN() : v);
    if (!null && end == begin) c.null[r] = 1;  // blanks: no value
  }
  return c;
}

std::vector<std::string> read_names(const std::string& shp, std::uint64_t records,
                                    const std::string& wanted,
                                    const std::vector<std::string>& fields, Shapefile& out) {
  const std::string dbf_path = sibling(shp, "dbf");
  if (!std::filesystem::exists(dbf_path)) {
    throw InputError(dbf_path + ": missing (the shapefile's attribute table)");
  }
  SAHooks hooks = detail::mapped_read_hooks();
  DbfFile dbf(DBFOpenLL(dbf_path.c_str(), "rb", &hooks));
  if (!dbf) throw InputError(dbf_path + ": cannot read: " + detail::take_shapelib_error());
  const auto dbf_records = static_cast<std::uint64_t>(std::max(0, DBFGetRecordCount(dbf.get())));
  if (dbf_records != records) {
    throw InputError(dbf_path + ": " + std::to_string(dbf_records) + " records but the .shx has " +
                     std::to_string(records));
  }
  const std::optional<std::string> cpg = read_cpg(shp);
  const CodePage page = choose_code_page(cpg, dbf.get()->iLanguageDriver);
  if (!page.encoding) {
    throw InputError(dbf_path + ": code page '" + page.name +
                     "' is not supported (UTF-8, ISO-8859-1, Windows-1252)");
  }
  if (!page.warning.empty()) out.warnings.push_back(sibling(shp, "cpg") + ": " + page.warning);
  out.code_page = page.name;
  const auto& encoding = page.encoding;
  if (!fields.empty()) {
    std::vector<std::string> available;
    for (int f = 0; f < DBFGetFieldCount(dbf.get()); ++f) {
      char name[XBASE_FLDNAME_LEN_READ + 1] = {};
      DBFGetFieldInfo(dbf.get(), f, name, nullptr, nullptr);
      available.push_back(to_utf8(name, *encoding));
    }
    std::string error;
    for (int f : select_fields(available, fields, error)) {
      out.fields.push_back(read_field(dbf.get(), f, records, *encoding));
    }
    if (!error.empty()) throw InputError(dbf_path + ": " + error);
  }
  const int field = name_field_index(dbf_path, dbf.get(), wanted, out.name_field);
  if (field < 0) return std::vector<std::string>(records);
  if (DBFGetNativeFieldType(dbf.get(), field) == 'C') {  // text: parsed in place, see dbf_text.cpp
    detail::TextField where{1, 0};  // byte 0 of each record is the deletion flag
    for (int f = 0; f <= field; ++f) {
      int width = 0;
      DBFGetFieldInfo(dbf.get(), f, nullptr, &width, nullptr);
      (f < field ? where.offset : where.width) += static_cast<std::uint64_t>(std::max(0, width));
    }
    return detail::read_text_field(dbf_path, records, where, *encoding);
  }
  std::vector<std::string> names(records);
  for (std::uint64_t r = 0; r < records; ++r) {
    const int i = static_cast<int>(r);
    if (DBFIsAttributeNULL(dbf.get(), i, field) != 0) continue;
    const char* text = DBFReadStringAttribute(dbf.get(), i, field);
    if (text != nullptr) names[r] = to_utf8(text, *encoding);
  }
  return names;
}

}  // namespace

void describe_crs(const std::optional<std::string>& wkt, const std::string& where,
                  const std::string& missing, const double* bounds, AssumedCrs assume,
                  Shapefile& out) {
  if (assume != AssumedCrs::none) {
    out.crs = assume == AssumedCrs::wgs84 ? Crs::geographic : Crs::projected;
    out.crs_source = "--assume-crs";
    return;
  }
  if (wkt) {
    const PrjCrs prj = classify_prj(*wkt, where);
    out.crs = prj.kind;
    out.crs_source = "prj";
    out.crs_wkt = wkt->substr(0, wkt->find('\0'));
    if (out.crs_wkt.rfind("\xEF\xBB\xBF", 0) == 0) out.crs_wkt.erase(0, 3);  // a BOM
    out.crs_name = prj.name;
    if (prj.kind == Crs::geographic) {
      out.ellipsoid = prj.ellipsoid;
      out.semi_major_m = prj.semi_major_m;
      out.inverse_flattening = prj.inverse_flattening;
    } else {
      out.planar_unit = prj.unit;
      out.planar_unit_m = prj.unit_m;
    }
    return;
  }
  const double* b = bounds;
  const bool lonlat = b[0] >= -180.0 && b[2] <= 360.0 && b[1] >= -90.0 && b[3] <= 90.0;
  out.crs = lonlat ? Crs::geographic : Crs::projected;
  out.crs_source = "bounds";
  out.warnings.push_back(
      where + ": " + missing + "; " +
      (lonlat ? "the coordinates fit in [-180, 360] x [-90, 90], so they are taken as "
                "longitude/latitude on WGS84 (geodesic areas); pass --assume-crs EPSG:4326 to "
                "say so and silence this, or --assume-crs planar"
              : "the coordinates exceed longitude/latitude bounds, so they are taken as planar "
                "(areas in their unit²); pass --assume-crs planar to say so and silence this"));
}

ShapefileReader::ShapefileReader(const std::string& path, const std::string& name_field,
                                 AssumedCrs assume, const std::vector<std::string>& fields) {
  const std::string shp = sibling(path, "shp");
  const ShapeHeader header = check_shape_header(shp);
  records_ = check_shape_index(sibling(shp, "shx"), header);
  info_.shape_type = header.shape_type;
  info_.names = read_names(shp, records_, name_field, fields, info_);
  detect_crs(shp, header, assume, info_);
  if (records_ == 0) throw InputError(shp + ": no records (empty shapefile)");
  // Our own parser rather than SHPReadObject: reading 10 M vertices is 3x faster (shp_records.cpp).
  shp_ = std::make_unique<detail::ShpRecords>(shp, sibling(shp, "shx"), header, info_.crs);
  if (shp_->records() != records_) throw InputError(shp + ": changed while reading");
}

ShapefileReader::ShapefileReader(const std::string& path, Crs crs, std::uint64_t records,
                                 std::uint64_t first, std::uint64_t last) {
  const std::string shp = sibling(path, "shp");
  const ShapeHeader header = check_shape_header(shp);
  info_.shape_type = header.shape_type;
  info_.crs = crs;
  shp_ = std::make_unique<detail::ShpRecords>(shp, sibling(shp, "shx"), header, crs);
  records_ = shp_->records();
  if (records_ != records || first > last || last > records_) {
    throw InputError(shp + ": changed while reading (its index lists " +
                     std::to_string(records_) + " records, not " + std::to_string(records) + ")");
  }
}

ShapefileReader::~ShapefileReader() = default;

std::vector<std::uint64_t> ShapefileReader::vertex_counts() const { return shp_->vertex_counts(); }

std::vector<std::uint64_t> ShapefileReader::vertex_estimates() const {
  return shp_->vertex_estimates();
}

std::uint64_t ShapefileReader::chunk_end(std::uint64_t first, std::uint64_t last,
                                         std::uint64_t bytes) const {
  return shp_->chunk_end(first, last, bytes);
}

void ShapefileReader::read(std::uint64_t first, std::uint64_t last, PolygonSet& set) const {
  shp_->read(first, last, set);
}

void ShapefileReader::planar_areas(std::uint64_t first, std::uint64_t last,
                                   std::span<double> area, std::span<std::uint64_t> vertices,
                                   std::span<std::uint32_t> parts) const {
  shp_->planar_areas(first, last, area, vertices, parts);
}

void ShapefileReader::prefault(std::uint64_t first, std::uint64_t last) const {
  shp_->prefault(first, last);
}

Shapefile read_shapefile(const std::string& path, const std::string& name_field,
                         AssumedCrs assume) {
  ShapefileReader reader(path, name_field, assume);
  reader.read(0, reader.records(), reader.info().polygons);
  return std::move(reader.info());
}

}  // namespace rankwise::polygons
