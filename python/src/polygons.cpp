// rankwise.polygons: areas of a shapefile's records, or of polygons given as arrays.

#include <cstdint>
#include <string>
#include <utility>

#include "bindings.hpp"
#include "rankwise/polygons/measure.hpp"
#include "rankwise/polygons/projection.hpp"
#include "rankwise/polygons/shapefile.hpp"
#include "rankwise/polygons/vector_layer.hpp"
#include "rankwise/polygons/vector_source.hpp"

namespace rankwise::python {
namespace {

using polygons::AreaMode;

AreaMode mode_of(const std::string& kind) {
  if (kind == "geodesic") return AreaMode::geodesic;
  if (kind == "planar") return AreaMode::planar;
  if (kind == "both") return AreaMode::both;
  throw py::value_error("kind: \"geodesic\", \"planar\" or \"both\", not \"" + kind + "\"");
}

template <class T>
py::array_t<T> array_of(const std::vector<T>& v) {
  return py::array_t<T>(static_cast<py::ssize_t>(v.size()), v.data());
}

py::dict table(const polygons::Measurements& m, std::vector<std::string> names) {
  py::dict out;
  out["name"] = std::move(names);
  out["area_m2"] = array_of(m.area_m2);
  out["area_planar"] = array_of(m.area_planar);
  out["perimeter_m"] = array_of(m.perimeter_m);
  out["vertices"] = array_of(m.vertices);
  out["parts"] = array_of(m.parts);
  return out;
}

// The geodesic setup polygons_driver.cpp derives from a layer's CRS: its ellipsoid for
// lon/lat, the projection to undo (and its ellipsoid) for projected data. `where` names the
// CRS's source in errors.
polygons::GeodesicSetup setup_of(const polygons::Shapefile& f, const std::string& path,
                                 const std::string& where, AreaMode mode) {
  polygons::GeodesicSetup geo;
  geo.source = path;
  if (f.crs == polygons::Crs::geographic && !f.ellipsoid.empty()) {
    const double rf = f.inverse_flattening;
    geo.ellipsoid = polygons::Ellipsoid{f.ellipsoid, f.semi_major_m, rf == 0 ? 0.0 : 1 / rf};
  }
  if (f.crs == polygons::Crs::projected && mode != AreaMode::planar) {
    if (f.crs_wkt.empty()) {
      throw py::value_error(path + ": projected data without a .prj: use kind=\"planar\"");
    }
    const polygons::Unprojector u(f.crs_wkt, where);
    geo.ellipsoid = u.ellipsoid();
    geo.projection = f.crs_wkt;
  }
  return geo;
}

// Entries [begin, end) of `all`.
polygons::Measurements slice(const polygons::Measurements& all, parallel::BlockRange r) {
  const auto b = static_cast<std::ptrdiff_t>(r.begin);
  const auto e = static_cast<std::ptrdiff_t>(r.end);
  polygons::Measurements m;
  m.area_m2.assign(all.area_m2.begin() + b, all.area_m2.begin() + e);
  m.area_planar.assign(all.area_planar.begin() + b, all.area_planar.begin() + e);
  m.perimeter_m.assign(all.perimeter_m.begin() + b, all.perimeter_m.begin() + e);
  m.vertices.assign(all.vertices.begin() + b, all.vertices.begin() + e);
  m.parts.assign(all.parts.begin() + b, all.parts.begin() + e);
  return m;
}

// collective: the table of all `records` records on every rank, from each rank's rows of its
// own_block (counts travel as doubles: exact below 2^53).
polygons::Measurements gathered(const polygons::Measurements& mine, std::uint64_t records,
                                const parallel::Comm& comm) {
  polygons::Measurements all;
  all.area_m2 = all_blocks(mine.area_m2, records, comm);
  all.area_planar = all_blocks(mine.area_planar, records, comm);
  all.perimeter_m = all_blocks(mine.perimeter_m, records, comm);
  const std::vector<double> vertices(mine.vertices.begin(), mine.vertices.end());
  const std::vector<double> parts(mine.parts.begin(), mine.parts.end());
  for (double v : all_blocks(vertices, records, comm)) {
    all.vertices.push_back(static_cast<std::uint64_t>(v));
  }
  for (double v : all_blocks(parts, records, comm)) {
    all.parts.push_back(static_cast<std::uint32_t>(v));
  }
  return all;
}

// A shapefile through rankwise's reader, any other format through the GDAL module, as
// `rankwise polygons` reads them. With a communicator, every rank reads the file and measures
// the records of its block.
py::dict areas_of_file(const std::string& path, const std::string& kind, int threads,
                       std::optional<int> comm_handle) {
  polygons::Measurements m;
  std::vector<std::string> names;
  {
    py::gil_scoped_release release;
    const auto comm = comm_from_handle(comm_handle);
    std::uint64_t records = 0;
    parallel::BlockRange own;
    on_every_rank(comm.get(), [&] {
      const AreaMode mode = mode_of(kind);
      if (polygons::is_plain_shapefile(path)) {
        polygons::ShapefileReader file(path, "");
        const polygons::GeodesicSetup geo =
            setup_of(file.info(), path, polygons::sibling(path, "prj"), mode);
        polygons::MeasureWorkspace workspace(threads, geo);
        records = file.records();
        own = own_block(records, comm.get());
        m = polygons::unmeasured(own.size());
        polygons::measure_file(file, own.begin, own.size(), mode, threads, m, workspace);
        names = std::move(file.info().names);
      } else {
        polygons::VectorLayer layer =
            polygons::read_vector_layer({path, "", "", {}}, polygons::AssumedCrs::none);
        const polygons::GeodesicSetup geo = setup_of(layer.info, path, layer.where, mode);
        polygons::MeasureWorkspace workspace(threads, geo);
        const polygons::PolygonSet& set = layer.info.polygons;
        records = set.records();
        own = own_block(records, comm.get());
        m = polygons::unmeasured(records);
        polygons::measure_range(set, mode, threads, own.begin, own.end, m, &workspace);
        m = slice(m, own);
        names = std::move(layer.info.names);
      }
    });
    if (comm) m = gathered(m, records, *comm);
  }
  names.resize(m.vertices.size());
  return table(m, std::move(names));
}

// Polygons as flat arrays (PolygonSet's layout): vertices x/y, ring offsets into them, record
// offsets into the rings; checked so a bad offset is a ValueError, not a crash.
py::dict areas_of_arrays(const DoubleArray& x, const DoubleArray& y, const IndexArray& ring_start,
                         const IndexArray& record_start, const std::string& kind, int threads,
                         std::optional<int> comm_handle) {
  polygons::PolygonSet set;
  set.x.assign(x.data(), x.data() + x.size());
  set.y.assign(y.data(), y.data() + y.size());
  set.ring_start.assign(ring_start.data(), ring_start.data() + ring_start.size());
  set.record_start.assign(record_start.data(), record_start.data() + record_start.size());
  const auto offsets_ok = [](const std::vector<std::uint64_t>& o, std::uint64_t last) {
    if (o.empty() || o.front() != 0 || o.back() != last) return false;
    for (std::size_t i = 1; i < o.size(); ++i) {
      if (o[i] < o[i - 1]) return false;
    }
    return true;
  };
  polygons::Measurements m;
  py::gil_scoped_release release;
  const auto comm = comm_from_handle(comm_handle);
  AreaMode mode{};
  on_every_rank(comm.get(), [&] {  // a bad argument on one rank is an error on all
    mode = mode_of(kind);
    if (x.ndim() != 1 || set.x.size() != set.y.size()) {
      throw py::value_error("x, y: 1-D arrays of the same length");
    }
    if (!offsets_ok(set.ring_start, set.vertices())) {
      throw py::value_error("ring_start: non-decreasing offsets from 0 to len(x)");
    }
    if (!offsets_ok(set.record_start, set.rings())) {
      throw py::value_error("record_start: non-decreasing offsets from 0 to len(ring_start) - 1");
    }
  });
  if (!comm) {
    m = polygons::measure(set, mode, threads);
  } else {  // each rank its block of records; every record's result stands alone
    check_same_size(set.records(), *comm, "record_start");
    const auto own = own_block(set.records(), comm.get());
    m = polygons::unmeasured(set.records());
    on_every_rank(comm.get(),
                  [&] { polygons::measure_range(set, mode, threads, own.begin, own.end, m); });
    m = gathered(slice(m, own), set.records(), *comm);
  }
  py::gil_scoped_acquire with_gil;  // for the result's arrays
  return table(m, std::vector<std::string>(m.vertices.size()));
}

}  // namespace

void bind_polygons(py::module_& m) {
  m.def(
      "polygons_areas_file",
      [](const std::string& path, const std::string& kind, std::optional<int> threads,
         std::optional<int> comm_handle) {
        return areas_of_file(path, kind, threads_or_default(threads), comm_handle);
      },
      py::arg("path"), py::arg("kind") = "geodesic", py::arg("threads") = py::none(),
      py::arg("comm_handle") = py::none(),
      "Areas of every record of a shapefile, read and measured as rankwise polygons does.");
  m.def(
      "polygons_areas_arrays",
      [](const DoubleArray& x, const DoubleArray& y, const IndexArray& ring_start,
         const IndexArray& record_start, const std::string& kind, std::optional<int> threads,
         std::optional<int> comm_handle) {
        return areas_of_arrays(x, y, ring_start, record_start, kind, threads_or_default(threads),
                               comm_handle);
      },
      py::arg("x"), py::arg("y"), py::arg("ring_start"), py::arg("record_start"),
      py::arg("kind") = "geodesic", py::arg("threads") = py::none(),
      py::arg("comm_handle") = py::none(),
      "Areas of polygons given as lon/lat (WGS84) or planar arrays.");
}

}  // namespace rankwise::python
