// The shoelace kernel (src/polygons/planar_kernel.cpp): a fixed summation order, so the same
// bits on every SIMD target and from either memory layout, and every coordinate checked.
#include <gtest/gtest.h>
#include <hwy/targets.h>

#include <bit>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "src/polygons/planar_kernel.hpp"

using rankwise::polygons::detail::shoelace_twice;
using rankwise::polygons::detail::shoelace_twice_interleaved;

namespace {

struct Ring {
  std::vector<double> x, y;
};

// The order the kernel promises, written out one term at a time: term i (i = 1 .. n-2) goes to
// lane (i - 1) mod 8, as one product and one FMA; the lanes are added in a fixed tree.
double reference_twice(const Ring& r) {
  const std::size_t n = r.x.size();
  if (n < 3) return 0;
  double lane[8] = {};
  const double x0 = r.x[0];
  const double y0 = r.y[0];
  for (std::size_t i = 1; i + 1 < n; ++i) {
    const double product = (r.x[i + 1] - x0) * (r.y[i] - y0);
    lane[(i - 1) % 8] += std::fma(r.x[i] - x0, r.y[i + 1] - y0, -product);
  }
  return ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
}

// The ring as a .shp stores it: interleaved (x, y), at an address 4 mod 8 as in a record.
std::vector<unsigned char> interleaved(const Ring& r, std::size_t shift = 4) {
  std::vector<unsigned char> bytes(shift + 16 * r.x.size());
  for (std::size_t k = 0; k < r.x.size(); ++k) {
    std::memcpy(bytes.data() + shift + 16 * k, &r.x[k], 8);
    std::memcpy(bytes.data() + shift + 16 * k + 8, &r.y[k], 8);
  }
  return bytes;
}

// Rings of every size up to 70 (every tail length, and one to nine vectors) and a few large
// ones, far from the origin (UTM-like eastings and northings) so the rounding matters.
std::vector<Ring> rings() {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<Ring> out;
  for (std::size_t n : {0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 15, 16, 17, 18, 31, 33, 64, 65, 66, 70,
                        1000, 4099}) {
    Ring r;
    for (std::size_t k = 0; k < n; ++k) {
      const double angle = 6.283185307179586 * static_cast<double>(k) / static_cast<double>(n);
      const double radius = 1000.0 * (1.0 + 0.3 * u(rng));
      r.x.push_back(500000.0 + radius * std::cos(angle));
      r.y.push_back(5000000.0 + radius * std::sin(angle));
    }
    out.push_back(r);
  }
  return out;
}

// Every Highway target this CPU runs (AVX-512, AVX2, SSE4, ..., the emulated ones): those
// without FMA take the scalar path, which must give the same bits.
std::vector<std::int64_t> all_targets() {
  std::vector<std::int64_t> targets;
  for (std::int64_t t = hwy::SupportedTargets(); t != 0; t &= t - 1) targets.push_back(t & -t);
  return targets;
}

}  // namespace

TEST(PolygonsPlanarKernel, MatchesTheFixedOrderOnEveryTargetAndLayout) {
  const std::vector<std::int64_t> targets = all_targets();
  ASSERT_GE(targets.size(), 2u) << "a SIMD target and a fallback expected";
  for (std::int64_t t : targets) {
    hwy::SetSupportedTargetsForTest(t);
    for (const Ring& r : rings()) {
      const double want = reference_twice(r);
      const double soa = shoelace_twice(r.x.data(), r.y.data(), r.x.size());
      for (std::size_t shift : {std::size_t{0}, std::size_t{4}, std::size_t{1}}) {
        const std::vector<unsigned char> bytes = interleaved(r, shift);
        bool bad = false;
        const double il = shoelace_twice_interleaved(bytes.data() + shift, r.x.size(), DBL_MAX,
                                                     DBL_MAX, bad);
        EXPECT_FALSE(bad);
        EXPECT_EQ(std::bit_cast<std::uint64_t>(il), std::bit_cast<std::uint64_t>(want))
            << hwy::TargetName(t) << " n=" << r.x.size() << " shift " << shift;
      }
      EXPECT_EQ(std::bit_cast<std::uint64_t>(soa), std::bit_cast<std::uint64_t>(want))
          << hwy::TargetName(t) << " n=" << r.x.size();
    }
  }
  hwy::SetSupportedTargetsForTest(0);  // back to what the CPU has
}

TEST(PolygonsPlanarKernel, KnownAreas) {
  // A 3 x 2 rectangle counter-clockwise: the shoelace sum is +2 * 6.
  const Ring r{{10, 13, 13, 10, 10}, {20, 20, 22, 22, 20}};
  EXPECT_EQ(shoelace_twice(r.x.data(), r.y.data(), r.x.size()), 12.0);
  bool bad = false;
  const auto bytes = interleaved(r);
  EXPECT_EQ(shoelace_twice_interleaved(bytes.data() + 4, 5, DBL_MAX, DBL_MAX, bad), 12.0);
  EXPECT_FALSE(bad);
}

// Every vertex position is checked (the kernel reads some in vector loads, some in the tail,
// and the first and last apart): a NaN, an infinity or a value over the limit anywhere sets
// the flag, in x or in y; exactly at the limit does not.
TEST(PolygonsPlanarKernel, EveryCoordinateIsChecked) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  for (std::int64_t t : all_targets()) {
    hwy::SetSupportedTargetsForTest(t);
    for (std::size_t n : {1, 2, 3, 9, 10, 17, 26}) {
      Ring r;
      for (std::size_t k = 0; k < n; ++k) {
        r.x.push_back(static_cast<double>(k % 5) * 10.0 - 20.0);
        r.y.push_back(static_cast<double>(k % 3) * 10.0 - 10.0);
      }
      bool bad = false;
      (void)shoelace_twice_interleaved(interleaved(r).data() + 4, n, 540.0, 90.0, bad);
      EXPECT_FALSE(bad) << n;
      for (std::size_t k = 0; k < n; ++k) {
        for (const double v : {nan, -nan, inf, -inf, 90.5, -1e300}) {
          for (const bool in_x : {true, false}) {
            Ring b = r;
            (in_x ? b.x : b.y)[k] = in_x && v == 90.5 ? 540.5 : v;
            bad = false;
            (void)shoelace_twice_interleaved(interleaved(b).data() + 4, n, 540.0, 90.0, bad);
            EXPECT_TRUE(bad) << hwy::TargetName(t) << " n=" << n << " vertex " << k << " value " << v
                             << (in_x ? " in x" : " in y");
          }
        }
        Ring edge = r;
        edge.x[k] = -540.0;
        edge.y[k] = 90.0;
        bad = false;
        (void)shoelace_twice_interleaved(interleaved(edge).data() + 4, n, 540.0, 90.0, bad);
        EXPECT_FALSE(bad) << "the limits themselves are valid, n=" << n << " vertex " << k;
      }
    }
  }
  hwy::SetSupportedTargetsForTest(0);
}
