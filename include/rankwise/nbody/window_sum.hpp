#pragma once
/// An order-independent sum of doubles: each term is cut into three 32-bit integer limbs
/// below a common top exponent, limbs are summed as integers (exactly, in doubles), and the
/// total is rounded once. The result depends only on the set of terms, not on their order
/// or grouping, so partial sums made on any number of ranks reduce to the same bits.
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstddef>
#include <limits>

namespace rankwise::nbody::window_sum {

inline constexpr std::size_t limbs = 3;

/// Marks "no non-zero term" in an exponent slot; the max over ranks of a slot keeps it only
/// if every term was zero.
inline constexpr double no_exponent = -1e6;
/// Marks a non-finite term: the sum is NaN.
inline constexpr double non_finite = 1e6;

/// The exponent e of `v` with |v| < 2^e (as std::frexp gives it), or a marker.
[[nodiscard]] inline double exponent(double v) {
  const auto biased = static_cast<int>((std::bit_cast<std::uint64_t>(v) >> 52) & 0x7ff);
  if (biased == 0x7ff) return non_finite;
  if (biased != 0) return biased - 1022;  // normal numbers: read off the bits
  if (v == 0) return no_exponent;
  int e = 0;
  (void)std::frexp(v, &e);  // subnormal
  return e;
}

/// The factors that scale a term to limb units for top exponent `top`: 2^(32 - top) as two
/// powers of two, each in range for any top a double has.
struct Scale {
  double a, b;
};
[[nodiscard]] inline Scale scale_for(int top) {
  const int shift = 32 - top;
  return {std::ldexp(1.0, shift / 2), std::ldexp(1.0, shift - shift / 2)};
}

/// Add `v` (|v| < 2^top, `scale` = scale_for(top)) to the limbs at `sum` (limb k in units of
/// 2^(top - 32 (k + 1))). Bits below 2^(top - 96) are dropped (truncated toward zero), the same
/// way everywhere. Exact while fewer than 2^20 terms meet in one limb.
inline void add(double v, Scale scale, double* sum) {
  double s = v * scale.a * scale.b;  // exact: powers of two; |s| < 2^32
  for (std::size_t k = 0; k < limbs; ++k) {
    const auto whole = static_cast<double>(static_cast<std::int64_t>(s));  // truncates
    sum[k] += whole;
    s = (s - whole) * 0x1p32;  // exact: the fraction has at most 53 bits
  }
}

/// add() for one term with its own top exponent (tests and one-off sums).
inline void add(double v, int top, double* sum) { add(v, scale_for(top), sum); }

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
