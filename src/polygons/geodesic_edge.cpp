// Inverse geodesic (distance and area only) for polygon edges on an oblate ellipsoid or a
// sphere, from Karney (2013), "Algorithms for geodesics", J. Geodesy 87:43-55. Solved on the
// auxiliary sphere by Newton's method on the azimuth alpha1; the series coefficients are
// derived at construction from the integrands' power series in k^2 (no tables): k^2 <= e'^2,
// which is 0.0067 for WGS84 and at most 0.0081 for the flattenings accepted (f <= 1/250); the
// terms dropped (k^16 and beyond, harmonics above the 6th) are below 2e-17 relative.
#include "rankwise/polygons/geodesic_edge.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <utility>
#include <vector>

namespace rankwise::polygons {

namespace {

constexpr std::size_t kN = GeodesicEdge::kOrder;
constexpr int kOrder = GeodesicEdge::kOrder;
constexpr std::size_t kP = GeodesicEdge::kPowers;
using Harmonics = GeodesicEdge::Harmonics;

constexpr double kDeg = std::numbers::pi / 180;

// Hand-back thresholds. Lines whose spherical start exceeds kMaxOmega would need Karney's
// astroid start (nearly antipodal); |lat| beyond ~89.99994 deg makes cos(beta) too small for
// the azimuth formulas to keep relative accuracy.
constexpr double kMaxOmega = 0.75 * std::numbers::pi;
constexpr double kMinCosBeta = 1e-6;
constexpr int kMaxIterations = 6;
// Newton is stopped when the longitude residual is below kTol lambda12, or when the next step
// would be below kStepTol of the smaller of sin(alpha1) and |cos(alpha1)| (it would no longer
// change them) and the residual is below kStallTol lambda12: alpha1 is then resolved to its
// last bits and the residual is rounding noise. The residual left moves point 2 along its
// parallel; it does not reach the results: s12 is corrected for it to first order (solve())
// and S12 is evaluated at the target lambda12 (area()). Without those, a relative 2^-48 of
// lambda12 erred by up to 0.3 m^2 and 4e-8 m on lines of 45-120 degrees.
constexpr double kTol = 0x1p-48;
constexpr double kStepTol = 0x1p-53;
constexpr double kStallTol = 0x1p-45;
// The area is handed back when the estimated rounding error of alpha2 - alpha1, times c^2,
// exceeds this (m^2) plus 2^-45 (3e-14) of the area: lines crossing the equator leave a
// cancellation in the excess formula.
constexpr double kMaxAreaNoise = 2e-4;

// ---- construction: truncated power series in long double --------------------------------

using Real = long double;
using Poly = std::vector<Real>;  // coefficients of x^0 .. x^(size-1)

Poly mul(const Poly& p, const Poly& q, std::size_t n) {
  Poly r(n, 0);
  for (std::size_t i = 0; i < std::min(n, p.size()); ++i) {
    for (std::size_t j = 0; i + j < n && j < q.size(); ++j) r[i + j] += p[i] * q[j];
  }
  return r;
}

Poly reciprocal(const Poly& p, std::size_t n) {
  Poly r(n, 0);
  r[0] = 1 / p[0];
  for (std::size_t k = 1; k < n; ++k) {
    Real s = 0;
    for (std::size_t j = 1; j <= k && j < p.size(); ++j) s += p[j] * r[k - j];
    r[k] = -s / p[0];
  }
  return r;
}

// Generalised binomial coefficient (alpha over m).
Real binomial(Real alpha, int m) {
  Real r = 1;
  for (int i = 0; i < m; ++i) r *= (alpha - i) / (i + 1);
  return r;
}

Real choose(int n, int k) { return k < 0 || k > n ? 0 : binomial(n, k); }

// (1 + x)^alpha to x^(n-1).
Poly power1p(Real alpha, std::size_t n) {
  Poly r(n);
  for (std::size_t m = 0; m < n; ++m) r[m] = binomial(alpha, static_cast<int>(m));
  return r;
}

// Integral of g(k^2 sin^2 s) over s from 0 to sigma, g(x) = sum g[m] x^m, as
// A sigma + sum_l C_l sin(2 l sigma); term 0 is A, term l is C_l, each a series in k^2. Uses
// sin^2m = 2^-2m [C(2m,m) + 2 sum_l (-1)^l C(2m,m-l) cos 2ls].
GeodesicEdge::Series even_series(const Poly& g) {
  GeodesicEdge::Series s{};
  for (int l = 0; l <= kOrder; ++l) {
    Poly c(kP, 0);  // in k^2
    for (int m = l; m < static_cast<int>(kP); ++m) {
      const Real w = l == 0 ? 1 : 2 * ((l % 2) != 0 ? -1 : 1);
      c[static_cast<std::size_t>(m)] =
          g[static_cast<std::size_t>(m)] * std::ldexp(Real{1}, -2 * m) * choose(2 * m, m - l) * w;
    }
    const Real scale = l == 0 ? 1 : Real{1} / (2 * l);
    for (std::size_t d = 0; d < kP; ++d) {
      s[d][static_cast<std::size_t>(l)] = static_cast<double>(c[d] * scale);
    }
  }
  return s;
}

// I4(sigma) = -int_{pi/2}^{sigma} g(k^2 sin^2 s) sin(s) / 2 ds = sum_l C_l cos((2l+1) sigma),
// using sin^(2j+1) = 2^-2j sum_i (-1)^i C(2j+1, j-i) sin((2i+1)s).
GeodesicEdge::Series odd_series(const Poly& g) {
  GeodesicEdge::Series s{};
  for (int i = 0; i <= kOrder; ++i) {
    Poly c(kP, 0);
    for (int j = i; j < static_cast<int>(kP); ++j) {
      const Real sign = (i % 2) != 0 ? -1 : 1;
      c[static_cast<std::size_t>(j)] = g[static_cast<std::size_t>(j)] / 2 *
                                       std::ldexp(Real{1}, -2 * j) * choose(2 * j + 1, j - i) *
                                       sign;
    }
    for (std::size_t d = 0; d < kP; ++d) {
      s[d][static_cast<std::size_t>(i)] = static_cast<double>(c[d] / (2 * i + 1));
    }
  }
  return s;
}

// Area kernel g(x) = (t(e'^2) - t(x)) / (e'^2 - x), t(x) = x + sqrt(1/x + 1) asinh(sqrt x)
// (Karney 2013, the integrand of I4), as a power series in x: with t = sum tau_m x^m,
// g_j = sum_{m>j} tau_m y^(m-1-j), y = e'^2.
Poly area_kernel(Real f) {
  constexpr std::size_t kTerms = 48;  // y^47 ~ 1e-102: converged
  Poly asinh_ratio(kTerms);           // asinh(sqrt x) / sqrt x
  for (std::size_t m = 0; m < kTerms; ++m) {
    const int mi = static_cast<int>(m);
    asinh_ratio[m] =
        ((m % 2) != 0 ? -1 : 1) * choose(2 * mi, mi) / std::ldexp(Real{1}, 2 * mi) / (2 * mi + 1);
  }
  Poly tau = mul(power1p(Real{0.5}, kTerms), asinh_ratio, kTerms);
  tau[1] += 1;
  const Real y = f * (2 - f) / ((1 - f) * (1 - f));  // e'^2
  Poly g(kP, 0);
  for (std::size_t j = 0; j < kP; ++j) {
    Real sum = 0;
    for (std::size_t m = kTerms - 1; m > j; --m) sum = sum * y + tau[m];
    g[j] = sum;
  }
  return g;
}

// ---- evaluation --------------------------------------------------------------------------

// Coefficients of `s` at k2, all terms in lock-step (they vectorise), each by Estrin's
// scheme: three dependent multiply-adds instead of seven keep this off the critical path.
static_assert(GeodesicEdge::kPowers == 8, "coefficients() is written for degree 7");
Harmonics coefficients(const GeodesicEdge::Series& s, double k2) noexcept {
  const double k4 = k2 * k2;
  const double k8 = k4 * k4;
  Harmonics c{};
  for (std::size_t l = 0; l < c.size(); ++l) {
    const double p01 = s[0][l] + s[1][l] * k2;
    const double p23 = s[2][l] + s[3][l] * k2;
    const double p45 = s[4][l] + s[5][l] * k2;
    const double p67 = s[6][l] + s[7][l] * k2;
    c[l] = (p01 + p23 * k4) + (p45 + p67 * k4) * k8;
  }
  return c;
}

// sin(2 l sigma2) - sin(2 l sigma1) = 2 cos(l (sigma1 + sigma2)) sin(l sigma12) for l = 1..N,
// from cos(sigma1 + sigma2) and sigma12's sine and cosine. Unlike
// a difference of two sums this keeps its relative accuracy for short lines (a difference
// leaves ~1e-16 absolute noise: ~1 nm of distance and a stalled Newton iteration).
Harmonics difference_basis(double cos_sum, double sin12, double cos12) noexcept {
  // Multiple angles by products (short dependency chains): cos(l S) to absolute accuracy,
  // sin(l D) to relative accuracy (cos 2D written as 1 - 2 sin^2 D, no cancellation).
  const double c1 = cos_sum;
  const double c2 = 2 * c1 * c1 - 1;
  const double c3 = c1 * (2 * c2 - 1);
  const double c4 = 2 * c2 * c2 - 1;
  const double c5 = 2 * c2 * c3 - c1;
  const double c6 = 2 * c3 * c3 - 1;
  const double s1 = sin12;
  const double d1 = cos12;
  const double s2 = 2 * s1 * d1;
  const double d2 = 1 - 2 * s1 * s1;
  const double s3 = s1 * d2 + d1 * s2;
  const double d3 = d1 * d2 - s1 * s2;
  const double s4 = 2 * s2 * d2;
  const double s5 = s4 * d1 + (1 - 2 * s2 * s2) * s1;
  const double s6 = 2 * s3 * d3;
  return {0, 2 * c1 * s1, 2 * c2 * s2, 2 * c3 * s3, 2 * c4 * s4, 2 * c5 * s5, 2 * c6 * s6, 0};
}

// sum_{l=1..N} c[l] h[l]
double dot(const Harmonics& c, const Harmonics& h) noexcept {
  double sum = 0;
  for (std::size_t l = kN; l >= 1; --l) sum += c[l] * h[l];
  return sum;
}

// sum_{l=0..N} c[l] cos((2l+1) sigma) by Clenshaw's recurrence.
double odd_cos_sum(const Harmonics& c, double ssig, double csig) noexcept {
  const double x = 2 * (csig - ssig) * (csig + ssig);
  double b1 = 0;
  double b2 = 0;
  for (std::size_t l = kN + 1; l-- > 0;) {
    const double b0 = c[l] + x * b1 - b2;
    b2 = b1;
    b1 = b0;
  }
  return (b1 - b2) * csig;
}

// atan2(y, x), with a polynomial for the small positive-x angles of short lines (sigma12,
// omega12 - lambda12, alpha2 - alpha1): |y/x| <= 1/16 leaves (1/16)^16 / 17 < 2^-68 of
// truncation, below half an ulp, and saves most of atan2's cost.
double atan2_fast(double y, double x) noexcept {
  if (x > 0 && std::fabs(y) <= 0x1p-10 * x) {
    // |z| <= 2^-10 (omega12 - lambda12 near the solution): the dropped z^7 / 7 is below 2^-62 z.
    const double z = y / x;
    const double z2 = z * z;
    return z + z * z2 * (-1.0 / 3 + z2 * (1.0 / 5));
  }
  if (x > 0 && std::fabs(y) <= 0.0625 * x) {
    const double z = y / x;
    const double z2 = z * z;
    const double z4 = z2 * z2;
    const double z8 = z4 * z4;
    // atan z = z + z^3 p(z^2), p = -1/3 + z^2/5 - ... - z^12/15, by Estrin's scheme (short
    // dependency chains)
    const double p = ((-1.0 / 3 + z2 * (1.0 / 5)) + z4 * (-1.0 / 7 + z2 * (1.0 / 9))) +
                     z8 * ((-1.0 / 11 + z2 * (1.0 / 13)) + z4 * (-1.0 / 15));
    return z + z * z2 * p;
  }
  return std::atan2(y, x);
}

// sin and cos of x radians, by Taylor series when |x| <= 1/16 (truncation below 2^-70).
void sincos_fast(double x, double& s, double& c) noexcept {
  if (std::fabs(x) <= 0.0625) {
    const double x2 = x * x;
    // sin x = x (1 - x^2/3! + ... + x^10/11!), cos x = 1 - x^2/2! + ... + x^12/12!
    double ps = -1.0 / 39916800;
    ps = ps * x2 + 1.0 / 362880;
    ps = ps * x2 - 1.0 / 5040;
    ps = ps * x2 + 1.0 / 120;
    ps = ps * x2 - 1.0 / 6;
    s = x + x * (ps * x2);
    double pc = 1.0 / 479001600;
    pc = pc * x2 - 1.0 / 3628800;
    pc = pc * x2 + 1.0 / 40320;
    pc = pc * x2 - 1.0 / 720;
    pc = pc * x2 + 1.0 / 24;
    pc = pc * x2 - 0.5;
    c = 1 + pc * x2;
    return;
  }
  s = std::sin(x);
  c = std::cos(x);
}

// sum_{l=0..N} c[l] (cos((2l+1) sigma2) - cos((2l+1) sigma1)) for sigma2 = sigma1 + sigma12,
// sigma12 <= 1/8, as -2 sum c[l] sin((2l+1) M) sin((2l+1) H), M = sigma1 + H, H = sigma12 / 2:
// keeps its relative accuracy where the difference of two sums would leave ~1e-16 absolute,
// ~1e-5 m^2 of S12 (the area of a 15 m square 150 km from the equator lost 1e-5 m^2 that way).
double odd_cos_difference(const Harmonics& c, double sig12, double ssig1, double csig1) noexcept {
  double sh;
  double ch;
  sincos_fast(sig12 / 2, sh, ch);
  const double sm = ssig1 * ch + csig1 * sh;
  const double cm = csig1 * ch - ssig1 * sh;
  const double c2h = 2 * (1 - 2 * sh * sh);  // 2 cos(2H), 2 cos(2M): s_{m+2} = that s_m - s_{m-2}
  const double c2m = 2 * (cm - sm) * (cm + sm);
  double h0 = -sh;  // sin(-H)
  double h1 = sh;
  double m0 = -sm;
  double m1 = sm;
  double sum = 0;
  for (std::size_t l = 0; l <= kN; ++l) {
    sum += c[l] * (m1 * h1);
    const double h2 = c2h * h1 - h0;
    const double m2 = c2m * m1 - m0;
    h0 = h1;
    h1 = h2;
    m0 = m1;
    m1 = m2;
  }
  return -2 * sum;
}

// sin and cos of |x| <= 0.011 (omega12 - lambda12 <= f pi for f <= 1/250): the dropped x^9 / 9!
// and x^10 / 10! are below 2^-70 of the results.
void sincos_small(double x, double& s, double& c) noexcept {
  const double x2 = x * x;
  s = x + x * x2 * (-1.0 / 6 + x2 * (1.0 / 120 - x2 * (1.0 / 5040)));
  c = 1 + x2 * (-0.5 + x2 * (1.0 / 24 + x2 * (-1.0 / 720 + x2 * (1.0 / 40320))));
}

// x y = hi + lo exactly (Dekker's product; the library is built with -ffp-contract=off, so no
// FMA can creep in and change it).
void two_product(double x, double y, double& hi, double& lo) noexcept {
  constexpr double kSplit = 134217729.0;  // 2^27 + 1
  const double tx = kSplit * x;
  const double xh = tx - (tx - x);
  const double xl = x - xh;
  const double ty = kSplit * y;
  const double yh = ty - (ty - y);
  const double yl = y - yh;
  hi = x * y;
  lo = ((xh * yh - hi) + xh * yl + xl * yh) + xl * yl;
}

// s12 along a meridian, b (A1 sigma12 + sum_l C1_l basis_l) with the coefficients of A1 - 1 in
// c1m[0]: b sigma12 is formed exactly and the small rest added to it, so s12 is rounded about
// once (a product chain left up to 2 ulps: 7.6e-9 m on a long meridian vs GeographicLib's
// 4.8e-9 m).
double distance(double b, const Harmonics& c1m, double sig12, const Harmonics& basis) noexcept {
  double hi;
  double lo;
  two_product(b, sig12, hi, lo);
  return hi + (lo + b * (c1m[0] * sig12 + dot(c1m, basis)));
}

// sin and cos of x degrees, |x| <= 90. Beyond 45 degrees from the complement, which is exact in
// degrees (Sterbenz): x * pi / 180 rounded errs by up to 1e-16 rad, which near 90 degrees is
// a large relative error in the cosine (1e-13 at 89.94 degrees: 1e-9 m on a 12 km line).
// Written with selects, not branches: random latitudes would mispredict half the time.
void sincos_degrees(double x, double& s, double& c) noexcept {
  const bool low = std::fabs(x) <= 45;
  const double y = (low ? x : 90 - std::fabs(x)) * kDeg;
  const double sy = std::sin(y);
  const double cy = std::cos(y);
  s = low ? sy : std::copysign(cy, x);
  c = low ? cy : sy;
}

// sin and cos of the reduced latitude beta, tan(beta) = (1 - f) tan(phi), and d = 1 / r - 1 with
// r = sqrt(1 - e^2 sin^2 phi): cos(beta) = cos(phi) / r, sin(beta) = (1 - f) sin(phi) / r. Each
// is the input's sine or cosine plus a small correction, so it is rounded once (normalising
// (1 - f) sin(phi), cos(phi) by a rounded 1 / r leaves ~1.5 ulps: ~1e-3 m^2 of S12 on a line of
// 150 km near 80 degrees, where GeographicLib errs by 8e-4 m^2).
void reduced_latitude(double lat, double f, double e2, double& sbet, double& cbet,
                      double& d) noexcept {
  double sphi;
  double cphi;
  sincos_degrees(lat, sphi, cphi);
  // 1 / sqrt(1 - q) - 1 = sum_m C(2m, m) (q / 4)^m, q <= e^2 < 0.008: the terms beyond q^8 are
  // below 1e-19 (a polynomial by Estrin's scheme is cheaper than a square root and a division)
  const double q = e2 * sphi * sphi;
  const double q2 = q * q;
  const double q4 = q2 * q2;
  d = q * (((1.0 / 2 + q * (3.0 / 8)) + q2 * (5.0 / 16 + q * (35.0 / 128))) +
           q4 * ((63.0 / 256 + q * (231.0 / 1024)) + q2 * (429.0 / 2048 + q * (6435.0 / 32768))));
  cbet = cphi + cphi * d;
  sbet = sphi + sphi * (d - f - f * d);  // (1 - f)(1 + d) - 1 = d - f - f d
}

// (s, c) scaled to a unit vector; the inputs are O(1), so no overflow guard is needed.
void normalize(double& s, double& c) noexcept {
  const double r = 1 / std::sqrt(s * s + c * c);
  s *= r;
  c *= r;
}

}  // namespace

struct GeodesicEdge::Canon {
  double sbet1, cbet1, sbet2, cbet2;  // reduced latitudes, beta1 <= 0, |beta2| <= |beta1|
  double sbet12;                      // sin(beta2 - beta1), to full relative accuracy
  double sbet12a;                     // sin(beta2 + beta1)
  double dcos2;                       // cos^2 beta2 - cos^2 beta1, likewise
  double lam, slam, clam;             // target longitude difference, lambda12 in (0, pi)
};

struct GeodesicEdge::Trial {
  double salp0, calp0sq;  // azimuth at the equator crossing (cos squared)
  double ssig1, csig1, ssig2, csig2, sig12;
  double somg12, comg12;  // omega12, unnormalised
  double domg12;          // omega12 - lambda12(alpha1), from the longitude series
  double salp2, calp2;
  double k2;        // k^2 = e'^2 cos^2 alpha0
  Harmonics basis;  // sin(2 l sigma2) - sin(2 l sigma1), l = 1..N (entry 0 unused)
};

GeodesicEdge::GeodesicEdge(double a, double f)
    : a_(a), f_(f), f1_(1 - f), e2_(f * (2 - f)), ep2_(e2_ / (f1_ * f1_)), b_(a * f1_),
      e2a2_(e2_ * a * a) {
  if (!supports(f) || !(a > 0) || !std::isfinite(a)) {
    throw std::invalid_argument("GeodesicEdge: unsupported ellipsoid");
  }
  const std::size_t n = kP;
  const Poly sqrt1p = power1p(Real{0.5}, n);
  const Poly rsqrt1p = power1p(Real{-0.5}, n);
  i1_ = even_series(sqrt1p);
  i1_[0][0] = 0;  // A1 - 1: distance() adds b sigma12 exactly
  Poly jk(n);
  for (std::size_t m = 0; m < n; ++m) jk[m] = sqrt1p[m] - rsqrt1p[m];
  j_ = even_series(jk);
  // (2 - f) / (1 + (1 - f) sqrt(1 + x))
  Poly q(n);
  for (std::size_t m = 0; m < n; ++m) q[m] = (1 - static_cast<Real>(f_)) * sqrt1p[m];
  q[0] += 1;
  Poly k3 = reciprocal(q, n);
  for (Real& v : k3) v *= 2 - static_cast<Real>(f_);
  i3_ = even_series(k3);
  i4_ = odd_series(area_kernel(static_cast<Real>(f_)));
  // c^2 as a double plus its rounding error (c2_ alone is off by up to half an ulp, ~4e-4 m^2
  // of S12 on a 150 km line at 80 degrees)
  const Real e = std::sqrt(static_cast<Real>(f_) * (2 - static_cast<Real>(f_)));
  const Real aa = a_;
  const Real bb = aa * (1 - static_cast<Real>(f_));
  const Real c2 = e == 0 ? aa * aa : (aa * aa + bb * bb * std::atanh(e) / e) / 2;
  c2_ = static_cast<double>(c2);
  c2_lo_ = static_cast<double>(c2 - c2_);
}

double GeodesicEdge::residual(const Canon& c, double salp1, double calp1, Trial& t) const noexcept {
  t.salp0 = salp1 * c.cbet1;  // Clairaut
  t.calp0sq = calp1 * calp1 + (salp1 * c.sbet1) * (salp1 * c.sbet1);
  // cos(alpha2) >= 0: the first crossing of beta2, where lambda12(alpha1) is monotonic.
  t.salp2 = c.cbet2 != c.cbet1 ? t.salp0 / c.cbet2 : salp1;
  const double csig1 = calp1 * c.cbet1;  // sigma1 and omega1 are unnormalised until below
  // cos(alpha2) cos(beta2) = sqrt(cos^2 alpha1 cos^2 beta1 + cos^2 beta2 - cos^2 beta1)
  const double csig2 = c.cbet2 != c.cbet1 || std::fabs(c.sbet2) != -c.sbet1
                           ? std::sqrt(csig1 * csig1 + c.dcos2)
                           : std::fabs(csig1);
  t.calp2 = csig2 / c.cbet2;
  // x = cos(beta1) sin(beta2) cos(alpha1) - sin(beta1) cos(beta2) cos(alpha2) is sin(sigma12)
  // and, times sin(alpha0), sin(omega12) (both unnormalised). Written around sin(beta2 -
  // beta1) and cos(alpha1) - cos(alpha2) so that it keeps its relative accuracy for short
  // lines; a direct difference of products would leave ~1e-16 absolute noise, i.e. ~1 nm.
  const double dcalp = calp1 < 0 || !(calp1 * c.cbet2 + csig2 > 0)
                           ? calp1 - t.calp2  // opposite signs: no cancellation
                           : -(salp1 * salp1) * c.dcos2 / (c.cbet2 * (calp1 * c.cbet2 + csig2));
  const double x = std::max(0.0, calp1 * c.sbet12 + c.sbet1 * c.cbet2 * dcalp);
  const double n1 = std::sqrt(c.sbet1 * c.sbet1 + csig1 * csig1);
  const double n2 = std::sqrt(c.sbet2 * c.sbet2 + csig2 * csig2);
  const double cos12 = csig1 * csig2 + c.sbet1 * c.sbet2;
  t.sig12 = atan2_fast(x, cos12);
  t.somg12 = t.salp0 * x;
  t.comg12 = csig1 * csig2 + t.salp0 * t.salp0 * c.sbet1 * c.sbet2;
  t.ssig1 = c.sbet1 / n1;
  t.csig1 = csig1 / n1;
  t.ssig2 = c.sbet2 / n2;
  t.csig2 = csig2 / n2;
  t.basis =
      difference_basis(t.csig1 * t.csig2 - t.ssig1 * t.ssig2, x / (n1 * n2), cos12 / (n1 * n2));
  // omega12 - lambda12 in one atan2 (the difference is small near the solution)
  const double eta =
      atan2_fast(t.somg12 * c.clam - t.comg12 * c.slam, t.comg12 * c.clam + t.somg12 * c.slam);
  t.k2 = t.calp0sq * ep2_;
  const auto c3 = coefficients(i3_, t.k2);
  t.domg12 = f_ * t.salp0 * (c3[0] * t.sig12 + dot(c3, t.basis));
  return eta - t.domg12;
}

double GeodesicEdge::slope(const Canon& c, const Trial& t) const noexcept {
  // d lambda12 / d alpha1 = m12 / (a cos(alpha2) cos(beta2)), m12 the reduced length
  const auto cj = coefficients(j_, t.k2);
  const double j12 = cj[0] * t.sig12 + dot(cj, t.basis);
  const double dn1 = std::sqrt(1 + t.k2 * t.ssig1 * t.ssig1);
  const double dn2 = std::sqrt(1 + t.k2 * t.ssig2 * t.ssig2);
  const double m12b = dn2 * t.csig1 * t.ssig2 - dn1 * t.ssig1 * t.csig2 - t.csig1 * t.csig2 * j12;
  return f1_ * m12b / (t.calp2 * c.cbet2);
}

double GeodesicEdge::area(const Canon& c, const Trial& t) const noexcept {
  // omega12 as the target lambda12 (whose sine and cosine are accurate to an ulp) plus the
  // small omega12 - lambda12 of the solved line, as GeographicLib does: the products that
  // form the trial's omega12 carry a few ulps more, and the residual's error (lambda12(alpha1)
  // - lambda12) drops out, so S12 belongs to the line that ends exactly at point 2.
  double sd;
  double cd;
  sincos_small(t.domg12, sd, cd);
  const double somg12 = c.slam * cd + c.clam * sd;
  const double comg12 = c.clam * cd - c.slam * sd;
  constexpr double r = 1;
  // Only the spherical-excess form of alpha2 - alpha1 (tan of the half angle) is used: for
  // long lines alpha2 - alpha1 would be a difference of angles with ~1e-16 rad of absolute
  // noise, ~4e-3 m^2 of area, more than the fast path promises. Those are handed back.
  if (!(comg12 > -0.7071 * r && c.sbet2 - c.sbet1 < 1.75)) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  const double dbet1 = 1 + c.cbet1;
  const double dbet2 = 1 + c.cbet2;
  // tan((alpha2 - alpha1) / 2) = sin w (sin b1 (1 + cos b2) + sin b2 (1 + cos b1)) /
  // ((1 + cos w) (sin b1 sin b2 + (1 + cos b1)(1 + cos b2))), w = omega12, b = beta
  const double num = somg12 * (c.sbet1 * dbet2 + c.sbet2 * dbet1);
  const double den = (r + comg12) * (c.sbet1 * c.sbet2 + dbet1 * dbet2);
  const double alp12 = 2 * atan2_fast(num, den);
  const auto c4 = coefficients(i4_, t.k2);
  const double i4 = t.sig12 <= 0.125
                       ? odd_cos_difference(c4, t.sig12, t.ssig1, t.csig1)
                       : odd_cos_sum(c4, t.ssig2, t.csig2) - odd_cos_sum(c4, t.ssig1, t.csig1);
  // c^2 alpha12 formed exactly, c^2's own rounding error added: S12 is rounded about once
  double hi;
  double lo;
  two_product(c2_, alp12, hi, lo);
  const double area = hi + ((lo + c2_lo_ * alp12) + e2a2_ * std::sqrt(t.calp0sq) * t.salp0 * i4);
  // The numerator's sum cancels when the line crosses the equator; its rounding error is
  // ~2 ulp of the larger term, which moves alpha2 - alpha1 by up to 2 x that / den.
  // (compared without dividing by den)
  const double noise = 0x1p-51 * somg12 * (std::fabs(c.sbet1) * dbet2 + std::fabs(c.sbet2) * dbet1);
  if (c2_ * noise > (kMaxAreaNoise + 0x1p-45 * std::fabs(area)) * std::fabs(den)) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  return area;
}

double GeodesicEdge::meridian_distance(const Canon& c) const noexcept {
  // alpha1 = 0 (canonical form: point 2 is north of point 1): sigma = beta and k^2 = e'^2.
  const double cos12 = c.cbet1 * c.cbet2 + c.sbet1 * c.sbet2;
  const double r = std::sqrt(c.sbet12 * c.sbet12 + cos12 * cos12);
  const double sig12 = atan2_fast(c.sbet12, cos12);
  const Harmonics basis =
      difference_basis(c.cbet1 * c.cbet2 - c.sbet1 * c.sbet2, c.sbet12 / r, cos12 / r);
  const auto c1 = coefficients(i1_, ep2_);
  return distance(b_, c1, sig12, basis);
}

bool GeodesicEdge::solve(double lat1, double lon1, double lat2, double lon2, double& s12,
                         double& S12) const noexcept {
  // lon2 - lon1 with its rounding error (two-sum), reduced to [-180, 180]: subtracting 360
  // from a value in (180, 1080] is exact, so only the final addition rounds.
  double d = lon2 - lon1;
  const double bp = d - lon2;
  const double err = (lon2 - (d - bp)) + (-lon1 - bp);
  while (d > 180) d -= 360;
  while (d < -180) d += 360;
  double lon12 = d + err;
  // Lines over a pole (lon12 = +-180) take GeographicLib's special path.
  if (!(std::fabs(lon12) < 180)) return false;
  const double lonsign = lon12 < 0 ? -1 : 1;
  lon12 = std::fabs(lon12);

  // Canonical form: |lat1| >= |lat2|, lat1 <= 0. Swapping the points with lon12 kept positive
  // is a reversal plus a mirror (no sign change of S12); mirroring in the equator or in the
  // meridian each negate S12.
  if (std::fabs(lat1) < std::fabs(lat2)) std::swap(lat1, lat2);
  const double latsign = lat1 < 0 ? 1 : -1;
  lat1 *= latsign;
  lat2 *= latsign;

  Canon c{};
  {
    double d1;
    double d2;
    reduced_latitude(lat1, f_, e2_, c.sbet1, c.cbet1, d1);
    reduced_latitude(lat2, f_, e2_, c.sbet2, c.cbet2, d2);
    const double inv_r1 = 1 + d1;
    const double inv_r2 = 1 + d2;
    // tan(beta) = (1 - f) tan(phi) gives sin(beta2 - beta1) = (1 - f) sin(phi2 - phi1) / (r1
    // r2); the difference of latitudes is formed exactly from the inputs.
    double sdphi;
    double cdphi;
    sincos_fast((lat2 - lat1) * kDeg, sdphi, cdphi);
    c.sbet12 = f1_ * sdphi * (inv_r1 * inv_r2);
    c.sbet12a = c.sbet2 * c.cbet1 + c.cbet2 * c.sbet1;
    c.dcos2 = -c.sbet12 * c.sbet12a;  // sin^2 beta1 - sin^2 beta2
    c.lam = lon12 * kDeg;
    if (lon12 <= 90) {
      sincos_fast(c.lam, c.slam, c.clam);
    } else {  // from the supplement, exact in degrees (as for the latitudes)
      const double supplement = (180 - lon12) * kDeg;
      c.slam = std::sin(supplement);
      c.clam = -std::cos(supplement);
    }
  }
  if (lon12 == 0) {  // meridional, identical points included
    s12 = meridian_distance(c);
    S12 = 0;
    return true;
  }
  if (lat1 == 0) {                      // both on the equator
    if (!(lon12 <= 179)) return false;  // near 180 the equator is not the shortest path
    s12 = a_ * c.lam;
    S12 = 0;
    return true;
  }
  if (c.cbet1 < kMinCosBeta) return false;

  // Start: the spherical solution on the auxiliary sphere, with omega12 from lambda12 scaled
  // by d lambda / d omega = (1 - f) sqrt(1 + e'^2 sin^2 beta) at the mean reduced latitude.
  double salp1;
  double calp1;
  {
    const double ss = c.sbet1 + c.sbet2;
    const double cs = c.cbet1 + c.cbet2;
    const double sbetm2 = ss * ss / (ss * ss + cs * cs);
    const double omg12 = lon12 * kDeg / (f1_ * std::sqrt(1 + ep2_ * sbetm2));
    if (!(omg12 < kMaxOmega)) return false;  // nearly antipodal: needs the astroid start
    double somg;
    double comg;
    sincos_fast(omg12, somg, comg);
    // cos(beta1) sin(beta2) - sin(beta1) cos(beta2) cos(omega12), rewritten around sin(beta2 -
    // beta1) (or sin(beta2 + beta1)) so that short lines keep relative accuracy.
    salp1 = c.cbet2 * somg;
    calp1 = comg >= 0 ? c.sbet12 + c.cbet2 * c.sbet1 * somg * somg / (1 + comg)
                      : c.sbet12a - c.cbet2 * c.sbet1 * somg * somg / (1 - comg);
    normalize(salp1, calp1);
  }

  Trial t{};
  bool converged = false;
  double v = 0;  // the solved line's lambda12 - the target's
  for (int it = 0; it < kMaxIterations; ++it) {
    v = residual(c, salp1, calp1, t);
    if (std::fabs(v) <= kTol * c.lam) {
      converged = true;
      break;
    }
    if (!(t.calp2 > 0)) return false;  // derivative infinite (vertex at point 2)
    const double dalp = -v / slope(c, t);
    if (std::fabs(dalp) <= kStepTol * std::min(salp1, std::fabs(calp1)) &&
        std::fabs(v) <= kStallTol * c.lam) {
      converged = true;
      break;
    }
    if (!(std::fabs(dalp) < 0.5)) return false;
    // rotate alpha1 by dalp
    double sd;
    double cd;
    sincos_fast(dalp, sd, cd);
    // (a rotation keeps the unit norm to rounding: no renormalisation needed)
    const double s = salp1 * cd + calp1 * sd;
    calp1 = calp1 * cd - salp1 * sd;
    salp1 = s;
    if (!(salp1 > 0)) return false;
  }
  if (!converged) return false;

  const auto c1 = coefficients(i1_, t.k2);
  const double a = area(c, t);
  if (std::isnan(a)) return false;
  // The line found ends v radians east of point 2 on its parallel, where ds12 / dlambda12 =
  // a cos(beta2) sin(alpha2) = a sin(alpha0): s12 is corrected to first order (the residual
  // left is below kTol lambda12, kStallTol on a stall; the correction errs by O(v^2)).
  s12 = b_ * (t.sig12 + (c1[0] * t.sig12 + dot(c1, t.basis))) - a_ * t.salp0 * v;
  S12 = lonsign * latsign * a;
  return true;
}

}  // namespace rankwise::polygons
