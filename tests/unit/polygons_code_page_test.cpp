// Code page decoding of .dbf text into UTF-8.
#include <gtest/gtest.h>

#include "rankwise/polygons/code_page.hpp"

using namespace rankwise::polygons;

TEST(PolygonsCodePage, NamesFromCpgAndLanguageDriver) {
  EXPECT_EQ(encoding_from_code_page("ISO-8859-1"), Encoding::latin1);
  EXPECT_EQ(encoding_from_code_page("ISO-8859-1\r\n"), Encoding::latin1);
  EXPECT_EQ(encoding_from_code_page("utf-8"), Encoding::utf8);
  EXPECT_EQ(encoding_from_code_page("UTF8"), Encoding::utf8);
  EXPECT_EQ(encoding_from_code_page("1252"), Encoding::cp1252);
  EXPECT_EQ(encoding_from_code_page("LDID/87"), Encoding::cp1252);
  EXPECT_EQ(encoding_from_code_page(""), Encoding::guess);
  EXPECT_EQ(encoding_from_code_page("BIG5"), std::nullopt);
}

TEST(PolygonsCodePage, Latin1BecomesUtf8) {
  EXPECT_EQ(to_utf8("C\xF4te d'Ivoire", Encoding::latin1), "C\xC3\xB4te d'Ivoire");
  EXPECT_EQ(to_utf8("plain", Encoding::latin1), "plain");
}

TEST(PolygonsCodePage, Cp1252HighRange) {
  EXPECT_EQ(to_utf8("\x80", Encoding::cp1252), "\xE2\x82\xAC");  // euro sign
  EXPECT_EQ(to_utf8("\xE9", Encoding::cp1252), "\xC3\xA9");
}

TEST(PolygonsCodePage, Utf8KeptAndInvalidReplaced) {
  EXPECT_EQ(to_utf8("C\xC3\xB4te", Encoding::utf8), "C\xC3\xB4te");
  EXPECT_EQ(to_utf8("a\xFF" "b", Encoding::utf8), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(to_utf8("\xC3", Encoding::utf8), "\xEF\xBF\xBD");  // truncated sequence
  EXPECT_FALSE(is_utf8("\xC0\xAF"));                           // overlong
  EXPECT_FALSE(is_utf8("\xED\xA0\x80"));                       // surrogate
}

TEST(PolygonsCodePage, GuessKeepsUtf8ElseLatin1) {
  EXPECT_EQ(to_utf8("C\xC3\xB4te", Encoding::guess), "C\xC3\xB4te");
  EXPECT_EQ(to_utf8("C\xF4te", Encoding::guess), "C\xC3\xB4te");
}

TEST(PolygonsCodePage, CpgNamingASupportedCodePageIsUsed) {
  const CodePage p = choose_code_page("ISO-8859-1", 87);
  EXPECT_EQ(p.encoding, Encoding::latin1);
  EXPECT_EQ(p.name, "ISO-8859-1");
  EXPECT_EQ(p.warning, "");
  const CodePage none = choose_code_page(std::nullopt, 0);  // no .cpg, no language driver
  EXPECT_EQ(none.encoding, Encoding::guess);
  EXPECT_EQ(none.name, "");
  EXPECT_EQ(none.warning, "");
  const CodePage ldid = choose_code_page(std::nullopt, 87);
  EXPECT_EQ(ldid.encoding, Encoding::cp1252);
  EXPECT_EQ(ldid.name, "LDID/87");
  EXPECT_EQ(ldid.warning, "");
}

TEST(PolygonsCodePage, InvalidCpgFallsBackWithOneWarning) {
  const CodePage bom = choose_code_page(std::string_view("\xff\xfe"), 0);
  EXPECT_EQ(bom.encoding, Encoding::guess);
  EXPECT_EQ(bom.name, "");
  EXPECT_NE(bom.warning.find("'\\xff\\xfe' is not a code page name"), std::string::npos) << bom.warning;
  EXPECT_TRUE(is_utf8(bom.warning));
  const CodePage to_driver = choose_code_page(std::string_view("\xff\xfe"), 87);
  EXPECT_EQ(to_driver.encoding, Encoding::cp1252);
  EXPECT_EQ(to_driver.name, "LDID/87");
  EXPECT_NE(to_driver.warning.find("language driver LDID/87"), std::string::npos);
  const CodePage unknown = choose_code_page("no such encoding", 0);
  EXPECT_EQ(unknown.encoding, Encoding::guess);
  EXPECT_NE(unknown.warning.find("'no such encoding' is not a code page name"), std::string::npos);
  EXPECT_NE(choose_code_page("  ", 0).warning.find("is empty"), std::string::npos);
}

TEST(PolygonsCodePage, RealCodePagesRankwiseCannotDecodeAreRefused) {
  for (const char* name : {"BIG5", "866", "CP1251", "ISO-8859-5", "KOI8-R", "Shift_JIS"}) {
    const CodePage p = choose_code_page(name, 0);
    EXPECT_EQ(p.encoding, std::nullopt) << name;
    EXPECT_EQ(p.name, name);
  }
  EXPECT_EQ(choose_code_page(std::string_view("\xff"), 38).encoding, std::nullopt);  // LDID/38: 866
}

TEST(PolygonsCodePage, PrintableEscapesWhatIsNotUtf8) {
  EXPECT_EQ(printable("C\xC3\xB4te"), "C\xC3\xB4te");
  EXPECT_EQ(printable("a\xff\x01"), "a\\xff\\x01");
  EXPECT_EQ(printable(std::string(100, 'x'), 10), std::string(10, 'x') + "...");
  EXPECT_EQ(printable(std::string(10, 'x'), 10), std::string(10, 'x'));
}
