// rankwise's GDAL module (librankwise_ogr.so): reads one polygon layer of any vector format
// OGR knows into the flat PolygonSet. Loaded by vector_source.cpp only when a file other than
// a plain .shp is read; reports errors in VectorData::error (one line) rather than throwing
// across the dlopen boundary.
#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <algorithm>
#include <cstdio>
#include <cctype>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "rankwise/polygons/vector_source.hpp"

namespace {

using rankwise::polygons::VectorData;
using rankwise::polygons::VectorRequest;

struct Failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct CloseDataset {
  void operator()(void* ds) const noexcept { GDALClose(ds); }
};
struct DestroyFeature {
  void operator()(void* f) const noexcept { OGR_F_Destroy(f); }
};
struct DestroyGeometry {
  void operator()(void* g) const noexcept { OGR_G_DestroyGeometry(g); }
};
struct Free {
  void operator()(char* p) const noexcept { CPLFree(p); }
};
using Dataset = std::unique_ptr<void, CloseDataset>;
using Feature = std::unique_ptr<void, DestroyFeature>;
using Geometry = std::unique_ptr<void, DestroyGeometry>;

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

std::string gdal_message() {
  const char* m = CPLGetLastErrorMsg();
  std::string text = m != nullptr ? m : "";
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

OGRLayerH choose_layer(GDALDatasetH ds, const VectorRequest& rq, VectorData& out) {
  const int count = GDALDatasetGetLayerCount(ds);
  std::string names;
  for (int i = 0; i < count; ++i) {
    names += (i == 0 ? "" : ", ") + std::string(OGR_L_GetName(GDALDatasetGetLayer(ds, i)));
  }
  if (count == 0) throw Failure(rq.path + ": no layers");
  if (rq.layer.empty()) {
    if (count > 1) {
      out.warnings.push_back(rq.path + ": " + std::to_string(count) + " layers (" + names +
                             "); reading the first; choose one with --layer NAME");
    }
    return GDALDatasetGetLayer(ds, 0);
  }
  if (OGRLayerH l = GDALDatasetGetLayerByName(ds, rq.layer.c_str())) return l;
  const bool digits = std::all_of(rq.layer.begin(), rq.layer.end(),
                                  [](unsigned char c) { return std::isdigit(c) != 0; });
  if (digits && rq.layer.size() < 9) {
    const int i = std::stoi(rq.layer);
    if (i < count) return GDALDatasetGetLayer(ds, i);
  }
  throw Failure(rq.path + ": no layer '" + rq.layer + "' (layers: " + names + ")");
}

// The field names come from: the requested one, else NAME/name/Name; matched without case.
int name_field(OGRFeatureDefnH defn, const VectorRequest& rq, const std::string& layer,
               VectorData& out) {
  const int fields = OGR_FD_GetFieldCount(defn);
  std::string list;
  const std::string wanted = lower(rq.name_field.empty() ? "name" : rq.name_field);
  for (int f = 0; f < fields; ++f) {
    const std::string n = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, f));
    if (lower(n) == wanted) {
      out.name_field = n;
      return f;
    }
    list += (list.empty() ? "" : ", ") + n;
  }
  if (rq.name_field.empty()) return -1;
  throw Failure(rq.path + ": layer '" + layer + "' has no field '" + rq.name_field +
                "' (fields: " + list + ")");
}

// The --fields columns: GDAL's integer types as integers, reals as reals, the rest as text.
std::vector<int> choose_fields(OGRFeatureDefnH defn, const VectorRequest& rq,
                               const std::string& layer, VectorData& out) {
  std::vector<std::string> available;
  for (int f = 0; f < OGR_FD_GetFieldCount(defn); ++f) {
    available.emplace_back(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, f)));
  }
  std::string error;
  const std::vector<int> chosen = rankwise::polygons::select_fields(available, rq.fields, error);
  if (!error.empty()) throw Failure(rq.path + ": layer '" + layer + "': " + error);
  for (int f : chosen) {
    rankwise::polygons::FieldColumn c;
    c.name = available[static_cast<std::size_t>(f)];
    const OGRFieldType t = OGR_Fld_GetType(OGR_FD_GetFieldDefn(defn, f));
    using Type = rankwise::polygons::FieldColumn::Type;
    c.type = t == OFTInteger || t == OFTInteger64 ? Type::integer
           : t == OFTReal                        ? Type::real
                                                 : Type::text;
    out.fields.push_back(std::move(c));
  }
  return chosen;
}

// Dates as ISO 8601 (GDAL's own text is 2020/01/31), as the shapefile reader writes them.
std::string field_text(OGRFeatureH f, int i) {
  const OGRFieldType t = OGR_Fld_GetType(OGR_F_GetFieldDefnRef(f, i));
  if (t == OFTDate || t == OFTDateTime) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, tz = 0;
    float sec = 0;
    if (OGR_F_GetFieldAsDateTimeEx(f, i, &y, &mo, &d, &h, &mi, &sec, &tz) != 0) {
      char buf[64];
      if (t == OFTDate) {
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, mo, d);
      } else {
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%06.3f", y, mo, d, h, mi,
                      static_cast<double>(sec));
      }
      return buf;
    }
  }
  return OGR_F_GetFieldAsString(f, i);
}

