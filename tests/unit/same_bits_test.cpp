// Results pinned to their bits, for the kernels whose summation order is fixed by design: the
// same on every x86 target with FMA and with any compiler. CI runs these under GCC (Release and
// ASan builds) and under clang (the TSan stage of scripts/ci-sanitize.sh), so a compiler or
// target that rounds differently fails here. (N-body forces are not pinned: their float rsqrt
// estimate may differ between CPU vendors; they are pinned per run across ranks and threads.)
#include <gtest/gtest.h>
#include <hwy/targets.h>

#include <bit>
#include <cstdint>
#include <vector>

#include "rankwise/pi/montecarlo.hpp"
#include "rankwise/pi/series.hpp"
#include "rankwise/polygons/area.hpp"

namespace {

std::uint64_t bits(double v) { return std::bit_cast<std::uint64_t>(v); }

}  // namespace

TEST(SameBits, SeriesChunkSums) {
  // The series kernel's FMAs are part of its definition ("any x86 with FMA").
  if ((hwy::SupportedTargets() & (HWY_AVX2 | HWY_AVX3)) == 0) GTEST_SKIP() << "no FMA target here";
  struct Case {
    std::uint64_t n, chunk, hi, lo;
  };
  const Case cases[] = {
      {123456789, 0, 0x40cffffffcd923b0, 0x3d60520000000000},
      {123456789, 7000, 0x40c12cf0b76764e7, 0x3d50b60000000000},
      {4000000000, 0, 0x40cfffffffff3b3c, 0x3d48a80000000000},
      {4000000000, 7000, 0x40cff94522d147f0, 0x3d687a0000000000},
  };
  for (const Case& c : cases) {
    double hi = 0, lo = 0;
    rankwise::pi::series_chunk_sum(c.n, c.chunk, hi, lo);
    EXPECT_EQ(bits(hi), c.hi) << "N=" << c.n << " chunk " << c.chunk;
    EXPECT_EQ(bits(lo), c.lo) << "N=" << c.n << " chunk " << c.chunk;
  }
}

TEST(SameBits, PlanarRingAreas) {
  // Rings of every tail length around UTM-sized coordinates, from integers alone (no libm).
  struct Case {
    std::size_t n;
    std::uint64_t area;
  };
  const Case cases[] = {{5, 0xc0c9474ccccca2f2},
                        {13, 0xc0e72c0666663c30},
                        {64, 0xc0f9a6b70418b67e},
                        {1001, 0xc11254af6cf42088}};
  for (const Case& c : cases) {
    std::vector<double> x, y;
    for (std::size_t k = 0; k < c.n; ++k) {
      x.push_back(500000.0 + static_cast<double>((k * 7919) % 1000) * 0.37);
      y.push_back(5000000.0 + static_cast<double>((k * 104729) % 997) * 0.53);
    }
    const double a = rankwise::polygons::planar_ring_area(x, y);
    EXPECT_EQ(bits(a), c.area) << "n=" << c.n;
  }
}

TEST(SameBits, MonteCarloHits) {
  EXPECT_EQ(rankwise::pi::montecarlo_hits(42, {0, 1000003}, 1), 785859u);
  EXPECT_EQ(rankwise::pi::montecarlo_hits(0xDEADBEEFCAFEull, {12345, 2000000}, 2), 1561365u);
}
