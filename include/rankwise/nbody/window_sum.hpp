#pragma once
/// An order-independent sum of doubles: each term is cut into three 32-bit integer limbs
/// below a common top exponent, limbs are summed as integers (exactly, in doubles), and the
/// total is rounded once. The result depends only on the set of terms, not on their order
/// or grouping, so partial sums made on any number of ranks reduce to the same bits.
#include <cmath>
#include <cstddef>
#include <limits>

namespace rankwise::nbody::window_sum {

inline constexpr std::size_t limbs = 3;

/// Marks "no non-zero term" in an exponent slot; the max over ranks of a slot keeps it only
/// if every term was zero.
inline constexpr double no_exponent = -1e6;
/// Marks a non-finite term: the sum is NaN.
inline constexpr double non_finite = 1e6;

/// The exponent e of `v` with |v| < 2^e, or a marker.
[[nodiscard]] inline double exponent(double v) {
  if (v == 0) return no_exponent;
  if (!std::isfinite(v)) return non_finite;
  int e = 0;
  (void)std::frexp(v, &e);
  return e;
}

/// Add `v` (|v| < 2^top) to the limbs at `sum` (limb k in units of 2^(top - 32 (k + 1))).
/// Bits below 2^(top - 96) are dropped (truncated toward zero), the same way everywhere.
/// Exact while fewer than 2^20 terms meet in one limb.
inline void add(double v, int top, double* sum) {
  double s = std::ldexp(v, 32 - top);  // |s| < 2^32
  for (std::size_t k = 0; k < limbs; ++k) {
    const double whole = std::trunc(s);
    sum[k] += whole;
    s = std::ldexp(s - whole, 32);  // exact: the fraction has at most 53 bits
  }
}

/// The total of the limbs at `sum` for top exponent `top_marker` (as from exponent()).
[[nodiscard]] inline double value(const double* sum, double top_marker) {
  if (top_marker == no_exponent) return 0;
  if (top_marker >= non_finite) return std::numeric_limits<double>::quiet_NaN();
  const int top = static_cast<int>(top_marker);
  double v = std::ldexp(sum[2], top - 96);
  v += std::ldexp(sum[1], top - 64);
  v += std::ldexp(sum[0], top - 32);
  return v;
}

}  // namespace rankwise::nbody::window_sum
