// Unprojection by PROJ (the library pyproj and GDAL use): projected CRS -> its base
// geographic CRS, lon/lat order whatever the CRS's axis order says.
#include "rankwise/polygons/projection.hpp"

#include <proj.h>

#include <algorithm>
#include <cmath>
#include <cstddef>

#include "rankwise/errors.hpp"

namespace rankwise::polygons {
namespace {

// One line from PROJ's last error on `ctx`, or `fallback`.
std::string proj_error(PJ_CONTEXT* ctx, const char* fallback) {
  const int err = proj_context_errno(ctx);
  const char* text = err != 0 ? proj_context_errno_string(ctx, err) : nullptr;
  return text != nullptr && *text != '\0' ? std::string(text) : std::string(fallback);
}

struct Pj {
  PJ* p = nullptr;
  Pj() = default;
  explicit Pj(PJ* q) : p(q) {}
  Pj(const Pj&) = delete;
  Pj& operator=(const Pj&) = delete;
  Pj& operator=(Pj&& o) noexcept {
    std::swap(p, o.p);
    return *this;
  }
  ~Pj() {
    if (p != nullptr) proj_destroy(p);
  }
};

}  // namespace

struct Unprojector::Handles {
  PJ_CONTEXT* ctx = proj_context_create();
  Pj crs;
  Pj base;
  Pj inverse;
  Handles() = default;
  Handles(const Handles&) = delete;
  Handles& operator=(const Handles&) = delete;
  ~Handles() {
    // PJ objects first: they belong to the context.
    inverse = Pj();
    base = Pj();
    crs = Pj();
    if (ctx != nullptr) proj_context_destroy(ctx);
  }
};

Unprojector::Unprojector(const std::string& wkt, const std::string& path)
    : h_(std::make_unique<Handles>()) {
  const std::string way_out =
      "; reproject the data (ogr2ogr -t_srs EPSG:4326), or pass --area planar for areas in the "
      "projection's units";
  if (h_->ctx == nullptr) throw InputError(path + ": PROJ could not start (out of memory)");
  proj_log_level(h_->ctx, PJ_LOG_NONE);
  PROJ_STRING_LIST warnings = nullptr;
  PROJ_STRING_LIST errors = nullptr;
  h_->crs = Pj(proj_create_from_wkt(h_->ctx, wkt.c_str(), nullptr, &warnings, &errors));
  std::string first_error = errors != nullptr && errors[0] != nullptr ? errors[0] : "";
  proj_string_list_destroy(warnings);
  proj_string_list_destroy(errors);
  if (h_->crs.p == nullptr) {
    throw InputError(path + ": PROJ cannot read this coordinate system" +
                     (first_error.empty() ? "" : " (" + first_error + ")") + way_out);
  }
  const PJ_TYPE type = proj_get_type(h_->crs.p);
  if (type == PJ_TYPE_BOUND_CRS) {
    h_->crs = Pj(proj_get_source_crs(h_->ctx, h_->crs.p));
  } else if (type == PJ_TYPE_COMPOUND_CRS) {
    h_->crs = Pj(proj_crs_get_sub_crs(h_->ctx, h_->crs.p, 0));
  }
  if (h_->crs.p == nullptr || proj_get_type(h_->crs.p) != PJ_TYPE_PROJECTED_CRS) {
    throw InputError(path + ": PROJ does not read this as a projected coordinate system" +
                     way_out);
  }
  if (const char* n = proj_get_name(h_->crs.p)) name_ = n;
  const char* auth = proj_get_id_auth_name(h_->crs.p, 0);
  const char* code = proj_get_id_code(h_->crs.p, 0);
  if (auth != nullptr && code != nullptr) id_ = std::string(auth) + ":" + code;
  h_->base = Pj(proj_crs_get_geodetic_crs(h_->ctx, h_->crs.p));
  Pj ell(h_->base.p != nullptr ? proj_get_ellipsoid(h_->ctx, h_->base.p) : nullptr);
  double a = 0;
  double b = 0;
  int computed = 0;
  double rf = 0;
  if (ell.p == nullptr ||
      proj_ellipsoid_get_parameters(h_->ctx, ell.p, &a, &b, &computed, &rf) == 0) {
    throw InputError(path + ": PROJ finds no ellipsoid under this projection" + way_out);
  }
  if (const char* n = proj_get_name(ell.p)) ellipsoid_.name = n;
  ellipsoid_.a = a;
  ellipsoid_.f = rf > 0 ? 1 / rf : (a - b) / a;
  Pj op(proj_create_crs_to_crs_from_pj(h_->ctx, h_->crs.p, h_->base.p, nullptr, nullptr));
  if (op.p == nullptr) {
    throw InputError(path + ": PROJ cannot invert this projection (" +
                     proj_error(h_->ctx, "no operation") + ")" + way_out);
  }
  h_->inverse = Pj(proj_normalize_for_visualization(h_->ctx, op.p));
  if (h_->inverse.p == nullptr) {
    throw InputError(path + ": PROJ cannot invert this projection (" +
                     proj_error(h_->ctx, "axis order") + ")" + way_out);
  }
}

Unprojector::~Unprojector() = default;

bool Unprojector::unproject(std::span<const double> x, std::span<const double> y,
                            std::vector<double>& lon, std::vector<double>& lat) const {
  const std::size_t n = x.size();
  lon.assign(x.begin(), x.end());
  lat.assign(y.begin(), y.end());
  if (n == 0) return true;
  proj_errno_reset(h_->inverse.p);
  proj_trans_generic(h_->inverse.p, PJ_FWD, lon.data(), sizeof(double), n, lat.data(),
                     sizeof(double), n, nullptr, 0, 0, nullptr, 0, 0);
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(lon[i]) || !std::isfinite(lat[i]) || std::fabs(lat[i]) > 90) return false;
  }
  return true;
}

void densify_ring(std::span<const double> x, std::span<const double> y, double max_piece,
                  std::vector<double>& out_x, std::vector<double>& out_y) {
  out_x.clear();
  out_y.clear();
  const std::size_t n = x.size();
  for (std::size_t i = 0; i + 1 < n; ++i) {
    const double dx = x[i + 1] - x[i];
    const double dy = y[i + 1] - y[i];
    const double pieces = std::ceil(std::hypot(dx, dy) / max_piece);
    // At most 2^16 pieces an edge: an edge 65536 pieces long is off any map's scale.
    const double capped = std::isfinite(pieces) ? std::min(pieces, 65536.0) : 1.0;
    const auto k = static_cast<std::size_t>(capped > 1 ? capped : 1);
    out_x.push_back(x[i]);
    out_y.push_back(y[i]);
    for (std::size_t j = 1; j < k; ++j) {
      const double t = static_cast<double>(j) / static_cast<double>(k);
      out_x.push_back(x[i] + t * dx);
      out_y.push_back(y[i] + t * dy);
    }
  }
  if (n > 0) {
    out_x.push_back(x[n - 1]);
    out_y.push_back(y[n - 1]);
  }
}

}  // namespace rankwise::polygons
