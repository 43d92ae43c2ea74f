// Hand-written reference kernels for bench_pi_kernels (see pi_hand_kernels.hpp): the choice of
// instruction set and shape; the kernels are in pi_hand_avx512.cpp and pi_hand_avx2.cpp.
#include "bench/pi_hand_kernels.hpp"

#include "bench/pi_hand_common.hpp"

namespace hand::pi {

Isa isa_for_target(const std::string& target) {
  if (target.rfind("AVX3", 0) == 0 && cpu_has(Isa::avx512)) return Isa::avx512;
  if (target == "AVX2" && cpu_has(Isa::avx2)) return Isa::avx2;
  return Isa::none;
}

bool cpu_has(Isa isa) {
  switch (isa) {
    case Isa::avx512: return __builtin_cpu_supports("avx512f") != 0;
    case Isa::avx2: return __builtin_cpu_supports("avx2") != 0 && __builtin_cpu_supports("fma") != 0;
    case Isa::none: break;
  }
  return false;
}

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::avx512: return "avx512";
    case Isa::avx2: return "avx2";
    case Isa::none: break;
  }
  return "none";
}

int double_lanes(Isa isa) {
  switch (isa) {
    case Isa::avx512: return 8;
    case Isa::avx2: return 4;
    case Isa::none: break;
  }
  return 1;
}

// Every shape, AVX-512's then AVX2's; per instruction set the first is the reference.
const std::vector<DividerShape>& divider_shapes() {
  static const std::vector<DividerShape> shapes = [] {
    std::vector<DividerShape> all = detail::avx512_divider_shapes();
    for (const DividerShape& s : detail::avx2_divider_shapes()) all.push_back(s);
    return all;
  }();
  return shapes;
}

const std::vector<PhiloxShape>& philox_shapes() {
  static const std::vector<PhiloxShape> shapes = [] {
    std::vector<PhiloxShape> all = detail::avx512_philox_shapes();
    for (const PhiloxShape& s : detail::avx2_philox_shapes()) all.push_back(s);
    return all;
  }();
  return shapes;
}

const DividerShape* divider_reference(Isa isa) {
  for (const auto& s : divider_shapes()) {
    if (s.isa == isa) return &s;
  }
  return nullptr;
}

const PhiloxShape* philox_reference(Isa isa) {
  for (const auto& s : philox_shapes()) {
    if (s.isa == isa) return &s;
  }
  return nullptr;
}

std::uint64_t philox_hits(const PhiloxShape& shape, std::uint64_t seed, std::uint64_t begin,
                          std::uint64_t end) {
  if (begin >= end) return 0;
  const std::uint64_t first_call = (begin + 1) / 2;
  const std::uint64_t end_call = end / 2;
  if (first_call >= end_call) return detail::hits_scalar(seed, begin, end);
  return detail::hits_scalar(seed, begin, 2 * first_call) + shape.hits_calls(seed, first_call, end_call) +
         detail::hits_scalar(seed, 2 * end_call, end);
}

}  // namespace hand::pi
