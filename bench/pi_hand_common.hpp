// Private to bench_pi_kernels' hand-written references (pi_hand_kernels.hpp): what the AVX-512
// and AVX2 files share. Intrinsics live in functions with target attributes, so these files
// build without -mavx512f / -mavx2 and the caller runs a kernel only where cpu_has() says the
// CPU has its instruction set.
//
// Compiled with -ffp-contract=off (bench/CMakeLists.txt): the quarter-circle test must round
// x*x + y*y as two products and a sum, as the product and Random123's scalar reference do; GCC
// would otherwise be free to fuse the vector multiply and add into an FMA.
#pragma once
#include <cstdint>
#include <vector>

#include "bench/pi_hand_kernels.hpp"
#include "rankwise/pi/montecarlo.hpp"

#define HAND_AVX512 __attribute__((target("avx512f")))
#define HAND_AVX2 __attribute__((target("avx2,fma")))

namespace hand::pi::detail {

// ---- Philox4x32-10 (Random123's constants) ----
constexpr std::uint32_t kM0 = 0xD2511F53u;  // multipliers
constexpr std::uint32_t kM1 = 0xCD9E8D57u;
constexpr std::uint32_t kW0 = 0x9E3779B9u;  // Weyl key increments
constexpr std::uint32_t kW1 = 0xBB67AE85u;
constexpr int kRounds = 10;
constexpr double kTwo64 = 18446744073709551616.0;
// A 32-bit word u becomes u + 0.5 exactly as (2^52 + u) - (2^52 - 0.5): u goes under the
// exponent bits of 2^52 (one blend, which also drops whatever the lane's high half held).
constexpr std::uint64_t kTwo52Bits = 0x4330000000000000ull;
constexpr double kTwo52MinusHalf = 4503599627370495.5;

// Round r's key word: seed word + r * increment (mod 2^32).
inline std::uint32_t round_key(std::uint64_t seed, int word, int r) {
  const auto s = static_cast<std::uint32_t>(word == 0 ? seed : seed >> 32);
  return s + static_cast<std::uint32_t>(r) * (word == 0 ? kW0 : kW1);
}

// Samples [begin, end) one at a time (the odd samples at the ends, blocks where the counters'
// low words wrap): the product's scalar reference, Random123's own Philox.
inline std::uint64_t hits_scalar(std::uint64_t seed, std::uint64_t begin, std::uint64_t end) {
  return rankwise::pi::montecarlo_hits_reference(seed, begin, end);
}

// Each instruction set's shapes, its reference (the fastest measured) first.
[[nodiscard]] std::vector<DividerShape> avx512_divider_shapes();
[[nodiscard]] std::vector<PhiloxShape> avx512_philox_shapes();
[[nodiscard]] std::vector<DividerShape> avx2_divider_shapes();
[[nodiscard]] std::vector<PhiloxShape> avx2_philox_shapes();

}  // namespace hand::pi::detail
