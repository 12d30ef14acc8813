#pragma once
// 64-byte aligned storage for coefficient arrays, so that vector kernels (AVX-512, issue 6) can use
// aligned loads on every limb of a polynomial.

#include <cstddef>
#include <cstdint>
#include <new>
#include <vector>

namespace hesplit::ckks {

template <typename T, std::size_t Alignment = 64>
struct AlignedAllocator {
  using value_type = T;
  template <typename U>
  struct rebind {
    using other = AlignedAllocator<U, Alignment>;
  };

  AlignedAllocator() noexcept = default;
  template <typename U>
  AlignedAllocator(const AlignedAllocator<U, Alignment>&) noexcept {}

  T* allocate(std::size_t count) {
    return static_cast<T*>(::operator new (count * sizeof(T), std::align_val_t{Alignment}));
  }
  void deallocate(T* ptr, std::size_t) noexcept {
    ::operator delete (ptr, std::align_val_t{Alignment});
  }

  template <typename U>
  bool operator==(const AlignedAllocator<U, Alignment>&) const noexcept {
    return true;
  }
};

using U64Vector = std::vector<std::uint64_t, AlignedAllocator<std::uint64_t>>;
using F64Vector = std::vector<double, AlignedAllocator<double>>;

}  // namespace hesplit::ckks
