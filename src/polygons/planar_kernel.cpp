// The shoelace sum of one ring, compiled for every Highway target and dispatched at run time.
// Eight virtual lanes on every target (planar_kernel.hpp): the bits do not depend on the CPU,
// the compiler or the memory layout the ring is read from.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/polygons/planar_kernel.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "planar_kernel.hpp"

HWY_BEFORE_NAMESPACE();
namespace rankwise::polygons::detail::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

constexpr std::size_t kVirtualLanes = 8;
constexpr std::uint64_t kMagnitude = ~(std::uint64_t{1} << 63);

// Term i of the sum, vertex 0 moved to the origin (so its two terms and the closing edge's
// vanish, and the products stay small for rings far from the origin): one product rounded,
// then one FMA, in that order on every path.
double ScalarTerm(double xi, double yi, double xj, double yj, double x0, double y0) {
  return std::fma(xi - x0, yj - y0, -((xj - x0) * (yi - y0)));
}

template <class V>
HWY_INLINE V Term(V xi, V yi, V xj, V yj, V x0, V y0) {
  return hn::MulSub(hn::Sub(xi, x0), hn::Sub(yj, y0), hn::Mul(hn::Sub(xj, x0), hn::Sub(yi, y0)));
}

// The lanes in a fixed tree.
double AddLanes(const double* lane) {
  return ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
}

