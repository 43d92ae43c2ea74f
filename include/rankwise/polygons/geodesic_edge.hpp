#pragma once
/// Fast inverse geodesic for polygon edges: distance and area contribution only.
#include <array>

namespace rankwise::polygons {

/// Inverse geodesic on an oblate ellipsoid (or a sphere) specialised for polygon edges (distance and area only), written from
/// Karney (2013), "Algorithms for geodesics". A fast path: solve() returns false for any edge it
/// does not handle (the caller then uses GeographicLib).
class GeodesicEdge {
 public:
  /// WGS84's semi-major axis (m) and flattening.
  static constexpr double kWgs84A = 6378137.0;
  static constexpr double kWgs84F = 1 / 298.257223563;
  /// Largest flattening the series are kept accurate for: k^2 <= e'^2 = 0.0081 at f = 1/250,
  /// so the dropped k^16 terms stay below 2e-17 relative (WGS84: e'^2 = 0.0067).
  static constexpr double kMaxF = 1.0 / 250;
  /// True if the solver is valid on an ellipsoid of flattening f (oblate or a sphere, f <=
  /// kMaxF); other ellipsoids (Mars' 1/170, prolate ones) are GeographicLib's alone.
  [[nodiscard]] static constexpr bool supports(double f) noexcept { return f >= 0 && f <= kMaxF; }
  /// Precomputes everything that depends only on the ellipsoid (the series coefficients).
  /// Throws std::invalid_argument unless supports(f) and a > 0.
  explicit GeodesicEdge(double a = kWgs84A, double f = kWgs84F);
  /// lat/lon in degrees, validated by the caller (|lat| <= 90, |lon| <= 540, finite).
  /// true: s12 (m) and S12 (m^2) written; false: not handled, outputs untouched.
  [[nodiscard]] bool solve(double lat1, double lon1, double lat2, double lon2, double& s12,
                           double& S12) const noexcept;

  /// Highest harmonic kept in the Fourier series (the 7th would be O((k^2/4)^7) < 1e-19).
  static constexpr int kOrder = 6;
  /// Powers of k^2 kept in each coefficient (k^2 <= 0.0067 for WGS84: k^16 terms < 1e-19).
  static constexpr int kPowers = 8;
  /// Values per harmonic 0..kOrder (padded to 8 lanes for SIMD; the pad stays 0).
  using Harmonics = std::array<double, 8>;
  /// Coefficients of one Fourier series: [power of k^2][term].
  using Series = std::array<Harmonics, kPowers>;

 private:
  /// State of one evaluation of the longitude residual for a trial azimuth.
  struct Trial;
  /// The canonical problem (see solve()).
  struct Canon;

  /// lambda12(alpha1) - lambda12 (radians) for the trial azimuth; fills `t`.
  [[nodiscard]] double residual(const Canon& c, double salp1, double calp1,
                                Trial& t) const noexcept;
  /// d lambda12 / d alpha1 at the trial, from the reduced length.
  [[nodiscard]] double slope(const Canon& c, const Trial& t) const noexcept;
  /// S12 of the canonical problem at the solved trial; NaN when not trusted.
  [[nodiscard]] double area(const Canon& c, const Trial& t) const noexcept;
  /// s12 along a meridian (lon12 = 0), canonical form.
  [[nodiscard]] double meridian_distance(const Canon& c) const noexcept;

  // Series in k^2 = e'^2 cos^2 alpha0. Term 0 is the secular coefficient (A), terms
  // 1..6 multiply sin(2 l sigma); for i4_ term l multiplies cos((2 l + 1) sigma).
  Series i1_{};    ///< distance: s/b = A1 sigma + sum, with A1 - 1 as term 0
  Series j_{};     ///< I1 - I2, for the reduced length (Newton's derivative)
  Series i3_{};    ///< longitude: lambda = omega - f sin(alpha0) (A3 sigma + sum)
  Series i4_{};    ///< area: I4(sigma)
  // The ellipsoid: a, f, 1 - f, e^2, e'^2, b, e^2 a^2.
  double a_;
  double f_;
  double f1_;
  double e2_;
  double ep2_;
  double b_;
  double e2a2_;
  double c2_ = 0;     ///< authalic radius squared, m^2
  double c2_lo_ = 0;  ///< its rounding error: c^2 = c2_ + c2_lo_ to ~1e-19
};

}  // namespace rankwise::polygons
