// rankwise polygons: read -> partition -> scatter -> compute -> gather -> write -> report.
#include "rankwise/polygons/polygons_driver.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <memory>
#include <numeric>

#include "rankwise/driver/memory.hpp"
#include "rankwise/io/output_path.hpp"
#include "rankwise/parallel/block_range.hpp"
#include "rankwise/polygons/area.hpp"
#include "rankwise/polygons/attributes.hpp"
#include "rankwise/polygons/crs.hpp"
#include "rankwise/polygons/partition.hpp"
#include "rankwise/polygons/shapefile.hpp"
#include "rankwise/polygons/synthetic.hpp"
#include "rankwise/polygons/vector_layer.hpp"
#include "rankwise/polygons/vector_source.hpp"
#include "rankwise/process/shutdown.hpp"

namespace rankwise::polygons {
namespace {

using timing::Phase;

// collective: refuse clearly before reading or generating if the set cannot fit. Root holds
// the whole set (16 bytes a vertex; a .shp has at least that per vertex) and its scatter
// buffers; every other rank holds its share and its results.
void check_fits(const PolygonsOptions& o, const parallel::Comm& comm) {
  double set_bytes = 0;
  if (o.generate > 0) {
    set_bytes = static_cast<double>(o.generate) * (16.0 * o.vertices + 64.0);
  } else if (comm.is_root()) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(
        is_plain_shapefile(o.input) ? sibling(o.input, "shp") : o.input, ec);
    set_bytes = ec ? 0.0 : static_cast<double>(size);
  }
  set_bytes = comm.max(set_bytes);
  const double need = comm.is_root() ? 2.5 * set_bytes : 1.5 * set_bytes / comm.size();
  const std::string what = o.generate > 0 ? "--generate " + std::to_string(o.generate) +
                                                " --vertices " + std::to_string(o.vertices)
                                          : "the shapefile " + o.input;
  driver::check_memory(comm, need, what,
                       "use fewer polygons or vertices, or a machine with more memory");
}

/// What root read or generated; only root holds polygons, names and expected areas.
struct Input {
  PolygonSet polygons;                  // synthetic sets (file records are read on demand)
  std::unique_ptr<ShapefileReader> file;  // file input: opened and checked, records unread
  std::vector<std::string> names;
  std::vector<double> expected_area;  // synthetic sets only
  Crs crs = Crs::geographic;
  std::string source;                 // file name or "synthetic"
  std::string crs_source;             // "prj", "--assume-crs", "bounds" or "synthetic"
  std::string crs_name;               // the .prj's name for its CRS ("" without one)
  std::string crs_id;                 // projected: "EPSG:32633" etc. if PROJ knows it
  std::string crs_wkt;                // the .prj's text ("" without one)
  GeodesicSetup geo;                  // ellipsoid, and the projection to undo (projected)
  std::string planar_unit;            // projected: linear unit ("" if not stated)
  double planar_unit_m = std::numeric_limits<double>::quiet_NaN();  // metres per planar_unit
  std::vector<std::string> warnings;  // root: the reader's, printed once
  std::string name_field;
  std::string code_page;
  std::vector<std::int64_t> fid;      // root: the source's feature ids (shapefiles: record index)
  std::vector<FieldColumn> fields;    // --fields: data on root, names and types on every rank
  std::string format;                 // how the file was read, e.g. "GPKG (GDAL)"
  std::string layer;                  // GDAL: the layer read
  std::string read_by;                // .shp on several ranks: "ranks" or "root" (effective)
};

// The fields to read: --fields, plus --group-by's if not among them.
std::vector<std::string> wanted_fields(const PolygonsOptions& o) {
  std::vector<std::string> wanted = o.fields;
  if (!o.group_by.empty() &&
      std::none_of(wanted.begin(), wanted.end(), [&](const std::string& w) {
        return same_field(w, o.group_by) || same_field(w, "all");
      })) {
    wanted.push_back(o.group_by);
  }
  return wanted;
}

Input read_or_generate(const PolygonsOptions& o) {
  Input in;
  if (o.generate > 0) {
    SyntheticSet s = generate(o.generate, o.seed, o.generate_crs, o.vertices);
    in.polygons = std::move(s.polygons);
    in.names = std::move(s.names);
    in.expected_area = std::move(s.expected_area);
    in.crs = s.crs;
    in.source = "synthetic";
    in.crs_source = "synthetic";
    if (s.crs == Crs::projected) {
      in.planar_unit = "metre";
      in.planar_unit_m = 1.0;
    }
    in.name_field = "NAME";
    in.code_page = "UTF-8";
    in.fid.resize(in.polygons.records());
    std::iota(in.fid.begin(), in.fid.end(), std::int64_t{0});
    in.format = "synthetic";
    return in;
  }
  Shapefile f;
  std::string crs_file;  // where the CRS came from, for messages
  if (is_plain_shapefile(o.input) && o.reader != Reader::gdal) {
    // Every part must be a regular file: a FIFO or a device would block the reader.
    for (const char* ext : {"shp", "shx", "dbf", "prj", "cpg"}) {
      io::check_regular_file(sibling(o.input, ext), "the shapefile");
    }
    in.file = std::make_unique<ShapefileReader>(o.input, o.name_field, o.assume_crs,
                                                wanted_fields(o));
    f = std::move(in.file->info());
    crs_file = sibling(o.input, "prj");
    in.fid.resize(in.file->records());
    std::iota(in.fid.begin(), in.fid.end(), std::int64_t{0});
    in.format = "ESRI Shapefile (rankwise)";
  } else {
    std::error_code ec;
    if (!std::filesystem::is_directory(o.input, ec)) io::check_regular_file(o.input, "the input");
    VectorLayer v =
        read_vector_layer({o.input, o.layer, o.name_field, wanted_fields(o)}, o.assume_crs);
    crs_file = v.where;
    f = std::move(v.info);
    in.polygons = std::move(f.polygons);
    in.fid = std::move(v.fid);
    in.layer = v.layer;
    in.format = v.driver + " (GDAL)";
  }
  in.names = std::move(f.names);
  in.fields = std::move(f.fields);
  // Integers with missing values are stored as reals (NaN where missing): HDF5 and CSV
  // readers then see numbers, and no sentinel value can be mistaken for data.
  for (FieldColumn& c : in.fields) {
    if (c.type != FieldColumn::Type::integer ||
        std::none_of(c.null.begin(), c.null.end(), [](std::uint8_t b) { return b != 0; })) {
      continue;
    }
    c.type = FieldColumn::Type::real;
    for (std::size_t r = 0; r < c.integers.size(); ++r) {
      c.reals.push_back(c.null[r] != 0 ? std::numeric_limits<double>::quiet_NaN()
                                       : static_cast<double>(c.integers[r]));
    }
    c.integers.clear();
  }
  in.crs = f.crs;
  in.source = o.input;
  in.crs_source = f.crs_source;
  in.planar_unit = f.planar_unit;
  in.planar_unit_m = f.planar_unit_m;
  in.crs_name = f.crs_name;
  in.crs_wkt = f.crs_wkt;
  in.geo.source = o.input;
  if (f.crs == Crs::geographic && !f.ellipsoid.empty()) {
    const double rf = f.inverse_flattening;
    in.geo.ellipsoid = Ellipsoid{f.ellipsoid, f.semi_major_m, rf == 0 ? 0.0 : 1 / rf};
  }
  if (f.crs == Crs::projected && !f.crs_wkt.empty() && o.area != AreaMode::planar) {
    // PROJ reads the projection now (one clear error if it cannot), on root; planar areas
    // alone do not need it.
    const Unprojector u(f.crs_wkt, crs_file);
    in.geo.ellipsoid = u.ellipsoid();
    in.geo.projection = f.crs_wkt;
    in.crs_id = u.id();
  }
  in.warnings = std::move(f.warnings);
  in.name_field = f.name_field;
  in.code_page = f.code_page;
  return in;
}

// collective: root reads (or generates); every rank learns the outcome, the CRS and the size.
Input load(const PolygonsOptions& o, driver::Run& run) {
  const auto& comm = run.comm();
  Input in;
  const double t0 = timing::now();
  comm.agreed([&] {
    if (comm.is_root()) in = read_or_generate(o);
  });
  run.timer().add(comm.is_root() ? Phase::read : Phase::idle, timing::now() - t0);
  for (const auto& w : in.warnings) std::fprintf(stderr, "rankwise: warning: %s\n", w.c_str());
  if (!o.write_shapefile.empty()) {
    auto scope = run.timer().scope(Phase::write);
    comm.agreed([&] {
      if (comm.is_root()) write_shapefile(o.write_shapefile, in.polygons, in.names, in.crs);
    });
  }
  auto scope = run.timer().scope(Phase::communicate);
  std::vector<std::uint64_t> meta{static_cast<std::uint64_t>(in.crs)};
  comm.broadcast(meta);
  in.crs = static_cast<Crs>(meta[0]);
  comm.broadcast(in.source);
  comm.broadcast(in.crs_source);
  comm.broadcast(in.planar_unit);
  std::vector<double> unit_m{in.planar_unit_m};
  comm.broadcast(unit_m);
  in.planar_unit_m = unit_m[0];
  comm.broadcast(in.name_field);
  comm.broadcast(in.code_page);
  comm.broadcast(in.format);
  comm.broadcast(in.layer);
  std::vector<std::uint64_t> types;
  for (const FieldColumn& c : in.fields) types.push_back(static_cast<std::uint64_t>(c.type));
  std::vector<std::uint64_t> count{types.size()};
  comm.broadcast(count);
  types.resize(count[0]);
  comm.broadcast(types);
  in.fields.resize(count[0]);
  for (std::size_t k = 0; k < in.fields.size(); ++k) {
    in.fields[k].type = static_cast<FieldColumn::Type>(types[k]);
    comm.broadcast(in.fields[k].name);
  }
  comm.broadcast(in.crs_name);
  comm.broadcast(in.crs_id);
  comm.broadcast(in.crs_wkt);
  comm.broadcast(in.geo.source);
  comm.broadcast(in.geo.projection);
  comm.broadcast(in.geo.ellipsoid.name);
  std::vector<double> ellipsoid{in.geo.ellipsoid.a, in.geo.ellipsoid.f};
  comm.broadcast(ellipsoid);
  in.geo.ellipsoid.a = ellipsoid[0];
  in.geo.ellipsoid.f = ellipsoid[1];
  in.geo.edges = o.edges;
  in.geo.max_piece = o.densify_m / (std::isfinite(in.planar_unit_m) ? in.planar_unit_m : 1.0);
  return in;
}

// Same verdict on every rank: all inputs to it were broadcast. Geodesic areas need lon/lat
// or a projection PROJ can undo; without either (an unknown plane), planar only.
AreaMode resolve(const PolygonsOptions& o, const Input& in) {
  const bool projected = in.crs == Crs::projected;
  const bool can_geodesic = !projected || !in.geo.projection.empty();
  if (o.edges_given && !projected) {
    throw UsageError("--edges: applies to projected data; " + in.source +
                     " is longitude/latitude, whose edges are geodesics");
  }
  if (o.edges_given && o.area == AreaMode::planar) {
    throw UsageError("--edges: applies to geodesic areas, not to --area planar");
  }
  if (o.area == AreaMode::automatic) return can_geodesic ? AreaMode::geodesic : AreaMode::planar;
  if (o.area != AreaMode::planar && !can_geodesic) {
    throw UsageError("--area: geodesic areas need longitude/latitude or a projection with a "
                     ".prj, but " + in.source + " is in an unknown plane (by its " +
                     in.crs_source + "); use --area planar");
  }
  return o.area;
}

// The unit of area_planar: degree² for lon/lat, the .prj's linear unit squared, "unit²" when
// no .prj states it (--assume-crs planar, or guessed from the bounds).
std::string planar_unit_of(const Input& in) {
  if (in.crs == Crs::geographic) return "degree²";
  if (!std::isfinite(in.planar_unit_m)) return "unit²";
  return planar_area_unit(in.planar_unit, in.planar_unit_m);
}

const char* mode_name(AreaMode m) {
  switch (m) {
    case AreaMode::geodesic: return "geodesic";
    case AreaMode::planar: return "planar";
    case AreaMode::both: return "both";
    default: return "automatic";
  }
}

/// Results gathered on root in record order, plus totals every rank knows.
struct Gathered {
  std::vector<double> area;       // root: the headline area per record (geodesic or planar)
  std::vector<double> area_m2;    // root: per record, NaN where not computed
  std::vector<double> area_planar;
  std::vector<double> perimeter;
  std::vector<double> vertices;
  std::vector<double> totals;     // geodesic area, planar area, perimeter, vertices, compute s
};

Gathered gather_results(const parallel::Comm& comm, const Measurements& m, AreaMode mode) {
  const bool geodesic = mode != AreaMode::planar;
  Gathered g;
  g.area_m2 = gather_in_order(comm, m.area_m2);
  g.area_planar = gather_in_order(comm, m.area_planar);
  g.area = geodesic ? g.area_m2 : g.area_planar;
  g.perimeter = gather_in_order(comm, m.perimeter_m);
  g.vertices = gather_in_order(comm, std::vector<double>(m.vertices.begin(), m.vertices.end()));
  const auto& planar = g.area_planar;
  const auto& perimeter = g.perimeter;
  // Totals summed on root in record order, so they do not depend on the rank count.
  const auto sum = [](const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += std::isnan(x) ? 0.0 : x;
    return s;
  };
  double seconds = 0;
  for (double s : m.seconds) seconds += s;
  const auto local_vertices = std::accumulate(m.vertices.begin(), m.vertices.end(), 0.0,
                                              [](double a, std::uint64_t v) { return a + static_cast<double>(v); });
  const auto per_rank = comm.sum(std::vector<double>{local_vertices, seconds});
  // Totals of kinds not computed are NaN, never 0.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const bool planar_done = mode != AreaMode::geodesic;
  g.totals = {geodesic ? sum(g.area) : nan, planar_done ? sum(planar) : nan,
              geodesic ? sum(perimeter) : nan, per_rank[0], per_rank[1]};
  comm.broadcast(g.totals);
  return g;
}

// /polygons/fields/<name>: one dataset per --fields column (a '/' in a name becomes '_').
void write_fields(io::Group& p, const Input& in, std::uint64_t n) {
  if (in.fields.empty()) return;
  io::Group fields = p.create_group("fields");
  for (const FieldColumn& c : in.fields) {
    std::string name = c.name;
    for (char& ch : name) ch = ch == '/' ? '_' : ch;
    switch (c.type) {
      case FieldColumn::Type::integer: fields.write_root<std::int64_t>(name, c.integers, {n}); break;
      case FieldColumn::Type::real: fields.write_root<double>(name, c.reals, {n}); break;
      case FieldColumn::Type::text: fields.write_strings_root(name, c.texts); break;
    }
  }
}

// /polygons/groups: --group-by totals (rows known on root; their count is agreed first).
void write_groups(io::Group& p, const parallel::Comm& comm, const GroupTotals& groups) {
  std::uint64_t rows = comm.max(static_cast<std::uint64_t>(groups.value.size()));
  io::Group g = p.create_group("groups");
  g.attribute("field", groups.field);
  g.write_strings_root("value", groups.value);
  g.write_root<std::uint64_t>("count", groups.count, {rows});
  g.write_root<double>("area_m2", groups.area_m2, {rows});
  g.write_root<double>("area_planar", groups.area_planar, {rows});
  g.write_root<double>("perimeter_m", groups.perimeter_m, {rows});
  g.write_root<double>("vertices", groups.vertices, {rows});
}

void write_results(io::Group& root, const parallel::Comm& comm, const Input& in,
                   std::uint64_t first, const Measurements& m, const Gathered& g,
                   const GroupTotals& groups, AreaMode mode, ScatterMethod scatter,
                   std::uint64_t records) {
  io::Group p = root.create_group("polygons");
  const std::uint64_t n = m.seconds.size();
  std::vector<std::uint64_t> index(n);
  std::iota(index.begin(), index.end(), first);
  const std::vector<std::int32_t> rank(n, comm.rank());
  p.write_rows<std::uint64_t>("record", index, records, first);
  p.write_strings_root("name", in.names);
  p.write_root<std::int64_t>("fid", in.fid, {records});
  write_fields(p, in, records);
  if (!groups.field.empty()) write_groups(p, comm, groups);
  p.write_rows<double>("area_m2", m.area_m2, records, first);
  p.write_rows<double>("area_planar", m.area_planar, records, first);
  p.write_rows<double>("perimeter_m", m.perimeter_m, records, first);
  p.write_rows<std::uint64_t>("vertices", m.vertices, records, first);
  p.write_rows<std::uint32_t>("parts", m.parts, records, first);
  p.write_rows<std::int32_t>("rank", rank, records, first);
  p.write_rows<double>("seconds", m.seconds, records, first);
  std::uint64_t expected = in.expected_area.size();
  expected = comm.max(expected);
  if (expected > 0) p.write_root<double>("expected_area", in.expected_area, {records});
  p.attribute("source", in.source);
  p.attribute("crs", std::string(in.crs == Crs::geographic ? "geographic" : "projected"));
  p.attribute("crs_source", in.crs_source);
  p.attribute("planar_area_unit", planar_unit_of(in));
  p.attribute("planar_unit_m", in.planar_unit_m);
  p.attribute("area_mode", std::string(mode_name(mode)));
  p.attribute("name_field", in.name_field);
  p.attribute("code_page", in.code_page);
  p.attribute("scatter", std::string(scatter == ScatterMethod::flat ? "flat" : "serialized"));
  if (!in.read_by.empty()) p.attribute("read_by", in.read_by);
  p.attribute("count", records);
  p.attribute("vertices_total", static_cast<std::uint64_t>(g.totals[3]));
  p.attribute("total_area_m2", g.totals[0]);
  p.attribute("total_area_planar", g.totals[1]);
  p.attribute("total_perimeter_m", g.totals[2]);
  p.attribute("compute_seconds", g.totals[4]);
  p.attribute("vertices_per_second_per_core", g.totals[3] / g.totals[4]);
  p.attribute("format", in.format);
  if (!in.layer.empty()) p.attribute("layer", in.layer);
  p.attribute("crs_name", in.crs_name);
  p.attribute("crs_id", in.crs_id);
  p.attribute("crs_wkt", in.crs_wkt);
  if (mode != AreaMode::planar) {
    const GeodesicArea geodesic(in.geo.ellipsoid);
    p.attribute("ellipsoid", in.geo.ellipsoid.name);
    p.attribute("ellipsoid_a_m", in.geo.ellipsoid.a);
    p.attribute("ellipsoid_f", in.geo.ellipsoid.f);
    p.attribute("ellipsoid_area_m2", geodesic.ellipsoid_area());
    p.attribute("geodesic_solver", std::string(geodesic.fast() ? "rankwise+GeographicLib"
                                                                : "GeographicLib"));
    if (in.crs == Crs::projected) {
      p.attribute("edges", std::string(in.geo.edges == EdgeKind::projected ? "projected"
                                                                            : "geodesic"));
      if (in.geo.edges == EdgeKind::projected) p.attribute("densify_m", in.geo.max_piece * in.planar_unit_m);
    }
  }
}

void summarise(const driver::Run& run, const Input& in, const Gathered& g, AreaMode mode,
               std::uint64_t records, double compute_wall) {
  if (!run.comm().is_root()) return;
  const bool geodesic = mode != AreaMode::planar;
  const std::string planar_unit = planar_unit_of(in);
  const char* unit = geodesic ? "m²" : planar_unit.c_str();
  char line[512];
  std::snprintf(line, sizeof line, "polygons: %llu records, %.0f vertices from %s (%s, by %s)",
                static_cast<unsigned long long>(records), g.totals[3], in.source.c_str(),
                in.crs == Crs::geographic ? "lon/lat" : "projected", in.crs_source.c_str());
  run.say(line);
  if (!in.crs_name.empty()) {
    std::string crs = "CRS " + in.crs_name + (in.crs_id.empty() ? "" : " (" + in.crs_id + ")");
    if (geodesic) {
      char e[160];
      std::snprintf(e, sizeof e, "; geodesic on %s (a = %.10g m, 1/f = %.10g)%s",
                    in.geo.ellipsoid.name.c_str(), in.geo.ellipsoid.a,
                    in.geo.ellipsoid.f == 0 ? 0.0 : 1 / in.geo.ellipsoid.f,
                    in.crs == Crs::projected
                        ? (in.geo.edges == EdgeKind::projected ? ", unprojected, edges straight on the map"
                                                                : ", unprojected, geodesic edges")
                        : "");
      crs += e;
    }
    run.say(crs);
  }
  const double total = geodesic ? g.totals[0] : g.totals[1];
  std::string note;
  if (geodesic) {
    char km2[160];
    std::snprintf(km2, sizeof km2, "  (%.6f km², %.6g of the %s ellipsoid)", total / 1e6,
                  total / GeodesicArea(in.geo.ellipsoid).ellipsoid_area(),
                  in.geo.ellipsoid.name.c_str());
    note = km2;
  } else if (in.crs == Crs::projected && std::isfinite(in.planar_unit_m) && in.planar_unit_m != 1.0) {
    char m2[64];
    std::snprintf(m2, sizeof m2, "  (%.17g m²)", total * in.planar_unit_m * in.planar_unit_m);
    note = m2;
  }
  std::snprintf(line, sizeof line, "total %s area %.17g %s%s", geodesic ? "geodesic" : "planar",
                total, unit, note.c_str());
  run.say(line);
  std::vector<std::size_t> order(g.area.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  const std::size_t top = std::min<std::size_t>(5, order.size());
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(top), order.end(),
                    [&](std::size_t a, std::size_t b) { return g.area[a] > g.area[b]; });
  for (std::size_t k = 0; k < top; ++k) {
    const std::size_t r = order[k];
    const std::string& name = in.names[r].empty() ? "(unnamed)" : in.names[r];
    std::snprintf(line, sizeof line, "  #%zu record %zu  %-30s %.6e %s", k + 1, r, name.c_str(),
                  g.area[r], unit);
    run.say(line);
  }
  // Rates on the wall time of the measuring phase (all ranks, reading of root's share
  // included); per core only where it is that rate shared out, i.e. on more than one core.
  const int ranks = run.comm().size();
  const double cores = static_cast<double>(ranks) * run.threads();
  const double rate = g.totals[3] / compute_wall;
  std::string per_core;
  if (cores > 1) {
    per_core = ", " + driver::si(rate / cores) + " vertices/s per core (" + std::to_string(ranks) +
               (ranks == 1 ? " rank x " : " ranks x ") + std::to_string(run.threads()) +
               (run.threads() == 1 ? " thread)" : " threads)");
  }
  std::snprintf(line, sizeof line,
                "%s vertices/s, %s polygons/s over %.3f s of measuring%s; wall %.3f s",
                driver::si(rate).c_str(),
                driver::si(static_cast<double>(records) / compute_wall).c_str(), compute_wall,
                per_core.c_str(), run.elapsed());
  run.say(line);
}

/// A rank's records: held in memory (scattered to it, or the whole synthetic set), or, on
/// root with file input, records [first, first + count) left in the file to be read in chunks
/// while measuring (root never copies its own share of a file into one big set).
struct Share {
  PolygonSet held;
  std::uint64_t first = 0;
  std::uint64_t count = 0;
  bool streamed = false;
};

// collective: every rank opens the shapefile for its own records [first, last) (not root,
// which has it open already). True if every rank could; otherwise root warns, naming the
// first rank that could not and why, and the caller falls back to root reading for all.
bool open_on_every_rank(Input& in, const std::string& path, std::uint64_t first,
                        std::uint64_t last, std::uint64_t records, const parallel::Comm& comm) {
  std::string why;
  if (!comm.is_root()) {
    try {
      in.file = std::make_unique<ShapefileReader>(path, in.crs, records, first, last);
    } catch (const std::exception& e) {
      why = e.what();
    }
  }
  if (!comm.any(!why.empty())) return true;
  if (!comm.is_root()) in.file.reset();  // the fallback sends these ranks their records
  const std::vector<std::string> whys = comm.gather(why);
  if (comm.is_root()) {
    for (std::size_t r = 0; r < whys.size(); ++r) {
      if (whys[r].empty()) continue;
      std::fprintf(stderr,
                   "rankwise: warning: rank %zu cannot read the input itself (%s); rank 0 "
                   "reads every rank's records and sends them (slower; put the file where "
                   "every node sees it)\n",
                   r, whys[r].c_str());
      break;
    }
  }
  return false;
}

// collective: root partitions by vertex count; every rank gets contiguous records. Synthetic
// and GDAL input is in root's memory and is scattered. A shapefile is read by every rank,
// its own records, while measuring (--read-by ranks), or by root for the others, which it
// scatters (--read-by root, or a rank that cannot open the file); root keeps its own share
// in the file either way.
Share distribute(Input& in, const PolygonsOptions& o, driver::Run& run) {
  const auto& comm = run.comm();
  Share share;
  const bool from_file = comm.max(std::uint64_t{in.file != nullptr ? 1u : 0u}) != 0;
  std::vector<std::uint64_t> bounds;
  if (comm.is_root()) {
    auto scope = run.timer().scope(Phase::read);
    if (comm.size() == 1) {
      bounds = {0, from_file ? in.file->records() : in.polygons.records()};
    } else {
      // A file's weights come from its index: the .shp is read only by the ranks measuring it.
      const auto counts = from_file ? in.file->vertex_estimates() : in.polygons.vertex_counts();
      bounds = partition(counts, static_cast<std::uint64_t>(comm.size()));
    }
  }
  if (!from_file) {
    auto scope = run.timer().scope(Phase::communicate);
    if (comm.size() == 1) {
      share.held = std::move(in.polygons);  // no 160 MB self-copy at 10 M vertices
    } else {
      share.held = scatter_polygons(comm, in.polygons, bounds, o.scatter);
      in.polygons = PolygonSet{};  // root's full copy is no longer needed
    }
    share.first = share.held.first_record;
    share.count = share.held.records();
    return share;
  }
  const auto size = static_cast<std::size_t>(comm.size());
  const auto rank = static_cast<std::size_t>(comm.rank());
  bounds.resize(size + 1);
  {
    auto scope = run.timer().scope(Phase::communicate);
    comm.broadcast(bounds);
  }
  share.streamed = true;
  share.first = bounds[rank];
  share.count = bounds[rank + 1] - bounds[rank];
  in.read_by = "ranks";
  if (comm.size() == 1) return share;
  if (o.read_by == ReadBy::ranks) {
    const double t0 = timing::now();
    const bool opened = open_on_every_rank(in, o.input, share.first, share.first + share.count,
                                           bounds.back(), comm);
    run.timer().add(Phase::read, timing::now() - t0);
    if (opened) return share;
  }
  // Root reads the other ranks' records [bounds[1], n) and scatters them.
  in.read_by = "root";
  PolygonSet others;
  const double t0 = timing::now();
  comm.agreed([&] {
    if (comm.is_root()) in.file->read(bounds[1], bounds.back(), others);
  });
  run.timer().add(comm.is_root() ? Phase::read : Phase::idle, timing::now() - t0);
  auto scope = run.timer().scope(Phase::communicate);
  std::vector<std::uint64_t> shifted;
  for (std::uint64_t b : bounds) shifted.push_back(b < bounds[1] ? 0 : b - bounds[1]);
  PolygonSet held = scatter_polygons(comm, others, shifted, o.scatter);
  held.first_record += bounds[1];
  if (!comm.is_root()) {
    share.streamed = false;
    share.held = std::move(held);
  }
  return share;
}

// Inside the agreed compute: a signal on any rank ends the run there, nothing written.
void throw_if_signalled() {
  if (const int sig = process::pending_signal(); sig != 0) {
    throw Stopped("stopped by " + process::signal_name(sig) + " while measuring; nothing written",
                  signal_exit(sig));
  }
}

// Held records in 64 slices, so a long geodesic run can show progress (slicing does not
// change any result: records are independent).
void compute_held(const PolygonSet& mine, AreaMode mode, const GeodesicSetup& geo,
                  Measurements& m, driver::Run& run) {
  auto scope = run.timer().scope(Phase::compute);
  const std::uint64_t n = mine.records();
  const std::uint64_t slice = std::max<std::uint64_t>(1, n / 64);
  driver::Progress progress(run, "polygons", static_cast<double>(n));
  MeasureWorkspace workspace(run.threads(), geo);  // edge caches live across the slices
  const double t0 = timing::now();
  for (std::uint64_t b = 0; b < n; b += slice) {
    const std::uint64_t e = std::min(n, b + slice);
    measure_range(mine, mode, run.threads(), b, e, m, &workspace);
    throw_if_signalled();
    const double v = static_cast<double>(mine.ring_start[mine.record_start[e]]);
    progress.update(static_cast<double>(e), driver::si(v / (timing::now() - t0)) + "vertices/s on rank 0");
  }
}

// Root's share of a file, read in chunks while measuring (measure_file): root never copies
// its own share into one big set.
void compute_streamed(const ShapefileReader& file, const Share& share, AreaMode mode,
                      const GeodesicSetup& geo, Measurements& m, driver::Run& run) {
  driver::Progress progress(run, "polygons", static_cast<double>(share.count));
  MeasureWorkspace workspace(run.threads(), geo);
  double busy = 0;
  measure_file(file, share.first, share.count, mode, run.threads(), m, workspace,
               [&](const ChunkDone& c) {
                 run.timer().add(Phase::read, c.read_seconds);
                 run.timer().add(Phase::compute, c.compute_seconds);
                 busy += c.read_seconds + c.compute_seconds;
                 throw_if_signalled();
                 progress.update(static_cast<double>(c.records),
                                 driver::si(c.vertices / busy) +
                                     "vertices/s on rank 0 (reading included)");
               });
}

}  // namespace

