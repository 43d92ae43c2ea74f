// Hand-written references for the pi kernels (issue #15), bench only, never linked into the
// product: bench_pi_kernels runs them in the same process as the product kernels, so the ratios
// are measured on whatever machine runs the benchmark.
//   divider bound: independent vector divisions 1/d as fast as the divider issues them; the
//     product series kernel does one division per term, so divisions/s x lanes bounds it.
//   Philox4x32-10 Monte Carlo in intrinsics: the same hits as pi::montecarlo_hits for the same
//     seed and samples (same counter mapping, words -> doubles and quarter-circle test).
// Each exists for AVX-512 (8 double lanes) and AVX2 + FMA (4 lanes), in several shapes; in
// divider_shapes() and philox_shapes() the first shape of each instruction set is the fastest
// measured on Zen 5 (figures in pi_hand_avx512.cpp and pi_hand_avx2.cpp), the one
// bench_pi_kernels compares with.
// `bench_pi_kernels shapes` measures all of them, to re-tune on another CPU.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace hand::pi {

enum class Isa { none, avx2, avx512 };

// The hand kernels' instruction set for the Highway target the product dispatched to (AVX3*
// -> AVX-512, AVX2 -> AVX2); none for other targets or when this CPU lacks it.
[[nodiscard]] Isa isa_for_target(const std::string& target);
[[nodiscard]] bool cpu_has(Isa isa);
[[nodiscard]] const char* isa_name(Isa isa);
[[nodiscard]] int double_lanes(Isa isa);

// What a divider run did: vector divisions issued, and the sum of every quotient (printed or
// kept, so that no division can be optimised away).
struct DividerRun {
  std::uint64_t vector_divisions = 0;
  double checksum = 0;
};

struct DividerShape {
  const char* name;
  Isa isa;
  // About `vector_divisions` divisions (rounded down to whole loop iterations).
  DividerRun (*run)(std::uint64_t vector_divisions);
};

struct PhiloxShape {
  const char* name;
  Isa isa;
  // Hits among whole Philox calls [call_begin, call_end) (2 samples each).
  std::uint64_t (*hits_calls)(std::uint64_t seed, std::uint64_t call_begin, std::uint64_t call_end);
};

// Every shape compiled in; per instruction set the first is the reference.
[[nodiscard]] const std::vector<DividerShape>& divider_shapes();
[[nodiscard]] const std::vector<PhiloxShape>& philox_shapes();
// The reference shape for `isa` (nullptr for Isa::none).
[[nodiscard]] const DividerShape* divider_reference(Isa isa);
[[nodiscard]] const PhiloxShape* philox_reference(Isa isa);

// Hits among samples [begin, end) with `shape`, mapped as pi::montecarlo_hits: whole calls to
// the vector kernel, an odd sample at either end to a scalar Philox.
[[nodiscard]] std::uint64_t philox_hits(const PhiloxShape& shape, std::uint64_t seed,
                                        std::uint64_t begin, std::uint64_t end);

}  // namespace hand::pi
