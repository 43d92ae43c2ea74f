// SIMD pair loop of the Hermite integrator: acceleration and jerk of one target over one slab
// of sources, lanes over sources. Per pair: one square root and one divide (both correctly
// rounded), then multiplies and FMAs; the lanes are summed in a fixed order at the end of the
// slab. Highway picks the widest vector unit of the CPU at run time.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/nbody/hermite_kernel.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include <cstddef>
#include <cstdint>

#include "rankwise/nbody/hermite_kernel.hpp"

HWY_BEFORE_NAMESPACE();
namespace rankwise::nbody::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// One target over sources [j0, j0 + JerkSources::slab). kMasked: skip j == target and
// padding (j >= n); only the slab holding the target and the last slab need it.
template <bool kMasked>
HWY_INLINE void Slab(const JerkSources& s, std::size_t i, std::size_t j0, double eps2,
                     double* out) {
  using D = hn::ScalableTag<double>;
  using V = hn::Vec<D>;
  const D d;
  const std::size_t lanes = hn::Lanes(d);
  const V xi = hn::Set(d, s.x[i]), yi = hn::Set(d, s.y[i]), zi = hn::Set(d, s.z[i]);
  const V vxi = hn::Set(d, s.vx[i]), vyi = hn::Set(d, s.vy[i]), vzi = hn::Set(d, s.vz[i]);
  const V veps2 = hn::Set(d, eps2);
  const V one = hn::Set(d, 1.0);
  const V three = hn::Set(d, 3.0);
  // Two independent sets of sums (even and odd vectors) halve the FMA dependency chains.
  V ax[2] = {hn::Zero(d), hn::Zero(d)}, ay[2] = {hn::Zero(d), hn::Zero(d)},
    az[2] = {hn::Zero(d), hn::Zero(d)};
  V jx[2] = {hn::Zero(d), hn::Zero(d)}, jy[2] = {hn::Zero(d), hn::Zero(d)},
    jz[2] = {hn::Zero(d), hn::Zero(d)};
  const double* HWY_RESTRICT px = s.x.data();
  const double* HWY_RESTRICT py = s.y.data();
  const double* HWY_RESTRICT pz = s.z.data();
  const double* HWY_RESTRICT pvx = s.vx.data();
  const double* HWY_RESTRICT pvy = s.vy.data();
  const double* HWY_RESTRICT pvz = s.vz.data();
  const double* HWY_RESTRICT pm = s.m.data();
  const V target = hn::Set(d, static_cast<double>(i));
  const V count = hn::Set(d, static_cast<double>(s.size()));
  // One pair interaction on the `lanes` sources at j, into sum set p (a constant after
  // inlining, so the sums stay in registers). 1/r from the square root and divide unit: the
  // float estimate refined in double (as the acceleration kernel does for some lanes) was
  // slower here, where the FMA pipes, not the divider, are the limit.
  auto pair = [&](std::size_t j, std::size_t p) HWY_ATTR {
    const V dx = hn::Sub(hn::Load(d, px + j), xi);
    const V dy = hn::Sub(hn::Load(d, py + j), yi);
    const V dz = hn::Sub(hn::Load(d, pz + j), zi);
    const V dvx = hn::Sub(hn::Load(d, pvx + j), vxi);
    const V dvy = hn::Sub(hn::Load(d, pvy + j), vyi);
    const V dvz = hn::Sub(hn::Load(d, pvz + j), vzi);
    V r2 = hn::MulAdd(dx, dx, hn::MulAdd(dy, dy, hn::MulAdd(dz, dz, veps2)));
    V m = hn::Load(d, pm + j);
    if constexpr (kMasked) {
      const V idx = hn::Iota(d, static_cast<double>(j));
      const auto valid = hn::And(hn::Ne(idx, target), hn::Lt(idx, count));
      r2 = hn::IfThenElse(valid, r2, one);  // any finite r^2 > 0
      m = hn::IfThenElseZero(valid, m);
    }
    const V rinv2 = hn::Div(one, r2);  // correctly rounded, and one multiply fewer than rinv^2
    const V rinv = hn::Sqrt(rinv2);
    const V mr3 = hn::Mul(hn::Mul(m, rinv), rinv2);
    const V rv = hn::MulAdd(dx, dvx, hn::MulAdd(dy, dvy, hn::Mul(dz, dvz)));
    const V alpha = hn::Mul(hn::Mul(three, rv), rinv2);
    ax[p] = hn::MulAdd(mr3, dx, ax[p]);
    ay[p] = hn::MulAdd(mr3, dy, ay[p]);
    az[p] = hn::MulAdd(mr3, dz, az[p]);
    jx[p] = hn::MulAdd(mr3, hn::NegMulAdd(alpha, dx, dvx), jx[p]);
    jy[p] = hn::MulAdd(mr3, hn::NegMulAdd(alpha, dy, dvy), jy[p]);
    jz[p] = hn::MulAdd(mr3, hn::NegMulAdd(alpha, dz, dvz), jz[p]);
  };
  // Unrolled by four (measured: 1.59 -> 1.75 G pairs/s on Zen 5 AVX-512), sets alternating.
  // With 16 vector registers (AVX2 and older) a second set of six sums spills: one set there.
  constexpr std::size_t kOdd = HWY_TARGET == HWY_AVX2 || HWY_TARGET == HWY_SSE4 ||
                                       HWY_TARGET == HWY_SSSE3
                                   ? 0
                                   : 1;
  for (std::size_t j = j0; j < j0 + JerkSources::slab; j += 4 * lanes) {
    pair(j, 0);
    pair(j + lanes, kOdd);
    pair(j + 2 * lanes, 0);
    pair(j + 3 * lanes, kOdd);
  }
  const V sums[jerk_components] = {hn::Add(ax[0], ax[1]), hn::Add(ay[0], ay[1]),
                                   hn::Add(az[0], az[1]), hn::Add(jx[0], jx[1]),
                                   hn::Add(jy[0], jy[1]), hn::Add(jz[0], jz[1])};
  constexpr std::size_t kMax = HWY_MAX_BYTES / sizeof(double);
  for (std::size_t c = 0; c < jerk_components; ++c) {
    HWY_ALIGN double lane[kMax];
    hn::Store(sums[c], d, lane);
    double t = 0;
    for (std::size_t l = 0; l < lanes; ++l) t += lane[l];  // lane 0 .. lanes-1
    out[c] = t;
  }
}

