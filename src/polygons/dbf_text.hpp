#pragma once
// Private to src/polygons: one text field of every record of a .dbf, parsed in place.
#include <cstdint>
#include <string>
#include <vector>

#include "rankwise/polygons/code_page.hpp"

namespace rankwise::polygons::detail {

/// Where a character ('C') field lies in each record, as the .dbf's descriptors give it.
struct TextField {
  std::uint64_t offset = 0;  ///< bytes from the start of a record (1 + widths of earlier fields)
  std::uint64_t width = 0;   ///< bytes
};

/// The field's value in each of `records` records of the .dbf at `path`, trimmed of leading
/// and trailing blanks and cut at a NUL like shapelib's DBFReadStringAttribute, decoded from
/// `encoding` to UTF-8 (blank values give ""). Checks the header's record layout against the
/// field and the file size first. Throws InputError naming the file.
[[nodiscard]] std::vector<std::string> read_text_field(const std::string& path,
                                                       std::uint64_t records, TextField field,
                                                       Encoding encoding);

}  // namespace rankwise::polygons::detail
