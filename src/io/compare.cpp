// Bit-for-bit comparison of the results stored in two output files.
#include "rankwise/io/compare.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <set>

#include "rankwise/errors.hpp"
#include "rankwise/io/h5.hpp"

namespace rankwise::io {
namespace {

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// `name` is in `skip`, or starts with an entry "prefix*" of it.
bool skipped(const std::vector<std::string>& skip, const std::string& name) {
  for (const auto& s : skip) {
    if (s == name) return true;
    if (!s.empty() && s.back() == '*' && name.rfind(s.substr(0, s.size() - 1), 0) == 0) return true;
  }
  return false;
}

// Names in either list, each once, in order.
std::vector<std::string> both(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  std::sort(a.begin(), a.end());
  a.erase(std::unique(a.begin(), a.end()), a.end());
  return a;
}

std::string real(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::string shape(const Dims& d) {
  std::string s = "[";
  for (std::size_t k = 0; k < d.size(); ++k) s += (k ? ", " : "") + std::to_string(d[k]);
  return s + "]";
}

// "[i, j, k]" of flat index `flat` in an array of dims `d`.
std::string index_of(std::size_t flat, const Dims& d) {
  Dims idx(d.size());
  for (std::size_t k = d.size(); k-- > 0;) {
    idx[k] = flat % d[k];
    flat /= d[k];
  }
  return shape(idx);
}

// The value of a scalar attribute as text, and whether the two are equal bit for bit.
std::string attribute_text(const Group& g, const std::string& name, Group::Kind kind) {
  switch (kind) {
    case Group::Kind::text: return "'" + g.string_attribute(name) + "'";
    case Group::Kind::real: return real(g.double_attribute(name));
    case Group::Kind::signed_integer: return std::to_string(g.int_attribute(name));
    case Group::Kind::unsigned_integer:
    case Group::Kind::flag: return std::to_string(g.uint_attribute(name));
    case Group::Kind::other: break;
  }
  return "(unsupported type)";
}

Comparison compare_attribute(const Group& a, const Group& b, const std::string& name,
                             const std::string& path) {
  Comparison c{path, false, {}};
  if (!a.has_attribute(name)) return {path, false, "not in the stored file"};
  if (!b.has_attribute(name)) return {path, false, "missing from the new file"};
  const auto ka = a.attribute_kind(name);
  const auto kb = b.attribute_kind(name);
  const std::string ta = attribute_text(a, name, ka);
  const std::string tb = attribute_text(b, name, kb);
  bool same = ka == kb && ka != Group::Kind::other;
  if (same && ka == Group::Kind::real) {
    const double x = a.double_attribute(name), y = b.double_attribute(name);
    same = std::memcmp(&x, &y, sizeof x) == 0;
  } else if (same) {
    same = ta == tb;
  }
  c.same = same;
  c.detail = same ? "identical (" + ta + ")" : "differs: " + ta + " (stored) vs " + tb + " (new)";
  return c;
}

template <class T>
std::string element(const std::vector<T>& v, std::size_t i) {
  if constexpr (std::is_floating_point_v<T>) {
    return real(static_cast<double>(v[i]));
  } else if constexpr (std::is_same_v<T, std::string>) {
    return "'" + v[i] + "'";
  } else {
    return std::to_string(v[i]);
  }
}

template <class T>
bool equal_bits(const T& x, const T& y) {
  if constexpr (std::is_same_v<T, std::string>) {
    return x == y;
  } else {
    return std::memcmp(&x, &y, sizeof x) == 0;
  }
}

template <class T>
std::string compare_values(const std::vector<T>& x, const std::vector<T>& y, const Dims& d,
                           bool& same) {
  std::size_t differ = 0, first = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!equal_bits(x[i], y[i])) {
      if (differ++ == 0) first = i;
    }
  }
  same = differ == 0;
  const std::string count = std::to_string(x.size()) + (x.size() == 1 ? " value" : " values");
  if (same) return "identical (" + count + ")";
  return "differs in " + std::to_string(differ) + " of " + count + "; first at " +
         index_of(first, d) + ": " + element(x, first) + " (stored) vs " + element(y, first) +
         " (new)";
}

Comparison compare_dataset(const Group& a, const Group& b, const std::string& name,
                           const std::string& path) {
  const auto in_a = a.dataset_names(), in_b = b.dataset_names();
  if (!contains(in_a, name)) return {path, false, "not in the stored file"};
  if (!contains(in_b, name)) return {path, false, "missing from the new file"};
  const Dataset x = a.open_dataset(name), y = b.open_dataset(name);
  const std::string type = x.type_name();
  if (type != y.type_name()) {
    return {path, false, "differs in type: " + type + " (stored) vs " + y.type_name() + " (new)"};
  }
  const Dims d = x.dims();
  if (d != y.dims()) {
    return {path, false, "differs in shape: " + shape(d) + " (stored) vs " + shape(y.dims()) +
                             " (new)"};
  }
  Comparison c{path, false, {}};
  auto run = [&](auto tag) {
    using T = decltype(tag);
    c.detail = compare_values(x.read<T>(), y.read<T>(), d, c.same);
  };
  if (type == "string") {
    c.detail = compare_values(x.read_strings(), y.read_strings(), d, c.same);
  } else if (type == "float64") {
    run(double{});
  } else if (type == "float32") {
    run(float{});
  } else if (type == "int64") {
    run(std::int64_t{});
  } else if (type == "uint64") {
    run(std::uint64_t{});
  } else if (type == "int32") {
    run(std::int32_t{});
  } else if (type == "uint32") {
    run(std::uint32_t{});
  } else if (type == "int8") {
    run(std::int8_t{});
  } else if (type == "uint8") {
    run(std::uint8_t{});
  } else {
    c.detail = "not compared (type " + type + ")";
    c.same = true;
  }
  return c;
}

void compare_group(const Group& a, const Group& b, const std::string& path,
                   const std::vector<std::string>& skip, std::vector<Comparison>& out) {
  for (const auto& name : both(a.attribute_names(), b.attribute_names())) {
    if (!skipped(skip, name)) out.push_back(compare_attribute(a, b, name, path + "/" + name));
  }
  for (const auto& name : both(a.dataset_names(), b.dataset_names())) {
    if (!skipped(skip, name)) out.push_back(compare_dataset(a, b, name, path + "/" + name));
  }
  const auto groups_a = a.group_names(), groups_b = b.group_names();
  for (const auto& name : both(groups_a, groups_b)) {
    if (skipped(skip, name)) continue;
    if (!contains(groups_a, name)) {
      out.push_back({path + "/" + name, false, "group not in the stored file"});
    } else if (!contains(groups_b, name)) {
      out.push_back({path + "/" + name, false, "group missing from the new file"});
    } else {
      compare_group(a.open_group(name), b.open_group(name), path + "/" + name, skip, out);
    }
  }
}

}  // namespace

std::vector<Comparison> compare_results(const std::string& stored, const std::string& fresh,
                                        const std::string& group,
                                        const std::vector<std::string>& skip) {
  const File a = File::open_read(stored);
  const File b = File::open_read(fresh);
  const Group ra = a.root(), rb = b.root();
  if (!ra.exists(group)) throw InputError("'" + stored + "' has no group /" + group);
  if (!rb.exists(group)) throw InputError("'" + fresh + "' has no group /" + group);
  std::vector<Comparison> out;
  compare_group(ra.open_group(group), rb.open_group(group), "/" + group, skip, out);
  return out;
}

}  // namespace rankwise::io
