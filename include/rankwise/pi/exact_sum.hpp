#pragma once
/// An exact, order-independent accumulator: sums are integers in units of 2^-64.
/// Adding the same chunk sums in any order (ranks, threads) gives the same bits.
#include <cmath>
#include <cstdint>

namespace rankwise::pi {

__extension__ typedef __int128 int128;            ///< GCC/Clang 128-bit integer
__extension__ typedef unsigned __int128 uint128;

/// Fixed-point sum of non-negative double-double values, each rounded deterministically
/// to a multiple of 2^-64 before it is added (|value| < 2^62 in total).
struct ExactSum {
  int128 units = 0;  ///< the sum in units of 2^-64

  /// Add hi + lo, where hi >= 0.5 or hi == 0 (so hi * 2^64 is an integer).
  void add(double hi, double lo) {
    units += static_cast<int128>(std::ldexp(hi, 64));
    units += static_cast<int128>(std::llrint(std::ldexp(lo, 64)));
  }
  ExactSum& operator+=(const ExactSum& other) {
    units += other.units;
    return *this;
  }
  /// The two 64-bit halves, for sending over MPI (high word signed).
  [[nodiscard]] std::uint64_t low_word() const { return static_cast<std::uint64_t>(units); }
  [[nodiscard]] std::uint64_t high_word() const {
    return static_cast<std::uint64_t>(static_cast<uint128>(units) >> 64);
  }
  [[nodiscard]] static ExactSum from_words(std::uint64_t low, std::uint64_t high) {
    ExactSum s;
    s.units = static_cast<int128>((static_cast<uint128>(high) << 64) | low);
    return s;
  }
};

/// (scale * sum) / n, correctly rounded in all but astronomically rare cases: the sum is
/// split exactly into double-double and divided with an exact FMA remainder.
[[nodiscard]] inline double scaled_quotient(const ExactSum& sum, double scale, double n) {
  const double hi = static_cast<double>(sum.units);
  const double lo = static_cast<double>(sum.units - static_cast<int128>(hi));
  const double a = std::ldexp(hi, -64) * scale;  // exact: scale is a power of two
  const double b = std::ldexp(lo, -64) * scale;
  const double q = a / n;
  const double r = std::fma(-q, n, a) + b;
  return q + r / n;
}

}  // namespace rankwise::pi
