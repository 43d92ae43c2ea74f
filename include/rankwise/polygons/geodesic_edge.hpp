#pragma once
/// Fast WGS84 inverse geodesic for polygon edges: distance and area contribution only.
#include <array>

namespace rankwise::polygons {

/// WGS84 inverse geodesic specialised for polygon edges (distance and area only), written from
/// Karney (2013), "Algorithms for geodesics". A fast path: solve() returns false for any edge it
/// does not handle (the caller then uses GeographicLib).
class GeodesicEdge {
 public:
  /// Precomputes everything that depends only on the ellipsoid (the series coefficients).
  GeodesicEdge();
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
  Series i1_{};    ///< distance: s/b = A1 sigma + sum
  Series j_{};     ///< I1 - I2, for the reduced length (Newton's derivative)
  Series i3_{};    ///< longitude: lambda = omega - f sin(alpha0) (A3 sigma + sum)
  Series i4_{};    ///< area: I4(sigma)
  double c2_ = 0;  ///< authalic radius squared, m^2
};

}  // namespace rankwise::polygons
