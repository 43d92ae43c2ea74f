// Classifying a .prj: a small WKT 1 / WKT 2 parser and the few facts areas depend on.
#include "rankwise/polygons/crs.hpp"

#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <span>
#include <stdexcept>
#include <vector>

#include "rankwise/errors.hpp"
#include "rankwise/polygons/code_page.hpp"

namespace rankwise::polygons {
namespace {

constexpr double wgs84_a = 6378137.0;
constexpr double wgs84_rf = 298.257223563;
constexpr double degree = 0.017453292519943295;  // radians
constexpr int max_depth = 32;                    // real .prj files nest 5 or 6 deep

const char* const way_out =
    "; pass --assume-crs EPSG:4326 (lon/lat on WGS84) or --assume-crs planar to say what the "
    "coordinates are";

/// KEYWORD[value, ..., CHILD[...], ...]: values are quoted texts, numbers and bare words in
/// the order given; children are the nested keywords.
struct Node {
  std::string keyword;  // upper case
  std::vector<std::string> values;
  std::vector<Node> children;

  [[nodiscard]] const Node* child(std::initializer_list<std::string_view> names) const {
    for (const auto& c : children) {
      for (auto n : names) {
        if (c.keyword == n) return &c;
      }
    }
    return nullptr;
  }
  [[nodiscard]] const Node* find(std::initializer_list<std::string_view> names) const {
    if (const Node* c = child(names)) return c;
    for (const auto& c : children) {
      if (const Node* f = c.find(names)) return f;
    }
    return nullptr;
  }
};

class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  Node root() {
    if (s_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
    Node n = node(0);
    skip();
    while (pos_ < s_.size() && s_[pos_] == '\0') ++pos_;
    skip();
    if (pos_ != s_.size()) fail("text after the closing bracket");
    return n;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw std::invalid_argument(what + " at byte " + std::to_string(pos_));
  }
  void skip() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_])) != 0) ++pos_;
  }
  static bool word_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.' ||
           c == '-' || c == '+';
  }
  std::string word() {
    const std::size_t start = pos_;
    while (pos_ < s_.size() && word_char(s_[pos_])) ++pos_;
    return std::string(s_.substr(start, pos_ - start));
  }
  std::string quoted() {  // "..." with "" for a quote inside (WKT 2)
    std::string out;
    for (++pos_; pos_ < s_.size(); ++pos_) {
      if (s_[pos_] == '"') {
        if (pos_ + 1 < s_.size() && s_[pos_ + 1] == '"') {
          out.push_back('"');
          ++pos_;
          continue;
        }
        ++pos_;
        return out;
      }
      out.push_back(s_[pos_]);
    }
    fail("unterminated quoted text");
  }
  Node node(int depth) {
    if (depth > max_depth) fail("nested deeper than " + std::to_string(max_depth));
    skip();
    Node n;
    n.keyword = word();
    if (n.keyword.empty() || std::isalpha(static_cast<unsigned char>(n.keyword[0])) == 0) {
      fail("expected a WKT keyword");
    }
    for (auto& c : n.keyword) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    skip();
    if (pos_ >= s_.size() || (s_[pos_] != '[' && s_[pos_] != '(')) fail("expected '[' after " + n.keyword);
    const char close = s_[pos_] == '[' ? ']' : ')';
    ++pos_;
    for (;;) {
      skip();
      if (pos_ >= s_.size()) fail("missing '" + std::string(1, close) + "' of " + n.keyword);
      if (s_[pos_] == '"') {
        n.values.push_back(quoted());
      } else {
        const std::size_t start = pos_;
        std::string w = word();
        if (w.empty()) fail("unexpected character in " + n.keyword);
        skip();
        if (pos_ < s_.size() && (s_[pos_] == '[' || s_[pos_] == '(') &&
            std::isalpha(static_cast<unsigned char>(w[0])) != 0) {
          pos_ = start;
          n.children.push_back(node(depth + 1));
        } else {
          n.values.push_back(std::move(w));
        }
      }
      skip();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < s_.size() && s_[pos_] == close) {
        ++pos_;
        return n;
      }
      fail("expected ',' or '" + std::string(1, close) + "' in " + n.keyword);
    }
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

