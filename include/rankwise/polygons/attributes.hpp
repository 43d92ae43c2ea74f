#pragma once
/// Attribute columns of the polygons (--fields), typed as the file types them, and the
/// per-polygon table (--csv, --format csv) and group totals (--group-by) made from them.
/// Header-only parts are shared with the GDAL module (src/polygons/ogr).
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string>
#include <vector>

namespace rankwise::polygons {

/// One attribute column, one value per record.
struct FieldColumn {
  enum class Type { integer, real, text };
  std::string name;  ///< as the file spells it
  Type type = Type::text;
  std::vector<std::int64_t> integers;  ///< Type::integer (nulls: see `null`)
  std::vector<double> reals;           ///< Type::real (nulls: NaN)
  std::vector<std::string> texts;      ///< Type::text, UTF-8 (nulls: "")
  std::vector<std::uint8_t> null;      ///< 1 where the file has no value
  [[nodiscard]] std::size_t size() const noexcept { return null.size(); }
  /// The value of record r as CSV/console text ("" for a null).
  [[nodiscard]] std::string text(std::size_t r) const;
};

/// Case-insensitive ASCII comparison of field names.
[[nodiscard]] inline bool same_field(const std::string& a, const std::string& b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

/// Indices into `available` of the `wanted` fields, in the order asked ("all": every field,
/// in file order; matched without case, each once). Empty `error` on success; otherwise it
/// names the first field not found and lists the available ones.
[[nodiscard]] inline std::vector<int> select_fields(const std::vector<std::string>& available,
                                                    const std::vector<std::string>& wanted,
                                                    std::string& error) {
  std::vector<int> out;
  for (const std::string& w : wanted) {
    if (same_field(w, "all")) {
      for (int i = 0; i < static_cast<int>(available.size()); ++i) {
        if (std::find(out.begin(), out.end(), i) == out.end()) out.push_back(i);
      }
      continue;
    }
    const auto it = std::find_if(available.begin(), available.end(),
                                 [&](const std::string& a) { return same_field(a, w); });
    if (it == available.end()) {
      std::string list;
      for (const auto& a : available) list += (list.empty() ? "" : ", ") + a;
      error = "no field '" + w + "' (fields: " + list + ")";
      return {};
    }
    const int i = static_cast<int>(it - available.begin());
    if (std::find(out.begin(), out.end(), i) == out.end()) out.push_back(i);
  }
  return out;
}

}  // namespace rankwise::polygons

namespace rankwise::polygons {

/// Per-record results on root, in record order, for the table and the groups.
struct TableColumns {
  const std::vector<std::int64_t>* fid = nullptr;
  const std::vector<std::string>* names = nullptr;
  const std::vector<FieldColumn>* fields = nullptr;
  const std::vector<double>* area_m2 = nullptr;      ///< NaN where not computed
  const std::vector<double>* area_planar = nullptr;  ///< NaN where not computed
  const std::vector<double>* perimeter_m = nullptr;
  const std::vector<double>* vertices = nullptr;
  bool geodesic = true;  ///< columns for geodesic areas
  bool planar = false;   ///< a column for planar areas
  std::string planar_unit;  ///< e.g. "m²", "degree²"
};

/// The per-polygon table as CSV (RFC 4180, UTF-8, header line): fid, name, the fields, then
/// area_m2, area_km2, perimeter_m (geodesic), area_planar (planar), vertices. NaN and nulls
/// are empty cells; numbers keep 17 significant digits.
void write_csv(const std::string& path, const TableColumns& t);

/// Totals per distinct value of one field (--group-by), largest area first.
struct GroupTotals {
  std::string field;
  std::vector<std::string> value;  ///< the field's value as text ("" for records without one)
  std::vector<std::uint64_t> count;
  std::vector<double> area_m2;
  std::vector<double> area_planar;
  std::vector<double> perimeter_m;
  std::vector<double> vertices;
};

/// Groups `t`'s records by `by` (summed in record order: the same bits for any rank count).
[[nodiscard]] GroupTotals group_totals(const TableColumns& t, const FieldColumn& by);

}  // namespace rankwise::polygons
