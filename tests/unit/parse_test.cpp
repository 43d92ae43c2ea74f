// Option value parsing: counts in plain and scientific notation, and every bad form.
#include <gtest/gtest.h>

#include "rankwise/cli/parse.hpp"
#include "rankwise/errors.hpp"

using rankwise::UsageError;
using rankwise::cli::parse_count;
using rankwise::cli::parse_real;

namespace {
std::string message_of(const std::string& text, std::uint64_t max = std::uint64_t{1} << 63) {
  try {
    (void)parse_count(text, "--terms", max);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST(ParseCount, AcceptsIntegersAndScientificNotation) {
  EXPECT_EQ(parse_count("1000", "--terms"), 1000u);
  EXPECT_EQ(parse_count("1e10", "--terms"), 10'000'000'000u);
  EXPECT_EQ(parse_count("2.5e9", "--terms"), 2'500'000'000u);
  EXPECT_EQ(parse_count("1E13", "--terms"), 10'000'000'000'000u);
  EXPECT_EQ(parse_count(" 42 ", "--terms"), 42u);
  EXPECT_EQ(parse_count("9223372036854775808", "--terms"), std::uint64_t{1} << 63);
}

TEST(ParseCount, RejectsBadValuesNamingTheOption) {
  for (const char* bad : {"0", "-5", "abc", "", "1e400", "1.5", "0.5", "1e-3", "nan", "inf",
                          "12abc", "--1", "99999999999999999999999"}) {
    const std::string m = message_of(bad);
    EXPECT_NE(m, "") << "accepted '" << bad << "'";
    EXPECT_EQ(m.rfind("--terms:", 0), 0u) << m;
  }
}

TEST(ParseCount, EnforcesTheMaximum) {
  EXPECT_EQ(parse_count("100", "--terms", 100), 100u);
  EXPECT_NE(message_of("101", 100).find("too large"), std::string::npos);
  EXPECT_NE(message_of("1e3", 100).find("too large"), std::string::npos);
}

TEST(ParseReal, AcceptsFiniteAndRejectsTheRest) {
  EXPECT_DOUBLE_EQ(parse_real("1e-12", "--tolerance", true), 1e-12);
  EXPECT_DOUBLE_EQ(parse_real("-2", "--x", false), -2.0);
  for (const char* bad : {"0", "-1", "nan", "inf", "abc", "", "1e999"}) {
    EXPECT_THROW((void)parse_real(bad, "--tolerance", true), UsageError) << bad;
  }
}

TEST(ParseSeed, AcceptsAny64BitValue) {
  using rankwise::cli::parse_seed;
  EXPECT_EQ(parse_seed("0"), 0u);
  EXPECT_EQ(parse_seed("18446744073709551615"), UINT64_MAX);
  for (const char* bad : {"", "-1", "x", "1e3", "18446744073709551616"}) {
    EXPECT_THROW((void)parse_seed(bad), UsageError) << bad;
  }
}

TEST(Closest, SuggestsNearMissesOnly) {
  using rankwise::cli::closest;
  const std::vector<std::string> options{"--terms", "--samples", "--seed", "--tolerance"};
  EXPECT_EQ(closest("--term", options), "--terms");
  EXPECT_EQ(closest("--sede", options), "--seed");
  EXPECT_EQ(closest("--tolerence", options), "--tolerance");
  EXPECT_EQ(closest("--frobnicate", options), "");
  EXPECT_EQ(closest("plumer", {"uniform", "plummer"}), "plummer");
  EXPECT_EQ(closest("x", {}), "");
}