// The CSV table's path: --csv FILE, or with --format csv the -o path (".h5" becomes ".csv").
std::string table_path(const PolygonsOptions& o, const driver::Run& run) {
  if (o.format != OutputFormat::csv) return o.csv;
  std::string path = run.options().output;
  if (path.size() > 3 && path.compare(path.size() - 3, 3, ".h5") == 0) {
    path.replace(path.size() - 3, 3, ".csv");
  }
  return path;
}

void summarise_groups(const driver::Run& run, const GroupTotals& groups, bool geodesic,
                      const std::string& planar_unit) {
  if (!run.comm().is_root() || groups.field.empty()) return;
  char line[512];
  std::snprintf(line, sizeof line, "by %s: %zu groups%s", groups.field.c_str(),
                groups.value.size(), groups.value.size() > 10 ? " (the 10 largest)" : "");
  run.say(line);
  for (std::size_t k = 0; k < std::min<std::size_t>(10, groups.value.size()); ++k) {
    const std::string& v = groups.value[k].empty() ? "(no value)" : groups.value[k];
    if (geodesic) {
      std::snprintf(line, sizeof line, "  %-30s %6llu polygons  %.6g km²", v.c_str(),
                    static_cast<unsigned long long>(groups.count[k]), groups.area_m2[k] / 1e6);
    } else {
      std::snprintf(line, sizeof line, "  %-30s %6llu polygons  %.6g %s", v.c_str(),
                    static_cast<unsigned long long>(groups.count[k]), groups.area_planar[k],
                    planar_unit.c_str());
    }
    run.say(line);
  }
}

