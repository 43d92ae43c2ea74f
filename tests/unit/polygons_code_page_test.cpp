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
