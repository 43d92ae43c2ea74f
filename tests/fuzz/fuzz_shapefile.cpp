// libFuzzer harness: the shapefile reading path the polygons driver uses (read_shapefile:
// header and index checks, DBF names and code pages, shapelib through the mapped hooks,
// record checks). Input container: u32 LE length of the .shp, u32 LE length of the .shx,
// then the .shp bytes, the .shx bytes, and the rest is the .dbf. A short input is all .shp.
// Expected: rankwise::Error (InputError) for bad files. Anything else is a finding: a crash,
// a sanitizer report, or another exception type (std::bad_alloc from a hostile size).
#include <cstdint>
#include <cstring>

#include "fuzz_input.hpp"
#include "rankwise/errors.hpp"
#include "rankwise/polygons/shapefile.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using rankwise::fuzz::scratch;
  using rankwise::fuzz::write_file;
  const std::string base = scratch() + "/in";
  std::size_t shp_len = size, shx_len = 0;
  std::size_t offset = 0;
  if (size >= 8) {
    std::uint32_t a = 0, b = 0;
    std::memcpy(&a, data, 4);
    std::memcpy(&b, data + 4, 4);
    offset = 8;
    shp_len = std::min<std::size_t>(a, size - offset);
    shx_len = std::min<std::size_t>(b, size - offset - shp_len);
  }
  const std::uint8_t* shp = data + offset;
  const std::uint8_t* shx = shp + shp_len;
  const std::uint8_t* dbf = shx + shx_len;
  const std::size_t dbf_len = size - offset - shp_len - shx_len;
  write_file(base + ".shp", shp, shp_len);
  write_file(base + ".shx", shx, shx_len);
  write_file(base + ".dbf", dbf, dbf_len);
  try {
    const auto s = rankwise::polygons::read_shapefile(base + ".shp", "");
    // Touch what the driver touches next: every ring's coordinates and the names.
    volatile double sink = 0;
    for (std::uint64_t k = 0; k < s.polygons.rings(); ++k) {
      for (double v : s.polygons.ring_x(k)) sink = sink + v;
      for (double v : s.polygons.ring_y(k)) sink = sink + v;
    }
    for (const auto& n : s.names) sink = sink + static_cast<double>(n.size());
    if (s.names.size() != s.polygons.records()) __builtin_trap();  // reader's own contract
  } catch (const rankwise::Error&) {
    // A clean refusal: what bad input must produce.
  }
  return 0;
}
