// Checks of .shp/.shx headers and index before shapelib trusts them.
#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#include "rankwise/errors.hpp"
#include "rankwise/polygons/shapefile.hpp"
#include "shapelib_handles.hpp"

namespace rankwise::polygons {
namespace {

std::uint32_t big_endian(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}
std::uint32_t little_endian(const unsigned char* p) {
  return (std::uint32_t{p[3]} << 24) | (std::uint32_t{p[2]} << 16) | (std::uint32_t{p[1]} << 8) |
         std::uint32_t{p[0]};
}

std::vector<unsigned char> read_bytes(const std::string& path, std::uint64_t count) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open for reading");
  std::vector<unsigned char> bytes(count);
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(count));
  if (static_cast<std::uint64_t>(in.gcount()) != count) {
    throw InputError(path + ": cannot read " + std::to_string(count) + " bytes");
  }
  return bytes;
}

std::uint64_t size_of(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw InputError(path + ": no such file");
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw InputError(path + ": not a regular file");
  }
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) throw InputError(path + ": cannot stat: " + ec.message());
  return size;
}

const char* type_name(int type) {
  switch (type) {
    case SHPT_NULL: return "Null";
    case SHPT_POINT: return "Point";
    case SHPT_ARC: return "PolyLine";
    case SHPT_MULTIPOINT: return "MultiPoint";
    case SHPT_POINTZ: return "PointZ";
    case SHPT_ARCZ: return "PolyLineZ";
    case SHPT_MULTIPOINTZ: return "MultiPointZ";
    case SHPT_POINTM: return "PointM";
    case SHPT_ARCM: return "PolyLineM";
    case SHPT_MULTIPOINTM: return "MultiPointM";
    case SHPT_MULTIPATCH: return "MultiPatch";
    default: return "unknown";
  }
}

}  // namespace

std::string sibling(const std::string& path, const std::string& ext) {
  std::filesystem::path p(path);
  std::string e = p.extension().string();
  for (auto& c : e) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (e == ".shp" || e == ".shx" || e == ".dbf") p.replace_extension();
  std::string upper = ext;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const std::string lower_name = p.string() + "." + ext;
  const std::string upper_name = p.string() + "." + upper;
  std::error_code ec;
  if (!std::filesystem::exists(lower_name, ec) && std::filesystem::exists(upper_name, ec)) {
    return upper_name;
  }
  return lower_name;
}

ShapeHeader check_shape_header(const std::string& path) {
  ShapeHeader h;
  h.file_bytes = size_of(path);
  if (h.file_bytes < 100) {
    throw InputError(path + ": truncated (" + std::to_string(h.file_bytes) +
                     " bytes, a shapefile header alone has 100)");
  }
  const auto b = read_bytes(path, 100);
  const std::uint32_t magic = big_endian(&b[0]);
  if (magic != 9994) {
    throw InputError(path + ": not a shapefile (file code " + std::to_string(magic) +
                     ", expected 9994)");
  }
  const std::uint32_t version = little_endian(&b[28]);
  if (version != 1000) {
    throw InputError(path + ": unsupported shapefile version " + std::to_string(version));
  }
  const std::uint64_t declared = std::uint64_t{big_endian(&b[24])} * 2;
  if (declared != h.file_bytes) {
    throw InputError(path + ": header gives a length of " + std::to_string(declared) +
                     " bytes but the file has " + std::to_string(h.file_bytes) +
                     (declared > h.file_bytes ? " (truncated)" : ""));
  }
  h.shape_type = static_cast<int>(little_endian(&b[32]));
  if (h.shape_type != SHPT_POLYGON && h.shape_type != SHPT_POLYGONZ &&
      h.shape_type != SHPT_POLYGONM) {
    throw InputError(path + ": shape type " + std::to_string(h.shape_type) + " (" +
                     type_name(h.shape_type) + ") is not a polygon type (5, 15 or 25)");
  }
  std::memcpy(h.bounds, &b[36], sizeof h.bounds);
  return h;
}

std::uint64_t check_shape_index(const std::string& shx, const ShapeHeader& shp) {
  const ShapeHeader index = [&] {
    try {
      return check_shape_header(shx);
    } catch (const InputError& e) {
      if (!std::filesystem::exists(shx)) throw InputError(shx + ": missing (the .shp index)");
      throw;
    }
  }();
  if (index.shape_type != shp.shape_type) {
    throw InputError(shx + ": shape type " + std::to_string(index.shape_type) +
                     " differs from the .shp's " + std::to_string(shp.shape_type));
  }
  if ((index.file_bytes - 100) % 8 != 0) {
    throw InputError(shx + ": size " + std::to_string(index.file_bytes) +
                     " is not 100 + 8 bytes per record");
  }
  const std::uint64_t n = (index.file_bytes - 100) / 8;
  if (n > 0x7fffffff) throw InputError(shx + ": more records than shapelib can read");
  const auto b = read_bytes(shx, index.file_bytes);
  for (std::uint64_t i = 0; i < n; ++i) {
    const std::uint64_t offset = std::uint64_t{big_endian(&b[100 + 8 * i])} * 2;
    const std::uint64_t length = std::uint64_t{big_endian(&b[104 + 8 * i])} * 2;
    if (offset < 100 || offset + 8 + length > shp.file_bytes) {
      throw InputError(shx + ": record " + std::to_string(i) + " at byte " +
                       std::to_string(offset) + " (+" + std::to_string(length + 8) +
                       ") lies outside the .shp (" + std::to_string(shp.file_bytes) +
                       " bytes)");
    }
  }
  return n;
}

}  // namespace rankwise::polygons
