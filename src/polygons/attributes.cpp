// Attribute columns as text, the per-polygon CSV table and --group-by totals.
#include "rankwise/polygons/attributes.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <numeric>

#include "rankwise/errors.hpp"

namespace rankwise::polygons {
namespace {

std::string number(double v) {
  if (std::isnan(v)) return "";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// A CSV cell: quoted if it holds a comma, quote, CR or LF (quotes doubled).
std::string cell(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string FieldColumn::text(std::size_t r) const {
  if (null[r] != 0) return "";
  switch (type) {
    case Type::integer: return std::to_string(integers[r]);
    case Type::real: return number(reals[r]);
    case Type::text: return texts[r];
  }
  return "";
}

void write_csv(const std::string& path, const TableColumns& t) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw IoError(path + ": cannot write the table");
  // (cells appended one by one: GCC 12 warns falsely on chains of std::string +)
  const auto put = [&out](const std::string& text) { out << ',' << text; };
  out << "fid,name";
  for (const auto& f : *t.fields) put(cell(f.name));
  if (t.geodesic) out << ",area_m2,area_km2,perimeter_m";
  if (t.planar) out << ",area_planar";
  out << ",vertices\n";
  const std::size_t n = t.fid->size();
  for (std::size_t r = 0; r < n; ++r) {
    out << (*t.fid)[r];
    put(cell((*t.names)[r]));
    for (const auto& f : *t.fields) put(cell(f.text(r)));
    if (t.geodesic) {
      const double a = (*t.area_m2)[r];
      put(number(a));
      put(number(a / 1e6));
      put(number((*t.perimeter_m)[r]));
    }
    if (t.planar) put(number((*t.area_planar)[r]));
    put(number((*t.vertices)[r]));
    out << '\n';
  }
  out.flush();
  if (!out) throw IoError(path + ": cannot write the table (disk full?)");
}

GroupTotals group_totals(const TableColumns& t, const FieldColumn& by) {
  GroupTotals g;
  g.field = by.name;
  std::map<std::string, std::size_t> index;
  const std::size_t n = t.fid->size();
  const auto add = [](double& sum, double v) { sum += std::isnan(v) ? 0.0 : v; };
  for (std::size_t r = 0; r < n; ++r) {
    const std::string key = by.text(r);
    auto [it, fresh] = index.emplace(key, g.value.size());
    if (fresh) {
      g.value.push_back(key);
      g.count.push_back(0);
      g.area_m2.push_back(0);
      g.area_planar.push_back(0);
      g.perimeter_m.push_back(0);
      g.vertices.push_back(0);
    }
    const std::size_t k = it->second;
    ++g.count[k];
    add(g.area_m2[k], (*t.area_m2)[r]);
    add(g.area_planar[k], (*t.area_planar)[r]);
    add(g.perimeter_m[k], (*t.perimeter_m)[r]);
    add(g.vertices[k], (*t.vertices)[r]);
  }
  // Kinds not computed are NaN, never 0.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t k = 0; k < g.value.size(); ++k) {
    if (!t.geodesic) g.area_m2[k] = g.perimeter_m[k] = nan;
    if (!t.planar) g.area_planar[k] = nan;
  }
  // Largest area first (geodesic if computed, else planar); ties by value.
  std::vector<std::size_t> order(g.value.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  const auto& key = t.geodesic ? g.area_m2 : g.area_planar;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return key[a] > key[b] || (key[a] == key[b] && g.value[a] < g.value[b]);
  });
  GroupTotals s;
  s.field = g.field;
  for (std::size_t k : order) {
    s.value.push_back(g.value[k]);
    s.count.push_back(g.count[k]);
    s.area_m2.push_back(g.area_m2[k]);
    s.area_planar.push_back(g.area_planar[k]);
    s.perimeter_m.push_back(g.perimeter_m[k]);
    s.vertices.push_back(g.vertices[k]);
  }
  return s;
}

}  // namespace rankwise::polygons
