#pragma once
/// An allocator for arrays that SIMD kernels load whole vectors from: 64-byte (cache-line)
/// alignment, so no vector load of up to 512 bits ever straddles two cache lines (malloc's
/// 16-byte alignment splits every other 256-bit load).
#include <cstddef>
#include <new>
#include <vector>

namespace rankwise::simd {

inline constexpr std::size_t cache_line = 64;

/// std::allocator with cache-line alignment.
template <class T>
struct AlignedAllocator {
  using value_type = T;
  AlignedAllocator() noexcept = default;
  template <class U>
  explicit AlignedAllocator(const AlignedAllocator<U>& /*other*/) noexcept {}
  [[nodiscard]] T* allocate(std::size_t n) {
    return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t{cache_line}));
  }
  void deallocate(T* p, std::size_t /*n*/) noexcept {
    ::operator delete(p, std::align_val_t{cache_line});
  }
  template <class U>
  friend bool operator==(const AlignedAllocator& /*a*/, const AlignedAllocator<U>& /*b*/) noexcept {
    return true;
  }
};

/// A vector whose data() is cache-line aligned.
template <class T>
using AlignedVector = std::vector<T, AlignedAllocator<T>>;

}  // namespace rankwise::simd