int run(const PolygonsOptions& options, driver::Run& run) {
  const auto& comm = run.comm();
  const bool hdf5 = options.format == OutputFormat::hdf5;
  std::unique_ptr<io::OutputPath> table;  // --csv / --format csv
  {
    auto scope = run.timer().scope(Phase::setup);
    if (hdf5) run.reserve_output();
    if (const std::string path = table_path(options, run); !path.empty()) {
      io::OutputRules rules;
      rules.overwrite = run.options().overwrite;
      table = std::make_unique<io::OutputPath>(path, rules, comm);
    }
  }
  check_fits(options, comm);
  Input in = load(options, run);
  const AreaMode mode = resolve(options, in);
  if (comm.is_root() && in.crs == Crs::geographic && mode != AreaMode::geodesic) {
    std::fprintf(stderr, "rankwise: warning: planar areas of longitude/latitude data are in "
                         "degree², not an area on the ground; geodesic areas (m²) are the "
                         "default for such data\n");
  }
  run.stop_if_signalled();

  const Share share = distribute(in, options, run);
  const std::uint64_t records = comm.sum(share.count);
  const double t0 = timing::now();
  Measurements m = unmeasured(share.count);
  // Agreed: a rank's share of a file is read (and checked) while measuring, so a bad record
  // is found now; every rank then stops with the first failing rank's message.
  comm.agreed([&] {
    if (share.streamed) {
      compute_streamed(*in.file, share, mode, in.geo, m, run);
    } else {
      compute_held(share.held, mode, in.geo, m, run);
    }
  });
  {
    auto scope = run.timer().scope(Phase::idle);
    comm.barrier();
  }
  const double compute_wall = timing::now() - t0;
  Gathered g;
  {
    auto scope = run.timer().scope(Phase::communicate);
    g = gather_results(comm, m, mode);
  }
  const TableColumns columns{&in.fid, &in.names, &in.fields, &g.area_m2, &g.area_planar,
                             &g.perimeter, &g.vertices, mode != AreaMode::planar,
                             mode != AreaMode::geodesic, planar_unit_of(in)};
  GroupTotals groups;
  if (!options.group_by.empty()) {
    const auto by = std::find_if(in.fields.begin(), in.fields.end(), [&](const FieldColumn& c) {
      return same_field(c.name, options.group_by);
    });
    groups.field = by->name;  // read for it (wanted_fields), so present
    if (comm.is_root()) groups = group_totals(columns, *by);
  }
  if (table) {  // written first, published after the HDF5 file: no half of a pair left
    auto scope = run.timer().scope(Phase::write);
    comm.agreed([&] {
      if (comm.is_root()) write_csv(table->temporary(), columns);
    });
  }
  if (hdf5) {
    run.write_output([&](io::Group& root) {
      write_results(root, comm, in, share.first, m, g, groups, mode, options.scatter, records);
    });
  }
  if (table) {
    auto scope = run.timer().scope(Phase::write);
    table->commit();
    run.say("wrote " + table->final_path() + "  (the per-polygon table, CSV)");
  }
  summarise(run, in, g, mode, records, compute_wall);
  summarise_groups(run, groups, mode != AreaMode::planar, planar_unit_of(in));
  run.report_timings();
  return 0;
}

}  // namespace rankwise::polygons
