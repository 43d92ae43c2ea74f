// The O(N) inner loop of direct summation for a range of targets, compiled for every Highway
// target and dispatched at run time.
//
// m_j / r^3 two ways at once: AVX2 has no double rsqrt, and the one divide/square-root unit
// needs ~3.5 cycles per interaction on Zen 3 for vsqrtpd + vdivpd. Half of the lanes use that
// unit, as m / (r^2 sqrt(r^2)) (one square root, one divide, one multiply); the other half
// start from the float rsqrt estimate and reach double precision on the FMA pipes through the
// binomial series of (1 - e)^-3/2 (see Back), concurrently. Both stay within a few ulp
// (tests/unit/nbody_gravity_test). On Zen 3 every multiply/FMA counts: each one removed
// per vector gave about a cycle per block (docs/performance.md).
// Sources are taken in blocks of Sources::source_block; which way a source goes depends only
// on j % source_block, and the accumulator lanes are summed in a fixed order at the end, so a
// target's result depends only on the data and the machine, not on which rank or thread
// computes it. One accumulator vector per component (not one per vector of a block): AVX2
// has 16 registers and per-vector accumulators spilled.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/nbody/gravity_kernel.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "rankwise/nbody/gravity.hpp"

HWY_BEFORE_NAMESPACE();
namespace rankwise::nbody::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

constexpr std::size_t kBlock = Sources::source_block;
constexpr std::size_t kDividerLanes = 8;
// Software pipelining of blocks (see Blocks) is kept for 256-bit vectors (shaped on Zen 3;
// on Zen 5 the AVX2 hand kernel of bench/ gains 14 % from it too). With AVX-512, two vectors
// per block, block after block is 15-18 % faster on Zen 5 (bench_nbody_kernel,
// docs/performance.md). Same operations in the same order per lane: the same bits.
constexpr bool kPipelineBlocks = HWY_MAX_BYTES <= 32;

// kTargets targets at once share each load of sources and give the out-of-order core
// independent dependency chains (the inverse square root is a long chain).
template <std::size_t kTargets, bool kPotential, bool kFifth>
class TargetGroup {
 public:
  using D = hn::ScalableTag<double>;
  using V = hn::Vec<D>;
  static constexpr std::size_t kMaxVectors = kBlock;

  TargetGroup(const double* x, const double* y, const double* z, std::size_t first,
              double eps2)
      : veps2_(hn::Set(d_, eps2)) {
    for (std::size_t t = 0; t < kTargets; ++t) {
      xi_[t] = hn::Set(d_, x[first + t]);
      yi_[t] = hn::Set(d_, y[first + t]);
      zi_[t] = hn::Set(d_, z[first + t]);
      index_[t] = hn::Set(d_, static_cast<double>(first + t));
      sx_[t] = sy_[t] = sz_[t] = sp_[t] = hn::Zero(d_);
    }
  }

  static std::size_t vectors() { return kBlock / hn::Lanes(D()); }

  // The running sums of target t, to continue them over a later tile of sources.
  struct Sums {
    V x, y, z, p;
  };
  Sums Save(std::size_t t) const { return {sx_[t], sy_[t], sz_[t], sp_[t]}; }
  void Restore(std::size_t t, const Sums& s) {
    sx_[t] = s.x;
    sy_[t] = s.y;
    sz_[t] = s.z;
    sp_[t] = s.p;
  }

  // Lanes [0, kDividerLanes) of each block use the divide/square-root unit, the others the
  // float estimate refined on the FMA pipes: the two run in parallel on the core. Which method
  // a source gets depends only on j % kBlock, the same for every rank, thread and target.
  static bool UsesDivider(std::size_t vector, std::size_t lanes) {
    return vector * lanes < kDividerLanes;
  }

