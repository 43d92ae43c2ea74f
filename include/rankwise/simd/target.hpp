#pragma once
/// Which SIMD instruction set the kernels dispatch to at run time (Highway).
#include <string>

namespace rankwise::simd {

/// The best target this CPU supports among those compiled in, e.g. "AVX2" or "AVX3".
[[nodiscard]] std::string dispatched_target();
/// Every target compiled into the binary, best first, e.g. "AVX3 AVX2 SSE4 SSSE3 EMU128".
[[nodiscard]] std::string compiled_targets();

}  // namespace rankwise::simd