std::optional<double> number(const Node& n, std::size_t i) {
  if (i >= n.values.size() || n.values[i].empty()) return std::nullopt;
  const char* begin = n.values[i].c_str();
  char* end = nullptr;
  const double v = std::strtod(begin, &end);
  if (end != begin + n.values[i].size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// The node's name (its first value), fit for a message or an HDF5 attribute.
std::string text(const Node& n) { return n.values.empty() ? std::string() : printable(n.values[0]); }

std::string fmt(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

// UNIT / LENGTHUNIT / ANGLEUNIT ["name", factor]: the factor (metres or radians per unit).
double unit_factor(const Node& u, const std::string& path) {
  const auto f = number(u, 1);
  if (!f || *f <= 0) {
    throw InputError(path + ": " + u.keyword + "[\"" + text(u) + "\"] has no valid conversion factor" +
                     way_out);
  }
  return *f;
}

// The units a CRS node states for its coordinates: its own direct unit children, or its
// AXIS children's. Never the units inside DATUM, CONVERSION or a base CRS.
std::vector<const Node*> coordinate_units(const Node& crs,
                                          std::initializer_list<std::string_view> names) {
  std::vector<const Node*> units;
  for (const auto& c : crs.children) {
    for (auto n : names) {
      if (c.keyword == n) units.push_back(&c);
    }
    if (c.keyword == "AXIS") {
      if (const Node* u = c.child(names)) units.push_back(u);
    }
  }
  return units;
}

PrjCrs geographic(const Node& crs, const std::string& path) {
  PrjCrs out;
  out.kind = Crs::geographic;
  out.name = text(crs);
  if (crs.keyword == "GEODCRS") {
    const Node* cs = crs.child({"CS"});
    if (cs != nullptr && !cs->values.empty()) {
      std::string type = cs->values[0];
      for (auto& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (type != "ellipsoidal") {
        throw InputError(path + ": '" + out.name + "' is a geocentric (" + cs->values[0] +
                         ") coordinate system, not longitude/latitude" + way_out);
      }
    }
  }
  const Node* e = crs.find({"SPHEROID", "ELLIPSOID"});
  if (e == nullptr) {
    throw InputError(path + ": the geographic coordinate system '" + out.name +
                     "' names no ellipsoid (SPHEROID/ELLIPSOID)" + way_out);
  }
  out.ellipsoid = text(*e);
  const auto a = number(*e, 1);
  const auto rf = number(*e, 2);
  if (!a || !rf || *a <= 0 || *rf < 0) {
    throw InputError(path + ": ellipsoid '" + out.ellipsoid +
                     "' has no valid semi-major axis and inverse flattening" + way_out);
  }
  const Node* length = e->child({"LENGTHUNIT", "UNIT"});
  out.semi_major_m = *a * (length != nullptr ? unit_factor(*length, path) : 1.0);
  out.inverse_flattening = *rf;
  for (const Node* u : coordinate_units(crs, {"UNIT", "ANGLEUNIT"})) {
    const double f = unit_factor(*u, path);
    if (std::abs(f / degree - 1) > 1e-9) {
      throw InputError(path + ": longitude/latitude in " + text(*u) + " (" + fmt(f) +
                       " rad), not degrees; rankwise reads degrees" + way_out);
    }
  }
  return out;
}

PrjCrs projected(const Node& crs, const std::string& path) {
  PrjCrs out;
  out.kind = Crs::projected;
  out.name = text(crs);
  const auto units = coordinate_units(crs, {"UNIT", "LENGTHUNIT"});
  if (units.empty()) {
    throw InputError(path + ": the projected coordinate system '" + out.name +
                     "' names no linear unit (UNIT/LENGTHUNIT)" + way_out);
  }
  out.unit = text(*units[0]);
  out.unit_m = unit_factor(*units[0], path);
  for (const Node* u : units) {
    if (unit_factor(*u, path) != out.unit_m) {
      throw InputError(path + ": the projected coordinate system '" + out.name +
                       "' has axes in different units (" + out.unit + ", " + text(*u) + ")" +
                       way_out);
    }
  }
  return out;
}

bool is(const Node& n, std::span<const std::string_view> names) {
  for (auto k : names) {
    if (n.keyword == k) return true;
  }
  return false;
}

constexpr std::array<std::string_view, 3> geographic_roots = {"GEOGCS", "GEOGCRS", "GEODCRS"};
constexpr std::array<std::string_view, 3> projected_roots = {"PROJCS", "PROJCRS", "PROJECTEDCRS"};
constexpr std::array<std::string_view, 2> compound_roots = {"COMPD_CS", "COMPOUNDCRS"};

PrjCrs classify(const Node& n, const std::string& path, int depth) {
  if (is(n, geographic_roots)) return geographic(n, path);
  if (is(n, projected_roots)) return projected(n, path);
  if (depth < 2 && is(n, compound_roots)) {  // horizontal + vertical
    for (const auto& c : n.children) {
      if (is(c, geographic_roots) || is(c, projected_roots)) return classify(c, path, depth + 1);
    }
  }
  if (depth < 2 && n.keyword == "BOUNDCRS") {  // a CRS with a transformation to WGS84
    if (const Node* s = n.child({"SOURCECRS"}); s != nullptr && !s->children.empty()) {
      return classify(s->children[0], path, depth + 1);
    }
  }
  throw InputError(path + ": a " + n.keyword +
                   " coordinate system, neither geographic (GEOGCS/GEOGCRS) nor projected "
                   "(PROJCS/PROJCRS)" + way_out);
}

}  // namespace

bool is_wgs84(double semi_major_m, double inverse_flattening) {
  return std::abs(semi_major_m - wgs84_a) <= 0.01 &&
         std::abs(inverse_flattening - wgs84_rf) <= 1e-5;
}

std::string planar_area_unit(const std::string& unit, double unit_m) {
  if (unit_m == 1.0) return "m²";
  return (unit.empty() ? std::string("unit") : unit) + "²";
}

PrjCrs classify_prj(std::string_view wkt, const std::string& path) {
  Node root;
  try {
    root = Parser(wkt).root();
  } catch (const std::invalid_argument& e) {
    throw InputError(path + ": not a WKT coordinate system (" + e.what() + ")" + way_out);
  }
  return classify(root, path, 0);
}

}  // namespace rankwise::polygons