void PartialKernel(const JerkSources& s, std::size_t i, std::size_t slab, double eps2,
                   double* out) {
  const std::size_t j0 = slab * JerkSources::slab;
  const bool holds_target = i / JerkSources::slab == slab;
  const bool last = slab + 1 == s.slabs() && s.size() % JerkSources::slab != 0;
  if (holds_target || last) {
    Slab<true>(s, i, j0, eps2, out);
  } else {
    Slab<false>(s, i, j0, eps2, out);
  }
}

}  // namespace rankwise::nbody::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <cstdint>

namespace rankwise::nbody {
HWY_EXPORT(PartialKernel);

JerkSources::JerkSources(std::size_t n) : n_(n) {
  const std::size_t padded = (n + slab - 1) / slab * slab;
  for (auto* v : {&x, &y, &z, &vx, &vy, &vz, &m}) v->assign(padded, 0.0);
}

void jerk_partials(const JerkSources& sources, std::span<const std::uint32_t> targets,
                   std::size_t slab_first, std::size_t slab_last, double eps2, double* out,
                   int threads) {
  const std::size_t slabs = slab_last - slab_first;
  const auto tasks = static_cast<std::int64_t>(targets.size() * slabs);
  // Each (target, slab) partial is computed whole by one thread and written to its own place.
  // Threads only for blocks worth waking them for (block steps are mostly small: a parallel
  // region per tiny block costs more than it saves, and idle threads spin).
  constexpr std::int64_t kParallelTasks = 256;  // 64 k pair interactions
#pragma omp parallel for num_threads(threads) schedule(dynamic, 4) if (tasks >= kParallelTasks)
  for (std::int64_t task = 0; task < tasks; ++task) {
    // Slab-major: consecutive tasks share a slab (14 KiB of sources, kept in L1) and differ
    // in the target; target-major order streamed all N sources from L3 for every target.
    const auto t = static_cast<std::size_t>(task);
    const std::size_t k = t % targets.size();
    const std::size_t s = t / targets.size();
    HWY_DYNAMIC_DISPATCH(PartialKernel)(sources, targets[k], slab_first + s, eps2,
                                        out + (k * slabs + s) * jerk_components);
  }
}

}  // namespace rankwise::nbody
#endif