  // One block of sources in flight: differences, r^2, masses, and per lane either m/r^3
  // (divider lanes; with the potential, m/r replaces the mass) or the first 1/r estimate.
  struct Staged {
    V dx[kTargets * kMaxVectors], dy[kTargets * kMaxVectors], dz[kTargets * kMaxVectors];
    V r2[kTargets * kMaxVectors], mass[kTargets * kMaxVectors], w[kTargets * kMaxVectors];
  };

  // First half of sources [j0, j0 + kBlock): divider lanes done, estimates issued.
  // kMasked: skip j == target and j >= n. Written stage by stage over all chains so that
  // independent chains sit next to each other in the instruction stream.
  template <bool kMasked>
  HWY_INLINE void Front(const double* HWY_RESTRICT x, const double* HWY_RESTRICT y,
                        const double* HWY_RESTRICT z, const double* HWY_RESTRICT m,
                        std::size_t j0, std::size_t n, Staged& g) const {
    const std::size_t lanes = hn::Lanes(d_);
    const std::size_t vecs = vectors();
    for (std::size_t k = 0; k < vecs; ++k) {
      const std::size_t j = j0 + k * lanes;
      const V xj = hn::LoadU(d_, x + j);
      const V yj = hn::LoadU(d_, y + j);
      const V zj = hn::LoadU(d_, z + j);
      const V mj = hn::LoadU(d_, m + j);
      for (std::size_t t = 0; t < kTargets; ++t) {
        const std::size_t c = t * vecs + k;
        g.dx[c] = hn::Sub(xj, xi_[t]);
        g.dy[c] = hn::Sub(yj, yi_[t]);
        g.dz[c] = hn::Sub(zj, zi_[t]);
        g.r2[c] = hn::MulAdd(g.dx[c], g.dx[c],
                             hn::MulAdd(g.dy[c], g.dy[c], hn::MulAdd(g.dz[c], g.dz[c], veps2_)));
        g.mass[c] = mj;
        if constexpr (kMasked) {
          const V idx = hn::Iota(d_, static_cast<double>(j));
          const auto valid =
              hn::And(hn::Ne(idx, index_[t]), hn::Lt(idx, hn::Set(d_, static_cast<double>(n))));
          g.r2[c] = hn::IfThenElse(valid, g.r2[c], hn::Set(d_, 1.0));  // any finite r^2 > 0
          g.mass[c] = hn::IfThenElseZero(valid, g.mass[c]);
        }
      }
    }
    const hn::Rebind<float, D> df;
    for (std::size_t c = 0; c < kTargets * vecs; ++c) {
      if (UsesDivider(c % vecs, lanes)) {
        // m / (r^2 sqrt(r^2)): one square root and one divide; m / r only for the potential.
        const V root = hn::Sqrt(g.r2[c]);
        g.w[c] = hn::Div(g.mass[c], hn::Mul(g.r2[c], root));
        if constexpr (kPotential) g.mass[c] = hn::Div(g.mass[c], root);
      } else {
        g.w[c] = hn::PromoteTo(d_, hn::ApproximateReciprocalSqrt(hn::DemoteTo(df, g.r2[c])));
      }
    }
  }

