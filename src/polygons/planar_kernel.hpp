#pragma once
// Private to src/polygons: the shoelace sum of one ring, SIMD (Highway, dispatched at run time).
//
// Every target sums in the same fixed order: eight virtual lanes (one AVX-512 vector, two AVX2
// vectors), lane j taking terms j, j+8, ..., each term one product and one FMA, the lanes
// added in a fixed tree (targets without FMA take the same order one term at a time, with
// std::fma). So a ring's area has the same bits on every target and with any compiler, and
// from either memory layout: the flat arrays of a PolygonSet or the interleaved (x, y)
// doubles of a mapped .shp record.
#include <cstddef>
#include <cstdint>

namespace rankwise::polygons::detail {

/// Twice the signed shoelace area of the ring (x[k], y[k]), k < n, counter-clockwise
/// positive (the sum of (x_i - x_0)(y_{i+1} - y_0) - (x_{i+1} - x_0)(y_i - y_0)); 0 for n < 3.
[[nodiscard]] double shoelace_twice(const double* x, const double* y, std::size_t n);

/// The same sum over n interleaved (x, y) pairs at `xy` (any byte alignment, as in a .shp),
/// with the same bits as shoelace_twice on the de-interleaved arrays. Checks every coordinate
/// on the way: `bad` is set if one is NaN or |x| > max_x or |y| > max_y (an infinity exceeds
/// every finite limit), and left alone otherwise.
[[nodiscard]] double shoelace_twice_interleaved(const unsigned char* xy, std::size_t n,
                                                double max_x, double max_y, bool& bad);

}  // namespace rankwise::polygons::detail
