// Strings and dimension scales for readers (see h5_readers.hpp).
//
// Dimension names by dataset (the rest get "<dataset>_dim<k>"):
//   /timings/seconds [rank, phase], /timings/{hosts,threads} [rank], /timings/phases [phase]
//   /pi/rank_partials [rank], /pi/history/* [step]
//   /nbody: [frame, particle, xyz] (positions, velocities), masses [particle],
//           [frame, xyz] (center of mass, momentum, ...), other 1-D [frame]
//   /nbody/frames/<block> (row views of positions and velocities): [particle, xyz], with
//           scales of their own in the block (particle: a view of /nbody/particle)
//   /polygons/* and /polygons/fields/* [record] (the scale is /polygons/record),
//   /polygons/groups/* [group]
//   checkpoints (datasets at /): [particle, xyz], masses [particle]
// A dimension's scale is a dataset of its name in the dataset's group (the existing one if it
// is 1-D of the right length, e.g. /polygons/record; else made: indices 0..n-1, the names
// "x","y","z" for xyz, the phase names for phase).
// Row views get their scales per block of rows: HDF5 keeps a scale's back-references in one
// attribute, rewritten on every attach (quadratic) and limited to 64 KiB (~4000 datasets).
#include "h5_readers.hpp"

#include <hdf5_hl.h>

#include <map>
#include <mutex>
#include <numeric>
#include <utility>

#include "rankwise/errors.hpp"
#include "rankwise/io/h5.hpp"