  // Second half: refine the estimates, accumulate the forces.
  HWY_INLINE void Back(Staged& g) {
    const std::size_t lanes = hn::Lanes(d_);
    const std::size_t vecs = vectors();
    const std::size_t chains = kTargets * vecs;
    const V one = hn::Set(d_, 1.0);
    // Estimate lanes. w, the float estimate of 1/sqrt(r2), has 24 bits, so w^2 is exact in
    // double and e = 1 - r2 w^2 is rounded once; |e| < 2^-10.9 on Zen 3 (measured over
    // every float: EstimateErrorBound). Then m/r^3 = b (1 - e)^-3/2 = b + b e P(e) with
    // b = m w^3 and P the binomial series of ((1 - e)^-3/2 - 1)/e to e^3:
    // 3/2 + 15/8 e + 35/16 e^2 + 315/128 e^3, remainder 693/256 e^5 < 2^-53.2 relative
    // (kFifth adds that term). Nine multiply/FMA operations from w to m/r^3 (refining w and
    // cubing it took ten), and fewer roundings. The potential m/r = m w (1 - e)^-1/2
    // likewise (remainder 63/256 e^5 < 2^-56.6).
    for (std::size_t c = 0; c < chains; ++c) {
      if (UsesDivider(c % vecs, lanes)) continue;
      const V w = g.w[c];
      const V w2 = hn::Mul(w, w);
      const V e = hn::NegMulAdd(g.r2[c], w2, one);
      const V mw = hn::Mul(g.mass[c], w);
      const V b = hn::Mul(mw, w2);
      const V c3 = kFifth ? hn::MulAdd(e, hn::Set(d_, 693.0 / 256.0), hn::Set(d_, 315.0 / 128.0))
                          : hn::Set(d_, 315.0 / 128.0);
      V p = hn::MulAdd(e, c3, hn::Set(d_, 35.0 / 16.0));
      p = hn::MulAdd(e, p, hn::Set(d_, 15.0 / 8.0));
      p = hn::MulAdd(e, p, hn::Set(d_, 1.5));
      g.w[c] = hn::MulAdd(hn::Mul(b, e), p, b);
      if constexpr (kPotential) {
        V q = hn::MulAdd(e, hn::Set(d_, 35.0 / 128.0), hn::Set(d_, 5.0 / 16.0));
        q = hn::MulAdd(e, q, hn::Set(d_, 3.0 / 8.0));
        q = hn::MulAdd(e, q, hn::Set(d_, 0.5));
        g.mass[c] = hn::MulAdd(hn::Mul(mw, e), q, mw);
      }
    }
    for (std::size_t c = 0; c < chains; ++c) {
      const std::size_t t = c / vecs;
      // Every lane now holds m/r^3 in w and, for the potential, m/r in mass.
      if constexpr (kPotential) sp_[t] = hn::Add(sp_[t], g.mass[c]);
      const V s = g.w[c];
      sx_[t] = hn::MulAdd(g.dx[c], s, sx_[t]);
      sy_[t] = hn::MulAdd(g.dy[c], s, sy_[t]);
      sz_[t] = hn::MulAdd(g.dz[c], s, sz_[t]);
    }
  }

  // One masked block.
  HWY_INLINE void MaskedBlock(const double* x, const double* y, const double* z, const double* m,
                              std::size_t j0, std::size_t n) {
    Staged g;
    Front<true>(x, y, z, m, j0, n, g);
    Back(g);
  }

  // Unmasked blocks [b0, b1), software-pipelined where kPipelineBlocks: the divides and square
  // roots of block b+1 are issued before block b is finished, so their long latency overlaps
  // useful work.
  HWY_INLINE void Blocks(const double* x, const double* y, const double* z, const double* m,
                         std::size_t b0, std::size_t b1, std::size_t n) {
    if (b0 >= b1) return;
    if constexpr (!kPipelineBlocks) {
      for (std::size_t b = b0; b < b1; ++b) {
        Staged g;
        Front<false>(x, y, z, m, b * kBlock, n, g);
        Back(g);
      }
      return;
    }
    Staged g[2];
    Front<false>(x, y, z, m, b0 * kBlock, n, g[0]);
    for (std::size_t b = b0 + 1; b < b1; ++b) {
      Front<false>(x, y, z, m, b * kBlock, n, g[(b - b0) & 1]);
      Back(g[(b - b0 - 1) & 1]);
    }
    Back(g[(b1 - 1 - b0) & 1]);
  }

