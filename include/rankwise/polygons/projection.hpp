#pragma once
/// Projected coordinates back to longitude/latitude on the projection's own ellipsoid (PROJ),
/// so that projected data get true ellipsoidal areas.
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "rankwise/polygons/area.hpp"

namespace rankwise::polygons {

/// How the straight edges of projected data are taken on the ellipsoid.
enum class EdgeKind {
  geodesic,   ///< vertices unprojected, edges the geodesics between them (pyproj, GDAL, QGIS)
  projected,  ///< edges straight in the projected plane: densified before unprojecting
};

/// The inverse of one projected CRS: (easting, northing) in the CRS's unit to (longitude,
/// latitude) in degrees on its base geographic CRS, by PROJ. Owns its PROJ context, so one
/// per thread (PROJ objects are not shareable between threads). Deterministic: the same input
/// gives the same bits in every instance.
class Unprojector {
 public:
  /// `wkt` is the CRS (WKT 1, ESRI or WKT 2), `path` only names it in errors. Throws
  /// InputError if PROJ cannot read it as a projected CRS or cannot invert it.
  Unprojector(const std::string& wkt, const std::string& path);
  ~Unprojector();
  Unprojector(const Unprojector&) = delete;
  Unprojector& operator=(const Unprojector&) = delete;

  /// The base geographic CRS's ellipsoid (name, a, f).
  [[nodiscard]] const Ellipsoid& ellipsoid() const noexcept { return ellipsoid_; }
  /// The projected CRS's name and, if PROJ knows it, its "AUTHORITY:CODE" ("" otherwise).
  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] const std::string& id() const noexcept { return id_; }

  /// lon/lat (degrees) of the points (x[i], y[i]); resizes the outputs. Returns false if any
  /// point is outside the projection's domain (outputs then unspecified).
  [[nodiscard]] bool unproject(std::span<const double> x, std::span<const double> y,
                               std::vector<double>& lon, std::vector<double>& lat) const;

 private:
  struct Handles;
  std::unique_ptr<Handles> h_;
  Ellipsoid ellipsoid_;
  std::string name_;
  std::string id_;
};

/// Ring (x, y) with every edge split into equal pieces no longer than `max_piece` (data units;
/// at most 65536 pieces an edge), the closing vertex kept: pieces lie on the straight line in
/// the projected plane.
void densify_ring(std::span<const double> x, std::span<const double> y, double max_piece,
                  std::vector<double>& out_x, std::vector<double>& out_y);

}  // namespace rankwise::polygons
