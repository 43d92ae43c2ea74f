// `rankwise polygons` options.
#include <algorithm>
#include <filesystem>
#include <memory>

#include "rankwise/cli/parse.hpp"
#include "rankwise/cli/subcommands.hpp"
#include "rankwise/polygons/polygons_driver.hpp"
#include "rankwise/polygons/vector_source.hpp"

namespace rankwise::cli {
namespace {
struct PolygonsText {
  CommonText common;
  std::string input;
  std::string generate;
  std::string seed = "42";
  std::string crs = "geographic";
  std::string vertices = "64";
  std::string write_shapefile;
  std::string area = "auto";
  std::string name_field;
  std::string scatter = "flat";
  std::string read_by = "ranks";
  std::string assume_crs;
  std::string edges;
  std::string layer;
  std::string reader = "auto";
  std::string fields;
  std::string csv;
  std::string format = "hdf5";
  std::string group_by;
  std::string densify = "1000";
};

// The effective options as stored as /polygons attributes option_*: those that apply to a synthetic set
// or to an input file.
io::RunOptions record(const polygons::PolygonsOptions& o, const PolygonsText& t) {
  io::RunOptions r;
  r.driver = "polygons";
  if (o.generate > 0) {
    r.set("generate", o.generate);
    r.set("seed", o.seed);
    r.set("crs", t.crs);
    r.set("vertices", static_cast<std::uint64_t>(o.vertices));
    if (!o.write_shapefile.empty()) r.set("write_shapefile", o.write_shapefile);
  } else {
    r.set("input", o.input);
    r.set("input_absolute", std::filesystem::absolute(o.input).lexically_normal().string());
    if (!o.layer.empty()) r.set("layer", o.layer);
    r.set("reader", t.reader);
    if (!t.assume_crs.empty()) r.set("assume_crs", t.assume_crs);
    if (o.edges_given) r.set("edges", t.edges);
    if (o.edges_given && o.edges == polygons::EdgeKind::projected) r.set("densify", o.densify_m);
    if (!o.name_field.empty()) r.set("name_field", o.name_field);
    if (!t.fields.empty()) r.set("fields", t.fields);
    if (!o.group_by.empty()) r.set("group_by", o.group_by);
    r.set("read_by", t.read_by);
  }
  r.set("area", t.area);
  r.set("scatter", t.scatter);
  r.set("format", t.format);
  if (!o.csv.empty()) r.set("csv", o.csv);
  return r;
}

polygons::PolygonsOptions validate(const PolygonsText& t, const CLI::App& sub) {
  polygons::PolygonsOptions o;
  o.input = t.input;
  if (!t.generate.empty()) o.generate = parse_count(t.generate, "--generate", std::uint64_t{1} << 31);
  if (o.generate == 0 && o.input.empty()) {
    throw UsageError("polygons: give a shapefile (INPUT.shp) or --generate N");
  }
  if (o.generate > 0 && !o.input.empty()) {
    throw UsageError("--generate: cannot be combined with an input shapefile");
  }
  const bool synthetic = o.generate > 0;
  refuse_inapplicable(
      sub,
      {{"--seed", synthetic, "applies to --generate only (a file's polygons are read, not drawn)"},
       {"--crs", synthetic,
        "applies to --generate only (a file's CRS comes from its .prj, or --assume-crs)"},
       {"--vertices", synthetic, "applies to --generate only"},
       {"--write-shapefile", synthetic, "applies to --generate only"},
       {"--name-field", !synthetic,
        "applies to an input file only (a synthetic set's names are generated)"},
       {"--assume-crs", !synthetic,
        "applies to an input file only (--crs sets a synthetic set's)"},
       {"--edges", !synthetic, "applies to an input file in a projected CRS only"},
       {"--densify", t.edges == "projected", "applies to --edges projected only"},
       {"--layer", !synthetic, "applies to an input file only"},
       {"--reader", !synthetic, "applies to an input file only"},
       {"--read-by", !synthetic,
        "applies to an input file only (a synthetic set is made on rank 0 and scattered)"},
       {"--fields", !synthetic, "applies to an input file only (synthetic sets have only NAME)"},
       {"--group-by", !synthetic,
        "applies to an input file only (synthetic sets have only NAME)"},
       {"--time-limit", false,
        "applies to nbody only (polygons keeps no checkpoint to stop at)"}});
  o.seed = parse_seed(t.seed);
  o.generate_crs = t.crs == "projected" ? polygons::Crs::projected : polygons::Crs::geographic;
  o.vertices = static_cast<std::uint32_t>(parse_count(t.vertices, "--vertices", 1u << 24));
  if (o.vertices < 8) throw UsageError("--vertices: at least 8, got " + t.vertices);
  o.write_shapefile = t.write_shapefile;
  o.area = t.area == "geodesic" ? polygons::AreaMode::geodesic
         : t.area == "planar"   ? polygons::AreaMode::planar
         : t.area == "both"     ? polygons::AreaMode::both
                                : polygons::AreaMode::automatic;
  if (synthetic && o.generate_crs == polygons::Crs::projected &&
      (o.area == polygons::AreaMode::geodesic || o.area == polygons::AreaMode::both)) {
    throw UsageError("--area: geodesic areas need --crs geographic");
  }
  o.assume_crs = t.assume_crs == "EPSG:4326" ? polygons::AssumedCrs::wgs84
               : t.assume_crs == "planar"    ? polygons::AssumedCrs::planar
                                             : polygons::AssumedCrs::none;
  o.edges = t.edges == "projected" ? polygons::EdgeKind::projected : polygons::EdgeKind::geodesic;
  o.edges_given = !t.edges.empty();
  o.densify_m = parse_real(t.densify, "--densify", true);
  if (o.densify_m < 1) throw UsageError("--densify: at least 1 metre, got " + t.densify);
  o.name_field = t.name_field;
  o.reader = t.reader == "gdal" ? polygons::Reader::gdal
           : t.reader == "own"  ? polygons::Reader::own
                                : polygons::Reader::automatic;
  if (o.reader == polygons::Reader::own && !polygons::is_plain_shapefile(o.input)) {
    throw UsageError("--reader own: reads .shp files only; " + o.input + " is not one");
  }
  o.layer = t.layer;
  for (std::size_t b = 0; !t.fields.empty() && b <= t.fields.size();) {
    const std::size_t e = std::min(t.fields.find(',', b), t.fields.size());
    std::string name = t.fields.substr(b, e - b);
    name.erase(0, name.find_first_not_of(' '));
    name.erase(name.find_last_not_of(' ') + 1);
    if (name.empty()) throw UsageError("--fields: an empty field name in '" + t.fields + "'");
    o.fields.push_back(name);
    b = e + 1;
  }
  o.group_by = t.group_by;
  o.csv = t.csv;
  o.format = t.format == "csv" ? polygons::OutputFormat::csv : polygons::OutputFormat::hdf5;
  if (o.format == polygons::OutputFormat::csv && !o.csv.empty()) {
    throw UsageError("--csv: with --format csv the table goes to -o already");
  }
  o.scatter = t.scatter == "serialized" ? polygons::ScatterMethod::serialized
                                        : polygons::ScatterMethod::flat;
  o.read_by = t.read_by == "root" ? polygons::ReadBy::root : polygons::ReadBy::ranks;
  return o;
}
}  // namespace

Subcommand make_polygons_command(CLI::App& app) {
  auto text = std::make_shared<PolygonsText>();
  auto* sub = app.add_subcommand(
      "polygons", "Geodesic (on the data's ellipsoid) and planar areas of shapefile polygons, over ranks");
  sub->footer(
      "Examples:\n"
      "  mpiexec -n 4 rankwise polygons plates.shp -o plates.h5\n"
      "  rankwise polygons countries.shp --area both --name-field ISO_A3\n"
      "  rankwise polygons --generate 1e5 --seed 7 --write-shapefile synth.shp\n"
      "  mpiexec -n 2 rankwise polygons --generate 156250 --vertices 64   # 10 M vertices\n"
      "  rankwise polygons parcels_utm.shp --edges projected   # edges straight on the map\n"
      "  rankwise polygons countries.gpkg --layer countries    # any format GDAL reads\n"
      "  rankwise polygons plates.shp --fields NAME,PLATEID1 --group-by PLATEID1 --csv plates.csv\n"
      "Areas are geodesic on the ellipsoid the .prj names (WGS84, GRS80, a sphere, Mars...):\n"
      "lon/lat data directly, projected data after PROJ unprojects the vertices. A .prj that\n"
      "cannot be read is an error; --assume-crs EPSG:4326|planar says what the coordinates are\n"
      "instead (see docs/polygons.md).");
  sub->add_option("input", text->input,
                  "Polygon file: shapefile (.shp with .shx, .dbf; .prj, .cpg), GeoPackage, "
                  "GeoJSON, FlatGeobuf, zipped shapefile, any vector format GDAL reads");
  sub->add_option("--layer", text->layer, "Layer to read (name or index; default: the first)");
  sub->add_option("--reader", text->reader,
                  "auto (rankwise's own for .shp, GDAL otherwise) | own | gdal")
      ->check(CLI::IsMember({"auto", "own", "gdal"}))
      ->capture_default_str();
  sub->add_option("--area", text->area, "auto | geodesic | planar | both")
      ->check(CLI::IsMember({"auto", "geodesic", "planar", "both"}))
      ->capture_default_str();
  sub->add_option("--assume-crs", text->assume_crs,
                  "Ignore the .prj: EPSG:4326 (lon/lat on WGS84) | planar (plane coordinates)")
      ->transform(CLI::IsMember({"EPSG:4326", "planar"}, CLI::ignore_case));
  sub->add_option("--edges", text->edges,
                  "Projected data: edges are geodesics between the unprojected vertices "
                  "(geodesic, default) or straight lines on the map (projected: densified)")
      ->check(CLI::IsMember({"geodesic", "projected"}));
  sub->add_option("--densify", text->densify,
                  "--edges projected: longest piece of an edge, metres")
      ->capture_default_str();
  sub->add_option("--fields", text->fields,
                  "Attribute fields to keep, e.g. NAME,PLATEID1 (case-insensitive) or all");
  sub->add_option("--group-by", text->group_by, "Totals per value of this field");
  sub->add_option("--csv", text->csv, "Also write the per-polygon table as CSV to this file");
  sub->add_option("--format", text->format,
                  "What -o gets: hdf5 (everything) | csv (the per-polygon table; .h5 -> .csv)")
      ->check(CLI::IsMember({"hdf5", "csv"}))
      ->capture_default_str();
  sub->add_option("--name-field", text->name_field,
                  "Attribute holding names (default: first of NAME/name/Name)");
  sub->add_option("--generate", text->generate, "Make N synthetic polygons with known areas");
  sub->add_option("--seed", text->seed, "Seed of the synthetic set (64-bit)")->capture_default_str();
  sub->add_option("--crs", text->crs, "Synthetic set: geographic (lon/lat) | projected (metres)")
      ->check(CLI::IsMember({"geographic", "projected"}))
      ->capture_default_str();
  sub->add_option("--vertices", text->vertices, "Vertices per synthetic polygon (>= 8)")
      ->capture_default_str();
  sub->add_option("--write-shapefile", text->write_shapefile,
                  "Also write the synthetic set as a shapefile (F.shp)");
  sub->add_option("--scatter", text->scatter,
                  "How rank 0 sends polygons: flat (MPI_Scatterv) | serialized (Boost)")
      ->check(CLI::IsMember({"flat", "serialized"}))
      ->capture_default_str();
  sub->add_option("--read-by", text->read_by,
                  "Shapefile on several ranks: ranks (each reads its own records; rank 0 "
                  "reads for a rank that cannot open the file) | root (rank 0 reads and sends)")
      ->check(CLI::IsMember({"ranks", "root"}))
      ->capture_default_str();
  add_common_options(*sub, text->common, "rankwise-polygons.h5");

  return {sub, [text, sub](const parallel::Comm& comm, const io::Invocation& invocation) {
            const polygons::PolygonsOptions o = validate(*text, *sub);
            const driver::CommonOptions common = text->common.validate();
            io::RunOptions options = record(o, *text);
            record_common(options, text->common, common);
            driver::Run run(comm, common, invocation);
            run.record_options(std::move(options));
            return polygons::run(o, run);
          }};
}

}  // namespace rankwise::cli