  // Lane sums in a fixed order (lane 0 .. lanes-1).
  void Finish(double* ax, double* ay, double* az, double* phi) const {
    const std::size_t lanes = hn::Lanes(d_);
    for (std::size_t t = 0; t < kTargets; ++t) {
      constexpr std::size_t kMax = HWY_MAX_BYTES / sizeof(double);
      HWY_ALIGN double lx[kMax], ly[kMax], lz[kMax], lp[kMax];
      hn::Store(sx_[t], d_, lx);
      hn::Store(sy_[t], d_, ly);
      hn::Store(sz_[t], d_, lz);
      hn::Store(sp_[t], d_, lp);
      double tx = 0, ty = 0, tz = 0, tp = 0;
      for (std::size_t l = 0; l < lanes; ++l) {
        tx += lx[l];
        ty += ly[l];
        tz += lz[l];
        tp += lp[l];
      }
      ax[t] = tx;
      ay[t] = ty;
      az[t] = tz;
      if constexpr (kPotential) phi[t] = tp;
    }
  }

 private:
  D d_;
  V veps2_;
  V xi_[kTargets], yi_[kTargets], zi_[kTargets], index_[kTargets];
  V sx_[kTargets], sy_[kTargets], sz_[kTargets], sp_[kTargets];
};

// Sources in blocks [b0, b1) for the targets of g (first target i): the blocks holding a
// target (j == i) and a partial last block are masked.
template <std::size_t kTargets, bool kPotential, bool kFifth>
HWY_INLINE void Sweep(TargetGroup<kTargets, kPotential, kFifth>& g, const double* HWY_RESTRICT x,
                      const double* HWY_RESTRICT y, const double* HWY_RESTRICT z,
                      const double* HWY_RESTRICT m, std::size_t n, std::size_t i, std::size_t b0,
                      std::size_t b1) {
  const std::size_t blocks = (n + kBlock - 1) / kBlock;
  std::size_t masked[kTargets + 1];
  std::size_t count = 0;
  for (std::size_t t = 0; t < kTargets; ++t) {
    const std::size_t b = (i + t) / kBlock;
    if (count == 0 || masked[count - 1] != b) masked[count++] = b;
  }
  if (n % kBlock != 0 && masked[count - 1] != blocks - 1) masked[count++] = blocks - 1;
  std::size_t b = b0;
  for (std::size_t q = 0; q < count; ++q) {
    if (masked[q] < b0 || masked[q] >= b1) continue;
    g.Blocks(x, y, z, m, b, masked[q], n);
    g.MaskedBlock(x, y, z, m, masked[q] * kBlock, n);
    b = masked[q] + 1;
  }
  g.Blocks(x, y, z, m, b, b1, n);
}

// Sources in tiles of kTileBlocks blocks (4096 sources, 128 KiB of x, y, z, m: they stay in
// Zen 3's 512 KiB L2 while every target of the range goes over them; 64 KiB tiles cost more
// in pipeline restarts than they gained). Each target's sums are saved between
// tiles and continued in the same order, so tiling changes no bit of any result.
constexpr std::size_t kTileBlocks = 256;
constexpr std::size_t kTileTargets = 32;

template <bool kPotential, bool kFifth>
void TargetsImpl(const double* x, const double* y, const double* z, const double* m,
                 std::size_t n, std::size_t first, std::size_t end, double eps2, double* ax,
                 double* ay, double* az, double* phi) {
  // Targets one at a time: measured fastest on Zen 3 (pairs share loads but spill more).
  using Group = TargetGroup<1, kPotential, kFifth>;
  const std::size_t blocks = (n + kBlock - 1) / kBlock;
  for (std::size_t t0 = first; t0 < end; t0 += kTileTargets) {
    const std::size_t t1 = end - t0 < kTileTargets ? end : t0 + kTileTargets;
    typename Group::Sums sums[kTileTargets];
    for (std::size_t b0 = 0; b0 < blocks; b0 += kTileBlocks) {
      const std::size_t b1 = blocks - b0 < kTileBlocks ? blocks : b0 + kTileBlocks;
      for (std::size_t i = t0; i < t1; ++i) {
        Group g(x, y, z, i, eps2);
        if (b0 > 0) g.Restore(0, sums[i - t0]);
        Sweep(g, x, y, z, m, n, i, b0, b1);
        if (b1 < blocks) {
          sums[i - t0] = g.Save(0);
        } else {
          const std::size_t o = i - first;
          g.Finish(ax + o, ay + o, az + o, kPotential ? phi + o : nullptr);
        }
      }
    }
  }
}