double Load(const unsigned char* p) {
  double v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// The validity test of planar_kernel.hpp on bits: for |v| and the limit (both non-negative),
// the IEEE order is the unsigned order of the bits and NaN's bits exceed infinity's, so
// limit - bits(|v|) has its top bit set exactly for a bad value. OR-ing those is integer SIMD.
std::uint64_t BadBits(double v, std::uint64_t limit) {
  return limit - (std::bit_cast<std::uint64_t>(v) & kMagnitude);
}

// The same order, one term at a time: for targets without FMA, where a vector MulSub rounds
// twice (SSE4 and older, emulated targets). `at(i, xi, yi)` reads vertex i.
template <class At>
double ScalarTwice(std::size_t n, const At& at) {
  if (n < 3) return 0;
  double lane[kVirtualLanes] = {};
  double x0, y0, xi, yi, xj, yj;
  at(0, x0, y0);
  at(1, xi, yi);
  for (std::size_t i = 1; i + 1 < n; ++i) {
    at(i + 1, xj, yj);
    lane[(i - 1) % kVirtualLanes] += ScalarTerm(xi, yi, xj, yj, x0, y0);
    xi = xj;
    yi = yj;
  }
  return AddLanes(lane);
}

double ShoelaceTwiceKernel(const double* x, const double* y, std::size_t n) {
#if !HWY_NATIVE_FMA
  return ScalarTwice(n, [x, y](std::size_t i, double& xi, double& yi) {
    xi = x[i];
    yi = y[i];
  });
#else
  if (n < 3) return 0;
  const hn::ScalableTag<double> d;
  using V = hn::Vec<decltype(d)>;
  constexpr std::size_t lanes = hn::MaxLanes(d);
  static_assert(kVirtualLanes % lanes == 0, "vectors must tile the virtual lanes");
  const std::size_t terms = n - 2;  // i = 1 .. n-2
  const std::size_t steps = terms / kVirtualLanes;
  const V x0 = hn::Set(d, x[0]);
  const V y0 = hn::Set(d, y[0]);
  HWY_ALIGN double lane[kVirtualLanes];
  // One vector of virtual lanes at a time over the whole ring: its sum stays in a register
  // (as in the pi series kernel, an array of vectors can end up on the stack).
  for (std::size_t k = 0; k < kVirtualLanes; k += lanes) {
    V acc = hn::Zero(d);
    for (std::size_t s = 0; s < steps; ++s) {
      const std::size_t i = 1 + s * kVirtualLanes + k;
      acc = hn::Add(acc, Term(hn::LoadU(d, x + i), hn::LoadU(d, y + i), hn::LoadU(d, x + i + 1),
                              hn::LoadU(d, y + i + 1), x0, y0));
    }
    hn::Store(acc, d, lane + k);
  }
  for (std::size_t t = steps * kVirtualLanes; t < terms; ++t) {
    const std::size_t i = 1 + t;
    lane[t % kVirtualLanes] += ScalarTerm(x[i], y[i], x[i + 1], y[i + 1], x[0], y[0]);
  }
  return AddLanes(lane);
#endif
}

double ShoelaceTwiceInterleavedKernel(const unsigned char* xy, std::size_t n, double max_x,
                                      double max_y, bool& bad) {
  const std::uint64_t lx = std::bit_cast<std::uint64_t>(max_x);
  const std::uint64_t ly = std::bit_cast<std::uint64_t>(max_y);
  const auto x_at = [xy](std::size_t i) { return Load(xy + 16 * i); };
  const auto y_at = [xy](std::size_t i) { return Load(xy + 16 * i + 8); };
  if (n < 3 || !HWY_NATIVE_FMA) {
    std::uint64_t flags = 0;
    for (std::size_t i = 0; i < n; ++i) flags |= BadBits(x_at(i), lx) | BadBits(y_at(i), ly);
    if ((flags >> 63) != 0) bad = true;
    return ScalarTwice(n, [&](std::size_t i, double& xi, double& yi) {
      xi = x_at(i);
      yi = y_at(i);
    });
  }
  const hn::ScalableTag<double> d;
  const hn::RebindToUnsigned<decltype(d)> du;
  using V = hn::Vec<decltype(d)>;
  using VU = hn::Vec<decltype(du)>;
  constexpr std::size_t lanes = hn::MaxLanes(d);
  static_assert(kVirtualLanes % lanes == 0, "vectors must tile the virtual lanes");
  const std::size_t terms = n - 2;
  const std::size_t steps = terms / kVirtualLanes;
  const double sx0 = x_at(0);
  const double sy0 = y_at(0);
  const V x0 = hn::Set(d, sx0);
  const V y0 = hn::Set(d, sy0);
  const VU vlx = hn::Set(du, lx);
  const VU vly = hn::Set(du, ly);
  const VU magnitude = hn::Set(du, kMagnitude);
  // Vertex i of every term is checked once, in the loop or the tail; vertex 0 here and
  // vertex n-1 at the end (read last: reading it first, a record's length ahead of the
  // forward stream, cost a cache miss per record).
  std::uint64_t flags = BadBits(sx0, lx) | BadBits(sy0, ly);
  HWY_ALIGN double lane[kVirtualLanes];
  HWY_ALIGN std::uint64_t flag_lanes[hn::MaxLanes(du)];
  for (std::size_t k = 0; k < kVirtualLanes; k += lanes) {
    V acc = hn::Zero(d);
    VU check = hn::Zero(du);
    for (std::size_t s = 0; s < steps; ++s) {
      const std::size_t i = 1 + s * kVirtualLanes + k;
      V xi, yi, xj, yj;
      // LoadU has no alignment requirement on x86 (the record's doubles sit at 4 mod 8).
      hn::LoadInterleaved2(d, reinterpret_cast<const double*>(xy + 16 * i), xi, yi);
      hn::LoadInterleaved2(d, reinterpret_cast<const double*>(xy + 16 * (i + 1)), xj, yj);
      acc = hn::Add(acc, Term(xi, yi, xj, yj, x0, y0));
      check = hn::Or(check, hn::Or(hn::Sub(vlx, hn::And(hn::BitCast(du, xi), magnitude)),
                                   hn::Sub(vly, hn::And(hn::BitCast(du, yi), magnitude))));
    }
    hn::Store(acc, d, lane + k);
    hn::Store(check, du, flag_lanes);
    for (std::size_t l = 0; l < lanes; ++l) flags |= flag_lanes[l];
  }
  for (std::size_t t = steps * kVirtualLanes; t < terms; ++t) {
    const std::size_t i = 1 + t;
    const double xi = x_at(i);
    const double yi = y_at(i);
    flags |= BadBits(xi, lx) | BadBits(yi, ly);
    lane[t % kVirtualLanes] += ScalarTerm(xi, yi, x_at(i + 1), y_at(i + 1), sx0, sy0);
  }
  flags |= BadBits(x_at(n - 1), lx) | BadBits(y_at(n - 1), ly);
  if ((flags >> 63) != 0) bad = true;
  return AddLanes(lane);
}

}  // namespace rankwise::polygons::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace rankwise::polygons::detail {
HWY_EXPORT(ShoelaceTwiceKernel);
HWY_EXPORT(ShoelaceTwiceInterleavedKernel);

double shoelace_twice(const double* x, const double* y, std::size_t n) {
  return HWY_DYNAMIC_DISPATCH(ShoelaceTwiceKernel)(x, y, n);
}

double shoelace_twice_interleaved(const unsigned char* xy, std::size_t n, double max_x,
                                  double max_y, bool& bad) {
  return HWY_DYNAMIC_DISPATCH(ShoelaceTwiceInterleavedKernel)(xy, n, max_x, max_y, bad);
}
}  // namespace rankwise::polygons::detail
#endif
