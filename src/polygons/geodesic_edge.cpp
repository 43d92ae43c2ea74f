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
// Newton is stopped when the longitude residual is below kTol lambda12 (the residual is
// computed to a few ulps of lambda12; a relative 2^-48 moves point 2 by ~4e-15 of the line's
// length), or when the next step would be below kStepTol and the residual below kStallTol
// lambda12: alpha1 is then resolved to its last bits and the residual is rounding noise.
constexpr double kTol = 0x1p-48;
constexpr double kStepTol = 0x1p-51;
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
  const double e = std::sqrt(e2_);
  c2_ = e == 0 ? a_ * a_ : (a_ * a_ + b_ * b_ * std::atanh(e) / e) / 2;
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
  return eta - f_ * t.salp0 * (c3[0] * t.sig12 + dot(c3, t.basis));
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
  // omega12's sine and cosine are known up to a common factor r.
  const double somg12 = t.somg12;
  const double comg12 = t.comg12;
  const double r = std::sqrt(somg12 * somg12 + comg12 * comg12);
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
  const double i4 = odd_cos_sum(c4, t.ssig2, t.csig2) - odd_cos_sum(c4, t.ssig1, t.csig1);
  const double area = c2_ * alp12 + e2a2_ * std::sqrt(t.calp0sq) * t.salp0 * i4;
  // The numerator's sum cancels when the line crosses the equator; its rounding error is
  // ~2 ulp of the larger term, which moves alpha2 - alpha1 by up to 2 x that / den.
  const double noise =
      0x1p-51 * somg12 * (std::fabs(c.sbet1) * dbet2 + std::fabs(c.sbet2) * dbet1) / std::fabs(den);
  if (c2_ * noise > kMaxAreaNoise + 0x1p-45 * std::fabs(area)) {
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
  return b_ * (c1[0] * sig12 + dot(c1, basis));
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
    const double phi1 = lat1 * kDeg;
    const double phi2 = lat2 * kDeg;
    c.sbet1 = f1_ * std::sin(phi1);
    c.cbet1 = std::cos(phi1);
    c.sbet2 = f1_ * std::sin(phi2);
    c.cbet2 = std::cos(phi2);
    const double inv_r1 = 1 / std::sqrt(c.sbet1 * c.sbet1 + c.cbet1 * c.cbet1);
    const double inv_r2 = 1 / std::sqrt(c.sbet2 * c.sbet2 + c.cbet2 * c.cbet2);
    c.sbet1 *= inv_r1;
    c.cbet1 *= inv_r1;
    c.sbet2 *= inv_r2;
    c.cbet2 *= inv_r2;
    // tan(beta) = (1 - f) tan(phi) gives sin(beta2 - beta1) = (1 - f) sin(phi2 - phi1) / (r1
    // r2); the difference of latitudes is formed exactly from the inputs.
    double sdphi;
    double cdphi;
    sincos_fast((lat2 - lat1) * kDeg, sdphi, cdphi);
    c.sbet12 = f1_ * sdphi * (inv_r1 * inv_r2);
    c.sbet12a = c.sbet2 * c.cbet1 + c.cbet2 * c.sbet1;
    c.dcos2 = -c.sbet12 * c.sbet12a;  // sin^2 beta1 - sin^2 beta2
    c.lam = lon12 * kDeg;
    sincos_fast(c.lam, c.slam, c.clam);
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
  for (int it = 0; it < kMaxIterations; ++it) {
    const double v = residual(c, salp1, calp1, t);
    if (std::fabs(v) <= kTol * c.lam) {
      converged = true;
      break;
    }
    if (!(t.calp2 > 0)) return false;  // derivative infinite (vertex at point 2)
    const double dalp = -v / slope(c, t);
    if (std::fabs(dalp) <= kStepTol && std::fabs(v) <= kStallTol * c.lam) {
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
  s12 = b_ * (c1[0] * t.sig12 + dot(c1, t.basis));
  S12 = lonsign * latsign * a;
  return true;
}

}  // namespace rankwise::polygons
