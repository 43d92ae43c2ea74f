// Code page decoding for .dbf text: UTF-8, ISO-8859-1 and Windows-1252.
#include "rankwise/polygons/code_page.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <string>

namespace rankwise::polygons {
namespace {

std::string normalise(std::string_view name) {
  std::string out;
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0) out.push_back(static_cast<char>(std::toupper(u)));
  }
  return out;
}

void append(std::string& out, char32_t c) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

// Windows-1252 0x80..0x9F (the only range where it differs from ISO-8859-1); 0 = undefined.
constexpr std::array<char16_t, 32> cp1252_high = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

// Length of the well-formed UTF-8 sequence at bytes[i], or 0 if it is not one.
std::size_t utf8_sequence(std::string_view bytes, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(bytes[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;  // overlong
    if (c == 0xED) hi = 0x9F;  // surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > bytes.size()) return 0;
  if (b(i + 1) < lo || b(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k) {
    if (b(i + k) < 0x80 || b(i + k) > 0xBF) return 0;
  }
  return n;
}

// Names of code pages rankwise does not decode (normalised: upper-case letters and digits):
// Windows/OEM numbers and the usual families. A name outside these is no code page at all.
bool names_a_code_page(const std::string& n) {
  if (std::all_of(n.begin(), n.end(), [](char c) { return c >= '0' && c <= '9'; })) return true;
  static constexpr std::array<std::string_view, 28> families = {
      "CP",    "IBM",  "WINDOWS", "ISO8859", "ISO2022", "ISO646", "KOI8",   "EUC",  "MAC",
      "UTF",   "UCS",  "DOS",     "OEM",     "ANSI",    "LDID",   "GB",     "BIG5", "SHIFTJIS",
      "SJIS",  "TIS",  "KSC",     "JIS",     "ASCII",   "USASCII", "LATIN", "ARMSCII", "VISCII",
      "TCVN"};
  return std::any_of(families.begin(), families.end(),
                     [&](std::string_view f) { return n.rfind(f, 0) == 0; });
}

std::string hex_byte(unsigned char c) {
  constexpr const char* digits = "0123456789abcdef";
  return std::string("\\x") + digits[c >> 4] + digits[c & 15];
}

}  // namespace

std::string printable(std::string_view bytes, std::size_t max) {
  std::string out;
  std::size_t i = 0;
  while (i < bytes.size() && out.size() < max) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    const std::size_t n = utf8_sequence(bytes, i);
    if (n == 0 || c < 0x20 || c == 0x7F) {
      out += hex_byte(c);
      ++i;
    } else {
      out.append(bytes.substr(i, n));
      i += n;
    }
  }
  if (i < bytes.size()) out += "...";
  return out;
}

CodePage choose_code_page(std::optional<std::string_view> cpg, int ldid) {
  const std::string driver = ldid != 0 ? "LDID/" + std::to_string(ldid) : std::string();
  CodePage chosen;
  if (cpg) {
    std::string_view line = *cpg;
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back())) != 0) {
      line.remove_suffix(1);
    }
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    const bool ascii = std::all_of(line.begin(), line.end(), [](char c) {
      return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7F;
    });
    const std::string n = normalise(line);
    if (ascii && !n.empty()) {
      chosen.name = std::string(line);
      chosen.encoding = encoding_from_code_page(line);
      if (chosen.encoding || names_a_code_page(n)) return chosen;  // used, or refused
    }
    if (line.empty()) {
      chosen.warning = "is empty";
    } else {  // appended piece by piece: GCC 12 warns falsely (-Wrestrict) on "'" + string
      chosen.warning.append("'").append(printable(line)).append("' is not a code page name");
    }
    chosen.warning += "; ignored: ";
  }
  chosen.name = driver;
  chosen.encoding = encoding_from_code_page(driver);
  if (!chosen.warning.empty() && chosen.encoding) {
    chosen.warning += driver.empty()
                          ? "names are read as UTF-8 where valid, else as ISO-8859-1 (the .dbf "
                            "declares no language driver either)"
                          : "names are read in the .dbf's language driver " + driver;
    chosen.warning += "; write the encoding's name (e.g. UTF-8) into the .cpg to silence this";
  }
  return chosen;
}

std::optional<Encoding> encoding_from_code_page(std::string_view name) {
  const std::string n = normalise(name);
  if (n.empty()) return Encoding::guess;
  if (n == "UTF8" || n == "65001" || n == "CP65001") return Encoding::utf8;
  if (n == "ISO88591" || n == "88591" || n == "LATIN1" || n == "28591" || n == "ISOLATIN1") {
    return Encoding::latin1;
  }
  if (n == "1252" || n == "CP1252" || n == "WINDOWS1252" || n == "ANSI1252" || n == "LDID87" ||
      n == "LDID3") {
    return Encoding::cp1252;
  }
  return std::nullopt;
}

bool is_utf8(std::string_view bytes) {
  for (std::size_t i = 0; i < bytes.size();) {
    const std::size_t n = utf8_sequence(bytes, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string to_utf8(std::string_view bytes, Encoding encoding) {
  // ASCII reads the same in every supported encoding: most names take this copy only.
  bool ascii = true;
  for (const char c : bytes) ascii &= static_cast<unsigned char>(c) < 0x80;
  if (ascii) return std::string(bytes);
  if (encoding == Encoding::guess) encoding = is_utf8(bytes) ? Encoding::utf8 : Encoding::latin1;
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 4);
  for (std::size_t i = 0; i < bytes.size();) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (encoding == Encoding::utf8) {
      const std::size_t n = utf8_sequence(bytes, i);
      if (n == 0) {
        append(out, 0xFFFD);
        ++i;
      } else {
        out.append(bytes.substr(i, n));
        i += n;
      }
      continue;
    }
    char32_t code = c;
    if (encoding == Encoding::cp1252 && c >= 0x80 && c <= 0x9F) {
      code = cp1252_high[c - 0x80] != 0 ? cp1252_high[c - 0x80] : char32_t{0xFFFD};
    }
    append(out, code);
    ++i;
  }
  return out;
}

}  // namespace rankwise::polygons
