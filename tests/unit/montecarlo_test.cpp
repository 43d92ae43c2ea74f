// Monte Carlo pi: the SIMD Philox kernel against Random123's own generator, known-answer
// vectors, decomposition independence and independence of streams for different seeds.
#include <gtest/gtest.h>

#include <Random123/philox.h>

#include <cmath>
#include <numbers>

#include <hwy/targets.h>

#include "rankwise/pi/montecarlo.hpp"

using namespace rankwise::pi;

TEST(Philox, KnownAnswerVectors) {
  // Random123 kat_vectors: philox4x32-10 with zero counter and key, and with all ones.
  r123::Philox4x32 rng;
  auto out = rng({{0, 0, 0, 0}}, {{0, 0}});
  EXPECT_EQ(out.v[0], 0x6627e8d5u);
  EXPECT_EQ(out.v[1], 0xe169c58du);
  EXPECT_EQ(out.v[2], 0xbc57ac4cu);
  EXPECT_EQ(out.v[3], 0x9b00dbd8u);
  out = rng({{0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}}, {{0xffffffffu, 0xffffffffu}});
  EXPECT_EQ(out.v[0], 0x408f276du);
  EXPECT_EQ(out.v[3], 0x6d5451fdu);
}

TEST(MonteCarlo, SimdKernelMatchesReferenceGenerator) {
  for (std::uint64_t seed : {0ull, 42ull, 0xDEADBEEFCAFEull}) {
    for (auto [b, e] : {std::pair{0ull, 1000ull}, {1ull, 2ull}, {5ull, 1029ull}, {0ull, 77ull},
                        {(1ull << 33) - 9, (1ull << 33) + 111}}) {
      EXPECT_EQ(montecarlo_hits_calls(seed, b, e), montecarlo_hits_reference(seed, 2 * b, 2 * e))
          << "seed " << seed << " calls [" << b << "," << e << ")";
    }
  }
}

// The same on every SIMD target this CPU runs (each has its own stream count and unrolling),
// also where the counters' low words wrap (call 2^32: blocks before, across and after it, and
// a block starting exactly there).
TEST(MonteCarlo, EveryTargetMatchesReferenceGenerator) {
  int tested = 0;
  for (std::int64_t t = hwy::SupportedTargets(); t != 0; t &= t - 1) {
    const std::int64_t target = t & -t;
    hwy::SetSupportedTargetsForTest(target);
    ++tested;
    for (auto [b, e] : {std::pair{0ull, 1000ull}, {5ull, 1029ull}, {3ull, 100'003ull},
                        {(1ull << 32) - 1000, (1ull << 32) + 1000}, {1ull << 32, (1ull << 32) + 999},
                        {(3ull << 32) - 37, (3ull << 32) + 5000}}) {
      EXPECT_EQ(montecarlo_hits_calls(42, b, e), montecarlo_hits_reference(42, 2 * b, 2 * e))
          << hwy::TargetName(target) << " calls [" << b << "," << e << ")";
    }
  }
  hwy::SetSupportedTargetsForTest(0);
  EXPECT_GE(tested, 2);
}

TEST(MonteCarlo, AnySplitGivesTheSameHits) {
  const std::uint64_t n = 1'000'003;
  const std::uint64_t whole = montecarlo_hits(7, {0, n}, 1);
  EXPECT_EQ(montecarlo_hits_reference(7, 0, n), whole);
  for (std::uint64_t parts : {2ull, 3ull, 4ull, 7ull}) {
    std::uint64_t sum = 0;
    for (std::uint64_t p = 0; p < parts; ++p) {
      sum += montecarlo_hits(7, rankwise::parallel::block_range(n, p, parts), 2);
    }
    EXPECT_EQ(sum, whole) << parts;
  }
}

TEST(MonteCarlo, EstimateIsWithinItsStandardError) {
  const std::uint64_t n = 4'000'000;
  const auto e = montecarlo_estimate(montecarlo_hits(1, {0, n}, 2), n);
  EXPECT_NEAR(e.std_error, 4 * std::sqrt(std::numbers::pi / 4 * (1 - std::numbers::pi / 4) / n), 1e-6);
  EXPECT_LT(std::fabs(e.estimate - std::numbers::pi), 5 * e.std_error);
}

TEST(MonteCarlo, StreamsOfDifferentSeedsAndRangesAreIndependent) {
  // Hit indicators of seed A vs seed B (and of A vs A shifted by one block) must be
  // uncorrelated: |corr| < 5/sqrt(n) for independent Bernoulli streams.
  const std::uint64_t n = 200'000;
  auto indicators = [&](std::uint64_t seed, std::uint64_t offset) {
    std::vector<double> v(n);
    for (std::uint64_t k = 0; k < n; ++k) {
      v[k] = static_cast<double>(montecarlo_hits_reference(seed, offset + k, offset + k + 1));
    }
    return v;
  };
  auto corr = [&](const std::vector<double>& a, const std::vector<double>& b) {
    double ma = 0, mb = 0;
    for (std::uint64_t k = 0; k < n; ++k) ma += a[k], mb += b[k];
    ma /= n, mb /= n;
    double sab = 0, saa = 0, sbb = 0;
    for (std::uint64_t k = 0; k < n; ++k) {
      sab += (a[k] - ma) * (b[k] - mb), saa += (a[k] - ma) * (a[k] - ma), sbb += (b[k] - mb) * (b[k] - mb);
    }
    return sab / std::sqrt(saa * sbb);
  };
  const auto a = indicators(1, 0);
  const double bound = 5 / std::sqrt(static_cast<double>(n));
  EXPECT_LT(std::fabs(corr(a, indicators(2, 0))), bound);
  EXPECT_LT(std::fabs(corr(a, indicators(1ull << 32, 0))), bound);  // high seed word alone
  EXPECT_LT(std::fabs(corr(a, indicators(1, 1))), bound);           // neighbouring sample
  EXPECT_LT(std::fabs(corr(a, indicators(1, n))), bound);           // next block
  EXPECT_NE(montecarlo_hits_reference(1, 0, n), montecarlo_hits_reference(2, 0, n));
}
