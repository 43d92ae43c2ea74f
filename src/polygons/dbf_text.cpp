// Names straight from a memory-mapped .dbf (dBASE III layout: 32-byte header, 32-byte field
// descriptors, fixed-length records). shapelib's DBFReadStringAttribute seeks, copies and trims
// one record per call; at 156,000 records that cost as much as parsing all the vertices.
#include "dbf_text.hpp"

#include <cstring>
#include <string_view>

#include "mapped_file.hpp"
#include "rankwise/errors.hpp"

namespace rankwise::polygons::detail {
namespace {

std::uint64_t little_endian16(const unsigned char* p) {
  return std::uint64_t{p[0]} | (std::uint64_t{p[1]} << 8);
}

// As shapelib's DBFReadStringAttribute (built with TRIM_DBF_WHITESPACE): the bytes up to the
// first NUL, without leading and trailing blanks.
std::string_view trimmed(const char* text, std::size_t width) {
  std::string_view value(text, strnlen(text, width));
  const std::size_t first = value.find_first_not_of(' ');
  if (first == std::string_view::npos) return {};
  value.remove_prefix(first);
  return value.substr(0, value.find_last_not_of(' ') + 1);
}

}  // namespace

std::vector<std::string> read_text_field(const std::string& path, std::uint64_t records,
                                         TextField field, Encoding encoding) {
  const MappedFile file(path, true);
  if (file.size() < 12) throw InputError(path + ": truncated (" + std::to_string(file.size()) + " bytes)");
  const std::uint64_t header = little_endian16(file.data() + 8);
  const std::uint64_t record = little_endian16(file.data() + 10);
  if (field.offset + field.width > record) {
    throw InputError(path + ": field at byte " + std::to_string(field.offset) + " (+" +
                     std::to_string(field.width) + ") lies outside the " +
                     std::to_string(record) + "-byte record");
  }
  const std::uint64_t need = header + records * record;
  if (need > file.size()) {
    throw InputError(path + ": truncated: " + std::to_string(records) + " records of " +
                     std::to_string(record) + " bytes after a " + std::to_string(header) +
                     "-byte header need " + std::to_string(need) + " bytes, the file has " +
                     std::to_string(file.size()));
  }
  std::vector<std::string> names(records);
  const auto* text = reinterpret_cast<const char*>(file.data() + header + field.offset);
  for (std::uint64_t r = 0; r < records; ++r) {
    const std::string_view value = trimmed(text + r * record, field.width);
    if (!value.empty()) names[r] = to_utf8(value, encoding);
  }
  return names;
}

}  // namespace rankwise::polygons::detail
