#pragma once
/// `rankwise polygons`: geodesic and planar areas of shapefile polygons, scattered over ranks.
#include <cstdint>
#include <string>
#include <vector>

#include "rankwise/driver/run.hpp"
#include "rankwise/polygons/crs.hpp"
#include "rankwise/polygons/distribute.hpp"
#include "rankwise/polygons/measure.hpp"
#include "rankwise/polygons/polygon_set.hpp"
#include "rankwise/polygons/projection.hpp"

namespace rankwise::polygons {

/// Which reader opens the input: auto = rankwise's own for .shp, GDAL for everything else.
enum class Reader { automatic, own, gdal };

/// Who reads a shapefile's records on several ranks: every rank its own share (needs the
/// file visible to every rank; falls back to root when a rank cannot open it), or root,
/// which then sends each rank its share.
enum class ReadBy { ranks, root };

/// What -o gets: the HDF5 file, or the per-polygon table as CSV.
enum class OutputFormat { hdf5, csv };

/// Validated options of `rankwise polygons`.
struct PolygonsOptions {
  std::string input;               ///< file to read (empty with --generate)
  std::string layer;               ///< GDAL sources: layer name or index (empty: the first)
  Reader reader = Reader::automatic;
  std::uint64_t generate = 0;      ///< synthetic polygons instead of a file
  std::uint64_t seed = 42;         ///< synthetic set's seed
  Crs generate_crs = Crs::geographic;
  std::uint32_t vertices = 64;     ///< vertices per synthetic polygon
  std::string write_shapefile;     ///< also write the synthetic set here
  AreaMode area = AreaMode::automatic;
  std::string name_field;          ///< empty: first of NAME/name/Name
  std::vector<std::string> fields; ///< --fields: attribute columns to keep ("all")
  std::string csv;                 ///< --csv: also write the per-polygon table here
  OutputFormat format = OutputFormat::hdf5;
  std::string group_by;            ///< --group-by: totals per value of this field
  AssumedCrs assume_crs = AssumedCrs::none;  ///< --assume-crs: replaces the .prj
  EdgeKind edges = EdgeKind::geodesic;  ///< projected data: how edges lie on the ellipsoid
  bool edges_given = false;             ///< --edges was given (an error on lon/lat data)
  double densify_m = 1000;              ///< EdgeKind::projected: longest piece of an edge, m
  ScatterMethod scatter = ScatterMethod::flat;
  ReadBy read_by = ReadBy::ranks;       ///< .shp input on several ranks
};

/// collective: run the driver; returns the process exit code.
[[nodiscard]] int run(const PolygonsOptions& options, driver::Run& run);

}  // namespace rankwise::polygons