// Largest |e| = |1 - r2 w^2| of this CPU's float reciprocal square root estimate w, over every
// float r2 in [1, 4) (the estimate's relative error repeats with every factor of 4).
double EstimateErrorBound() {
  using D = hn::ScalableTag<double>;
  const hn::Rebind<float, D> df;
  const std::size_t lanes = hn::Lanes(df);
  constexpr std::size_t kMax = HWY_MAX_BYTES / sizeof(double);
  HWY_ALIGN float in[kMax];
  HWY_ALIGN float out[kMax];
  double worst = 0;
  const std::uint32_t first = 0x3f800000u;  // 1.0f
  const std::uint32_t last = 0x40800000u;   // 4.0f
  for (std::uint32_t bits = first; bits < last; bits += static_cast<std::uint32_t>(lanes)) {
    for (std::size_t l = 0; l < lanes; ++l) {
      const std::uint32_t b = bits + static_cast<std::uint32_t>(l);
      std::memcpy(&in[l], &b, sizeof b);
    }
    hn::Store(hn::ApproximateReciprocalSqrt(hn::Load(df, in)), df, out);
    for (std::size_t l = 0; l < lanes; ++l) {
      const double w = out[l];
      const double e = std::fma(-static_cast<double>(in[l]), w * w, 1.0);
      worst = std::max(worst, std::fabs(e));
    }
  }
  return worst;
}

// The estimate lanes' series of (1 - e)^-3/2 to e^4 (see Back) needs |e| < 2^-10.9 for a
// remainder below 2^-53; CPUs with a coarser estimate (Intel documents up to 1.5 * 2^-12
// relative) take its fifth term, 693/256 e^5, too. Decided once per process: the same
// machine always takes the same path. RANKWISE_GRAVITY_FIFTH_TERM=1 forces the fifth term
// (so that the tests cover that path on this machine).
bool NeedsFifthTerm() {
  static const bool needs = [] {
    const char* force = std::getenv("RANKWISE_GRAVITY_FIFTH_TERM");
    if (force != nullptr && std::strcmp(force, "1") == 0) return true;
    return EstimateErrorBound() >= std::exp2(-10.9);
  }();
  return needs;
}

void TargetsKernel(const double* x, const double* y, const double* z, const double* m,
                   std::size_t n, std::size_t first, std::size_t end, double eps2, double* ax,
                   double* ay, double* az, double* phi) {
  const bool fifth = NeedsFifthTerm();
  if (phi != nullptr) {
    if (fifth) {
      TargetsImpl<true, true>(x, y, z, m, n, first, end, eps2, ax, ay, az, phi);
    } else {
      TargetsImpl<true, false>(x, y, z, m, n, first, end, eps2, ax, ay, az, phi);
    }
  } else if (fifth) {
    TargetsImpl<false, true>(x, y, z, m, n, first, end, eps2, ax, ay, az, phi);
  } else {
    TargetsImpl<false, false>(x, y, z, m, n, first, end, eps2, ax, ay, az, phi);
  }
}

}  // namespace rankwise::nbody::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace rankwise::nbody {
HWY_EXPORT(TargetsKernel);

// Called by gravity.cpp (declared there): one thread's contiguous range of targets.
void gravity_targets(const double* x, const double* y, const double* z, const double* m,
                     std::size_t n, std::size_t first, std::size_t end, double eps2, double* ax,
                     double* ay, double* az, double* phi) {
  HWY_DYNAMIC_DISPATCH(TargetsKernel)(x, y, z, m, n, first, end, eps2, ax, ay, az, phi);
}
}  // namespace rankwise::nbody
#endif
