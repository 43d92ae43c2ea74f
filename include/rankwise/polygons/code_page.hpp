#pragma once
/// Attribute text from a shapefile's code page into UTF-8.
#include <optional>
#include <string>
#include <string_view>

namespace rankwise::polygons {

/// Encodings rankwise decodes; `guess` keeps valid UTF-8 and reads anything else as Latin-1.
enum class Encoding { utf8, latin1, cp1252, guess };

/// The encoding a .cpg text (e.g. "ISO-8859-1", "UTF-8", "1252") or a DBF language driver id
/// as shapelib reports it ("LDID/87") names; nullopt when rankwise does not know it. An empty
/// name (no .cpg, no LDID) gives Encoding::guess.
[[nodiscard]] std::optional<Encoding> encoding_from_code_page(std::string_view name);

/// `bytes` in `encoding` as UTF-8; invalid UTF-8 (declared utf8) becomes U+FFFD.
[[nodiscard]] std::string to_utf8(std::string_view bytes, Encoding encoding);

/// True if `bytes` is well-formed UTF-8 (no overlongs, surrogates or values above U+10FFFF).
[[nodiscard]] bool is_utf8(std::string_view bytes);

}  // namespace rankwise::polygons