namespace rankwise::io {
namespace {

struct Id {
  hid_t id = -1;
  explicit Id(hid_t i) : id(i) {}
  Id(Id&& o) noexcept : id(std::exchange(o.id, -1)) {}
  Id(const Id&) = delete;
  Id& operator=(const Id&) = delete;
  Id& operator=(Id&&) = delete;
  ~Id() {
    if (id >= 0) H5Idec_ref(id);
  }
};

hid_t ok(hid_t id, const std::string& what) {
  if (id < 0) throw IoError("HDF5: " + what + " failed");
  return id;
}
void ok_rc(herr_t rc, const std::string& what) {
  if (rc < 0) throw IoError("HDF5: " + what + " failed");
}

std::string object_name(hid_t obj) {
  const ssize_t n = H5Iget_name(obj, nullptr, 0);
  std::string s(static_cast<std::size_t>(std::max<ssize_t>(n, 0)), '\0');
  if (n > 0) H5Iget_name(obj, s.data(), static_cast<std::size_t>(n) + 1);
  return s;
}

std::string file_name(hid_t obj) {
  const ssize_t n = H5Fget_name(obj, nullptr, 0);
  std::string s(static_cast<std::size_t>(std::max<ssize_t>(n, 0)), '\0');
  if (n > 0) H5Fget_name(obj, s.data(), static_cast<std::size_t>(n) + 1);
  return s;
}

struct DeferredStrings {
  std::string dataset;  // full path in the file
  std::vector<std::string> rows;
};
struct DeferredViews {
  std::string group;    // full path of the group holding the dataset
  std::string dataset;  // its name in `group`
  std::string views;    // the views' group, in `group`
};
struct Deferred {
  std::vector<DeferredStrings> strings;
  std::vector<DeferredViews> views;
};
std::mutex g_mutex;
std::map<std::string, Deferred> g_deferred;  // by file name

Id utf8_vlen() {
  Id t(ok(H5Tcopy(H5T_C_S1), "H5Tcopy"));
  ok_rc(H5Tset_size(t.id, H5T_VARIABLE), "H5Tset_size");
  ok_rc(H5Tset_cset(t.id, H5T_CSET_UTF8), "H5Tset_cset");
  return t;
}

void write_strings_at(hid_t loc, const std::string& name, const std::vector<std::string>& rows) {
  Id type = utf8_vlen();
  const hsize_t n = rows.size();
  Id space(ok(H5Screate_simple(1, &n, nullptr), "H5Screate_simple"));
  Id ds(ok(H5Dcreate2(loc, name.c_str(), type.id, space.id, H5P_DEFAULT, H5P_DEFAULT,
                      H5P_DEFAULT),
           "create dataset " + name));
  std::vector<const char*> ptrs(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) ptrs[i] = rows[i].c_str();
  if (n > 0) {
    ok_rc(H5Dwrite(ds.id, type.id, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()),
          "write dataset " + name);
  }
}

// ---- dimension names ----------------------------------------------------------------------

struct Axes {
  std::vector<std::string> names;  // one per axis
  std::string scale_group;         // where the scales live
  std::string like;                // index scales made there are views of this group's
};

bool starts_with(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }

Axes axes_of(const std::string& path, const std::vector<hsize_t>& shape) {
  const std::size_t slash = path.rfind('/');
  const std::string group = slash == 0 ? "/" : path.substr(0, slash);
  const std::string name = path.substr(slash + 1);
  const std::size_t rank = shape.size();
  Axes a;
  a.scale_group = group;
  if (group == "/timings") {
    if (name == "seconds" && rank == 2) a.names = {"rank", "phase"};
    else if (name == "phases" && rank == 1) a.names = {"phase"};
    else if (rank == 1) a.names = {"rank"};
  } else if (group == "/pi") {
    if (rank == 1 && name == "rank_partials") a.names = {"rank"};
  } else if (group == "/pi/history") {
    if (rank == 1) a.names = {"step"};
  } else if (group == "/nbody") {
    if (rank == 3) a.names = {"frame", "particle", "xyz"};
    else if (rank == 1 && name == "masses") a.names = {"particle"};
    else if (rank == 1 && name == "mass_fraction") a.names = {"mass_fraction"};
    else if (rank == 2 && name == "lagrangian_radii") a.names = {"frame", "mass_fraction"};
    else if (rank == 2 && shape[1] == 3) a.names = {"frame", "xyz"};
    else if (rank == 1) a.names = {"frame"};
  } else if (starts_with(group, "/nbody/frames/")) {
    if (rank == 2 && shape[1] == 3) a.names = {"particle", "xyz"};
    a.like = "/nbody";
  } else if (group == "/polygons/groups") {
    if (rank == 1) a.names = {"group"};
  } else if (group == "/polygons" || starts_with(group, "/polygons/fields")) {
    if (rank == 1) a.names = {"record"};
    a.scale_group = "/polygons";
  } else if (group == "/") {
    if (rank == 2 && shape[1] == 3) a.names = {"particle", "xyz"};
    else if (rank == 1 && name == "masses") a.names = {"particle"};
  }
  if (a.names.size() != rank) {  // not one of ours: names of its own
    a.names.clear();
    a.scale_group = group;
    for (std::size_t k = 0; k < rank; ++k) a.names.push_back(name + "_dim" + std::to_string(k));
  }
  return a;
}

std::vector<hsize_t> shape_of(hid_t ds) {
  Id space(ok(H5Dget_space(ds), "H5Dget_space"));
  const int rank = H5Sget_simple_extent_ndims(space.id);
  std::vector<hsize_t> d(static_cast<std::size_t>(std::max(rank, 0)));
  if (rank > 0) H5Sget_simple_extent_dims(space.id, d.data(), nullptr);
  return d;
}

herr_t collect(hid_t, const char* name, const H5O_info_t* info, void* out) {
  if (info->type == H5O_TYPE_DATASET) {
    static_cast<std::vector<std::string>*>(out)->push_back(std::string("/") + name);
  }
  return 0;
}

// Dataset `name` in `loc`: an HDF5 virtual dataset of shape `space` showing the elements
// `source_space` selects in dataset `source` of the same file ("."): no data of its own.
void create_view(hid_t loc, const std::string& name, hid_t type, hid_t space,
                 const std::string& source, hid_t source_space) {
  Id dcpl(ok(H5Pcreate(H5P_DATASET_CREATE), "H5Pcreate"));
  ok_rc(H5Pset_virtual(dcpl.id, space, ".", source.c_str(), source_space),
        "H5Pset_virtual " + source);
  Id view(ok(H5Dcreate2(loc, name.c_str(), type, space, H5P_DEFAULT, dcpl.id, H5P_DEFAULT),
             "create view " + name));
}

// The scale for `dim` of length n in group `group`: the existing dataset of that name if it
// is 1-D of length n, else a new one (a view of `like`/dim if that is a 1-D index of length
// n); an empty path if the name is taken by something else.
std::string scale_for(hid_t file, const std::string& group, const std::string& dim, hsize_t n,
                      const std::string& like) {
  const std::string path = (group == "/" ? "" : group) + "/" + dim;
  if (H5Lexists(file, path.c_str(), H5P_DEFAULT) > 0) {
    H5O_info_t info;
    if (H5Oget_info_by_name(file, path.c_str(), &info, H5P_DEFAULT) < 0 ||
        info.type != H5O_TYPE_DATASET) {
      return {};
    }
    Id ds(ok(H5Dopen2(file, path.c_str(), H5P_DEFAULT), "open " + path));
    const auto shape = shape_of(ds.id);
    return shape.size() == 1 && shape[0] == n ? path : std::string();
  }
  Id g(ok(H5Gopen2(file, group.c_str(), H5P_DEFAULT), "open " + group));
  if (dim == "xyz" && n == 3) {
    write_strings_at(g.id, dim, {"x", "y", "z"});
  } else if (dim == "phase" && H5Lexists(g.id, "phases", H5P_DEFAULT) > 0) {
    Id src(ok(H5Dopen2(g.id, "phases", H5P_DEFAULT), "open phases"));
    Id type(ok(H5Dget_type(src.id), "H5Dget_type"));
    std::vector<std::string> rows;
    if (H5Tis_variable_str(type.id) > 0 && shape_of(src.id) == std::vector<hsize_t>{n}) {
      std::vector<char*> p(n, nullptr);
      Id mt = utf8_vlen();
      ok_rc(H5Dread(src.id, mt.id, H5S_ALL, H5S_ALL, H5P_DEFAULT, p.data()), "read phases");
      for (char* c : p) rows.emplace_back(c != nullptr ? c : "");
      Id space(ok(H5Dget_space(src.id), "H5Dget_space"));
      H5Dvlen_reclaim(mt.id, space.id, H5P_DEFAULT, p.data());
    } else {
      rows.resize(n);
    }
    write_strings_at(g.id, dim, rows);
  } else if (const std::string model = like + "/" + dim;
             !like.empty() && H5Lexists(file, model.c_str(), H5P_DEFAULT) > 0 &&
             scale_for(file, like, dim, n, {}) == model) {
    Id space(ok(H5Screate_simple(1, &n, nullptr), "H5Screate_simple"));
    Id src(ok(H5Dopen2(file, model.c_str(), H5P_DEFAULT), "open " + model));
    Id type(ok(H5Dget_type(src.id), "H5Dget_type"));
    create_view(g.id, dim, type.id, space.id, model, space.id);
  } else {
    std::vector<std::int64_t> index(n);
    std::iota(index.begin(), index.end(), std::int64_t{0});
    Id space(ok(H5Screate_simple(1, &n, nullptr), "H5Screate_simple"));
    Id ds(ok(H5Dcreate2(g.id, dim.c_str(), H5T_STD_I64LE, space.id, H5P_DEFAULT, H5P_DEFAULT,
                        H5P_DEFAULT),
             "create " + path));
    if (n > 0) {
      ok_rc(H5Dwrite(ds.id, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, index.data()),
            "write " + path);
    }
  }
  return path;
}

// One virtual dataset per row of v.dataset [R, ...] that viewed_rows() names: view i is row
// i, shape [...], named row_view_name(v.dataset, i) (in a block group of kRowsPerBlock rows).
void make_row_views(hid_t file, const DeferredViews& v) {
  Id g(ok(H5Gopen2(file, v.group.c_str(), H5P_DEFAULT), "open " + v.group));
  Id src(ok(H5Dopen2(g.id, v.dataset.c_str(), H5P_DEFAULT), "open " + v.dataset));
  Id type(ok(H5Dget_type(src.id), "H5Dget_type"));
  const auto shape = shape_of(src.id);
  if (shape.size() < 2) throw IoError("row views of " + v.dataset + ": not a 2-D or larger dataset");
  const std::string source = (v.group == "/" ? "" : v.group) + "/" + v.dataset;
  auto open_or_create = [](hid_t loc, const std::string& name) {
    return Id(H5Lexists(loc, name.c_str(), H5P_DEFAULT) > 0
                  ? ok(H5Gopen2(loc, name.c_str(), H5P_DEFAULT), "open " + name)
                  : ok(H5Gcreate2(loc, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                       "create " + name));
  };
  Id views = open_or_create(g.id, v.views);
  const std::vector<hsize_t> row(shape.begin() + 1, shape.end());
  Id row_space(ok(H5Screate_simple(static_cast<int>(row.size()), row.data(), nullptr),
                  "H5Screate_simple"));
  Id source_space(ok(H5Screate_simple(static_cast<int>(shape.size()), shape.data(), nullptr),
                     "H5Screate_simple"));
  std::vector<hsize_t> start(shape.size(), 0);
  std::vector<hsize_t> count = shape;
  count[0] = 1;
  for (const hsize_t i : viewed_rows(shape[0])) {
    start[0] = i;
    ok_rc(H5Sselect_hyperslab(source_space.id, H5S_SELECT_SET, start.data(), nullptr,
                              count.data(), nullptr),
          "H5Sselect_hyperslab");
    const std::string name = row_view_name(v.dataset, i);
    const std::size_t slash = name.find('/');
    Id block = open_or_create(views.id, name.substr(0, slash));
    create_view(block.id, name.substr(slash + 1), type.id, row_space.id, source,
                source_space.id);
  }
}

void attach_scales(hid_t file) {
  std::vector<std::string> datasets;
  ok_rc(H5Ovisit(file, H5_INDEX_NAME, H5_ITER_NATIVE, collect, &datasets), "H5Ovisit");
  for (const std::string& path : datasets) {
    Id ds(ok(H5Dopen2(file, path.c_str(), H5P_DEFAULT), "open " + path));
    if (H5DSis_scale(ds.id) > 0) continue;
    const auto shape = shape_of(ds.id);
    const Axes axes = axes_of(path, shape);
    for (std::size_t k = 0; k < shape.size(); ++k) {
      const std::string scale =
          scale_for(file, axes.scale_group, axes.names[k], shape[k], axes.like);
      if (scale.empty()) continue;  // the name is taken: this axis stays unnamed
      Id sc(ok(H5Dopen2(file, scale.c_str(), H5P_DEFAULT), "open " + scale));
      if (H5DSis_scale(sc.id) <= 0) {
        ok_rc(H5DSset_scale(sc.id, axes.names[k].c_str()), "H5DSset_scale " + scale);
      }
      if (scale == path) continue;  // a coordinate: its own scale
      ok_rc(H5DSattach_scale(ds.id, sc.id, static_cast<unsigned>(k)),
            "H5DSattach_scale " + path);
    }
  }
}

}  // namespace

void write_vlen_strings(hid_t group, const std::string& name, const std::vector<std::string>& rows) {
  write_strings_at(group, name, rows);
}

void defer_strings(hid_t group, const std::string& name, std::vector<std::string> rows) {
  std::string at = object_name(group);
  const std::string dataset = (at == "/" ? "" : at) + "/" + name;
  const std::lock_guard lock(g_mutex);
  g_deferred[file_name(group)].strings.push_back({dataset, std::move(rows)});
}

void defer_row_views(hid_t group, const std::string& name, const std::string& views_group) {
  const std::lock_guard lock(g_mutex);
  g_deferred[file_name(group)].views.push_back({object_name(group), name, views_group});
}

void finish_for_readers(const std::string& path) {
  Deferred deferred;
  {
    const std::lock_guard lock(g_mutex);
    const auto it = g_deferred.find(path);
    if (it != g_deferred.end()) {
      deferred = std::move(it->second);
      g_deferred.erase(it);
    }
  }
  const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  if (id < 0) throw IoError("cannot reopen '" + path + "' to finish it");
  Id file(id);
  for (const DeferredStrings& d : deferred.strings) {
    const std::size_t slash = d.dataset.rfind('/');
    const std::string group = slash == 0 ? "/" : d.dataset.substr(0, slash);
    Id g(ok(H5Gopen2(file.id, group.c_str(), H5P_DEFAULT), "open " + group));
    write_strings_at(g.id, d.dataset.substr(slash + 1), d.rows);
  }
  for (const DeferredViews& v : deferred.views) make_row_views(file.id, v);
  attach_scales(file.id);
  if (H5Fflush(file.id, H5F_SCOPE_GLOBAL) < 0) throw IoError("cannot write '" + path + "'");
  const hid_t closing = file.id;
  file.id = -1;
  if (H5Fclose(closing) < 0) throw IoError("cannot close '" + path + "' (disk full?)");
}

}  // namespace rankwise::io
