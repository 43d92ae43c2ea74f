// The pi series: accuracy against an independent quad-precision reference, chunk kernels
// against each other, and independence of the result from how chunks are split.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include <hwy/targets.h>

#include "rankwise/pi/series.hpp"

using namespace rankwise::pi;
using rankwise::parallel::BlockRange;

namespace {

__extension__ typedef __float128 quad;

// pi_N summed directly in binary128 (113-bit significand), pairwise so rounding stays ~1e-33.
quad quad_sum(std::uint64_t lo, std::uint64_t hi, std::uint64_t n) {
  if (hi - lo <= 64) {
    quad s = 0;
    for (std::uint64_t i = lo; i < hi; ++i) {
      const quad x = (static_cast<quad>(i) + static_cast<quad>(0.5)) / static_cast<quad>(n);
      s += 1 / (1 + x * x);
    }
    return s;
  }
  const std::uint64_t mid = lo + (hi - lo) / 2;
  return quad_sum(lo, mid, n) + quad_sum(mid, hi, n);
}
double reference_pi(std::uint64_t n) {
  return static_cast<double>(4 * quad_sum(0, n, n) / static_cast<quad>(n));
}

double estimate(std::uint64_t n, int threads = 1) {
  return series_estimate(series_partial(n, {0, series_chunks(n)}, threads), n);
}

}  // namespace

TEST(Series, SmallNAreCorrectlyRounded) {
  for (std::uint64_t n : {1ull, 2ull, 3ull, 10ull, 99ull, 1000ull, 16384ull, 16385ull, 100000ull}) {
    EXPECT_EQ(estimate(n), reference_pi(n)) << "N=" << n;
  }
  EXPECT_EQ(estimate(1), 3.2);
}

TEST(Series, SimdPathIsCorrectlyRoundedAboveTheExactLimit) {
  // Above series_exact_terms_limit the SIMD kernel is used.
  for (std::uint64_t n : {std::uint64_t{series_exact_terms_limit + 1}, std::uint64_t{3'000'017}, std::uint64_t{5'000'000}}) {
    EXPECT_EQ(estimate(n), reference_pi(n)) << "N=" << n;
  }
}

TEST(Series, SimdChunkAgreesWithDoubleDoubleChunk) {
  for (std::uint64_t n : {10'000'000ull, 123'456'789ull, 1ull << 40}) {
    for (std::uint64_t chunk : {std::uint64_t{0}, std::uint64_t{1}, series_chunks(n) / 2, series_chunks(n) - 1}) {
      double hi = 0, lo = 0, ehi = 0, elo = 0;
      series_chunk_sum(n, chunk, hi, lo);
      series_chunk_sum_exact(n, chunk, ehi, elo);
      // Term rounding is random and averages out: far below one ulp of the chunk sum.
      EXPECT_NEAR((hi - ehi) + (lo - elo), 0.0, 1e-12 * ehi) << "N=" << n << " chunk=" << chunk;
    }
  }
}

TEST(Series, PlainDoubleSummationWouldDriftButOursDoesNot) {
  // Why compensated/exact accumulation matters: naive summation at N = 2e7 is visibly off.
  const std::uint64_t n = 20'000'000;
  double naive = 0;
  for (std::uint64_t i = 1; i <= n; ++i) {
    const double x = (static_cast<double>(i) - 0.5) / static_cast<double>(n);
    naive += 1.0 / (1.0 + x * x);
  }
  naive = 4.0 * naive / static_cast<double>(n);
  const double ours = estimate(n);
  const double exact = reference_pi(n);
  EXPECT_EQ(ours, exact);
  EXPECT_GT(std::fabs(naive - exact), 4 * (std::nextafter(exact, 4.0) - exact))
      << "naive summation unexpectedly accurate; the test no longer shows the point";
}

TEST(Series, ResultIsIndependentOfHowChunksAreSplit) {
  const std::uint64_t n = 7'777'777;
  const std::uint64_t chunks = series_chunks(n);
  const ExactSum whole = series_partial(n, {0, chunks}, 1);
  for (std::uint64_t parts : {2ull, 3ull, 5ull, 64ull}) {
    ExactSum sum;
    for (std::uint64_t p = 0; p < parts; ++p) {
      sum += series_partial(n, rankwise::parallel::block_range(chunks, p, parts), 2);
    }
    EXPECT_EQ(sum.units, whole.units) << parts << " parts";
  }
  EXPECT_EQ(series_partial(n, {0, chunks}, 2).units, whole.units);
}

TEST(Series, ExactSumRoundTripsThroughWords) {
  ExactSum s;
  s.add(12345.5, 1e-9);
  s.add(0.75, -3e-12);
  const ExactSum t = ExactSum::from_words(s.low_word(), s.high_word());
  EXPECT_EQ(s.units, t.units);
  EXPECT_NEAR(scaled_quotient(s, 1.0, 1.0), 12346.25 + 1e-9 - 3e-12, 1e-15);
}

TEST(Series, LargeNRoundsToPi) {
  // |pi_N - pi| ~ 1/(12 N^2) << half an ulp: the correctly rounded pi_N is the double nearest pi.
  EXPECT_EQ(estimate(200'000'000ull, 2), std::numbers::pi);
}

// The chunk kernel gives the same bits on every FMA target this CPU runs (AVX-512 and AVX2 on
// an AVX-512 machine): sixteen virtual lanes on every width, each lane's operations in the
// same order. Checked on chunks with and without a tail, for several N.
TEST(Series, SameBitsOnEveryFmaTarget) {
  const std::int64_t supported = hwy::SupportedTargets();
  std::vector<std::int64_t> targets;
  for (std::int64_t t : {std::int64_t{HWY_AVX3}, std::int64_t{HWY_AVX2}}) {
    if ((supported & t) != 0) targets.push_back(t);
  }
  if (targets.size() < 2) GTEST_SKIP() << "this CPU runs only " << targets.size() << " FMA target(s)";
  struct Sum {
    double hi, lo;
  };
  std::vector<std::vector<Sum>> sums;
  for (std::int64_t t : targets) {
    hwy::SetSupportedTargetsForTest(t);
    std::vector<Sum>& mine = sums.emplace_back();
    for (std::uint64_t n : {std::uint64_t{17}, std::uint64_t{16385}, std::uint64_t{123456789},
                            std::uint64_t{4000000000}}) {
      for (std::uint64_t chunk : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{7000}}) {
        Sum s{};
        series_chunk_sum(n, chunk, s.hi, s.lo);
        mine.push_back(s);
      }
    }
  }
  hwy::SetSupportedTargetsForTest(0);  // back to what the CPU has
  for (std::size_t k = 0; k < sums[0].size(); ++k) {
    EXPECT_EQ(sums[0][k].hi, sums[1][k].hi) << "case " << k;
    EXPECT_EQ(sums[0][k].lo, sums[1][k].lo) << "case " << k;
  }
}
