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

/// How a .dbf's text is decoded and what rankwise records of it.
struct CodePage {
  std::optional<Encoding> encoding;  ///< nullopt: `name` is a code page rankwise cannot decode
  std::string name;     ///< the declaration used: the .cpg text, "LDID/n", or "" (none: guessed)
  std::string warning;  ///< why the .cpg was ignored ("" when it was used or absent)
};

/// Chooses the code page of a .dbf from its .cpg's first line (`cpg`; nullopt without a .cpg)
/// and its language driver byte (`ldid`, 0: none). A .cpg naming a supported code page is
/// used. A .cpg that names no code page (empty, bytes other than printable ASCII, or a name
/// that is no code page) is ignored with a warning, and the language driver is used instead,
/// or without one the guess. A real code page rankwise cannot decode (BIG5, 866, LDID/38...)
/// gives encoding nullopt: reading it as Latin-1 would be mojibake.
[[nodiscard]] CodePage choose_code_page(std::optional<std::string_view> cpg, int ldid);

/// `bytes` fit for a message or an HDF5 attribute: valid UTF-8 is kept, control characters
/// and bytes that are not UTF-8 become \xNN; longer than `max` bytes is cut with "...".
[[nodiscard]] std::string printable(std::string_view bytes, std::size_t max = 80);

/// True if `bytes` is well-formed UTF-8 (no overlongs, surrogates or values above U+10FFFF).
[[nodiscard]] bool is_utf8(std::string_view bytes);

}  // namespace rankwise::polygons