void add_values(OGRFeatureH f, const std::vector<int>& chosen, VectorData& out) {
  using Type = rankwise::polygons::FieldColumn::Type;
  for (std::size_t k = 0; k < chosen.size(); ++k) {
    auto& c = out.fields[k];
    const int i = chosen[k];
    const bool null = OGR_F_IsFieldSetAndNotNull(f, i) == 0;
    c.null.push_back(null ? 1 : 0);
    switch (c.type) {
      case Type::integer: c.integers.push_back(null ? 0 : OGR_F_GetFieldAsInteger64(f, i)); break;
      case Type::real:
        c.reals.push_back(null ? std::numeric_limits<double>::quiet_NaN() : OGR_F_GetFieldAsDouble(f, i));
        break;
      case Type::text: c.texts.emplace_back(null ? std::string() : field_text(f, i)); break;
    }
  }
}

void add_polygon(OGRGeometryH poly, rankwise::polygons::PolygonSet& set) {
  const int rings = OGR_G_GetGeometryCount(poly);
  for (int k = 0; k < rings; ++k) {
    OGRGeometryH ring = OGR_G_GetGeometryRef(poly, k);
    const int n = OGR_G_GetPointCount(ring);
    if (n <= 0) continue;
    const std::size_t base = set.x.size();
    set.x.resize(base + static_cast<std::size_t>(n));
    set.y.resize(base + static_cast<std::size_t>(n));
    OGR_G_GetPoints(ring, set.x.data() + base, sizeof(double), set.y.data() + base,
                    sizeof(double), nullptr, 0);
    set.ring_start.push_back(set.x.size());
  }
}

void add_geometry(OGRGeometryH g, std::int64_t fid, const std::string& path,
                  rankwise::polygons::PolygonSet& set) {
  const OGRwkbGeometryType type = OGR_GT_Flatten(OGR_G_GetGeometryType(g));
  if (type == wkbPolygon || type == wkbTriangle) {
    add_polygon(g, set);
  } else if (type == wkbMultiPolygon || type == wkbPolyhedralSurface || type == wkbTIN) {
    for (int i = 0; i < OGR_G_GetGeometryCount(g); ++i) add_polygon(OGR_G_GetGeometryRef(g, i), set);
  } else if (type == wkbCurvePolygon || type == wkbMultiSurface) {
    const Geometry linear(OGR_G_GetLinearGeometry(g, 0.0, nullptr));
    if (!linear) throw Failure(path + ": feature " + std::to_string(fid) + ": cannot linearise its curves");
    add_geometry(linear.get(), fid, path, set);
  } else {
    throw Failure(path + ": feature " + std::to_string(fid) + " is a " +
                  OGRGeometryTypeToName(OGR_G_GetGeometryType(g)) + ", not a polygon");
  }
}

void read(const VectorRequest& rq, VectorData& out) {
  CPLSetErrorHandler(CPLQuietErrorHandler);
  GDALAllRegister();
  std::string source = rq.path;
  if (source.rfind("/vsi", 0) != 0 && ends_with(lower(source), ".zip")) source = "/vsizip/" + source;
  CPLErrorReset();
  const Dataset ds(GDALOpenEx(source.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr,
                              nullptr, nullptr));
  if (!ds) {
    const std::string why = gdal_message();
    throw Failure(rq.path + ": not a vector data set GDAL can read" +
                  (why.empty() ? std::string() : " (" + why + ")"));
  }
  out.driver = GDALGetDriverShortName(GDALGetDatasetDriver(ds.get()));
  OGRLayerH layer = choose_layer(ds.get(), rq, out);
  out.layer = OGR_L_GetName(layer);
  if (OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(layer)) {
    char* wkt = nullptr;
    const char* options[] = {"FORMAT=WKT2_2019", nullptr};
    if (OSRExportToWktEx(srs, &wkt, options) == OGRERR_NONE && wkt != nullptr) out.crs_wkt = wkt;
    CPLFree(wkt);
  }
  const int field = name_field(OGR_L_GetLayerDefn(layer), rq, out.layer, out);
  const std::vector<int> chosen = choose_fields(OGR_L_GetLayerDefn(layer), rq, out.layer, out);
  OGR_L_ResetReading(layer);
  CPLErrorReset();
  auto& set = out.polygons;
  for (;;) {
    const Feature f(OGR_L_GetNextFeature(layer));
    if (!f) break;
    const std::int64_t fid = OGR_F_GetFID(f.get());
    if (OGRGeometryH g = OGR_F_GetGeometryRef(f.get())) add_geometry(g, fid, rq.path, set);
    set.record_start.push_back(set.ring_start.size() - 1);
    out.fid.push_back(fid);
    out.names.emplace_back(field >= 0 && OGR_F_IsFieldSetAndNotNull(f.get(), field) != 0
                               ? OGR_F_GetFieldAsString(f.get(), field)
                               : "");
    add_values(f.get(), chosen, out);
  }
  if (CPLGetLastErrorType() >= CE_Failure) {
    throw Failure(rq.path + ": layer '" + out.layer + "': " + gdal_message());
  }
  if (set.records() == 0) throw Failure(rq.path + ": layer '" + out.layer + "' has no features");
}

}  // namespace

extern "C" __attribute__((visibility("default"))) void rankwise_ogr_read(
    const VectorRequest& request, VectorData& out) noexcept {
  try {
    read(request, out);
  } catch (const std::exception& e) {
    out.error = e.what();
  } catch (...) {
    out.error = request.path + ": GDAL failed";
  }
}
