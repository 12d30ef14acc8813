#pragma once
// Small helpers for non-negative multi-word integers (little-endian 64-bit words), used for exact
// CRT constants and decoding. Sizes are fixed by the caller; no allocation.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>

#include "ckks/modulus.hpp"

namespace hesplit::ckks::multiword {

// out = a * w; out.size() >= a.size() + 1 (extra words zeroed).
inline void mul_word(std::span<const std::uint64_t> a, std::uint64_t w,
                     std::span<std::uint64_t> out) noexcept {
  std::uint64_t carry = 0;
  std::size_t i = 0;
  for (; i < a.size(); ++i) {
    const u128 p = static_cast<u128>(a[i]) * w + carry;
    out[i] = static_cast<std::uint64_t>(p);
    carry = static_cast<std::uint64_t>(p >> 64);
  }
  if (i < out.size()) out[i++] = carry;
  for (; i < out.size(); ++i) out[i] = 0;
}

// acc += a * w (acc.size() >= a.size()); returns the carry out of acc.
inline std::uint64_t mul_word_add(std::span<const std::uint64_t> a, std::uint64_t w,
                                  std::span<std::uint64_t> acc) noexcept {
  std::uint64_t carry = 0;
  std::size_t i = 0;
  for (; i < a.size(); ++i) {
    const u128 p = static_cast<u128>(a[i]) * w + acc[i] + carry;
    acc[i] = static_cast<std::uint64_t>(p);
    carry = static_cast<std::uint64_t>(p >> 64);
  }
  for (; i < acc.size() && carry != 0; ++i) {
    const u128 s = static_cast<u128>(acc[i]) + carry;
    acc[i] = static_cast<std::uint64_t>(s);
    carry = static_cast<std::uint64_t>(s >> 64);
  }
  return carry;
}

// a >= b (same size)?
inline bool greater_equal(std::span<const std::uint64_t> a,
                          std::span<const std::uint64_t> b) noexcept {
  for (std::size_t i = a.size(); i-- > 0;) {
    if (a[i] != b[i]) return a[i] > b[i];
  }
  return true;
}

// a -= b (same size, a >= b).
inline void sub_inplace(std::span<std::uint64_t> a, std::span<const std::uint64_t> b) noexcept {
  std::uint64_t borrow = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::uint64_t bi = b[i] + borrow;
    const std::uint64_t carry_in = (bi < borrow) ? 1 : 0;  // b[i] + borrow overflowed
    const std::uint64_t r = a[i] - bi;
    borrow = ((a[i] < bi) ? 1 : 0) | carry_in;
    a[i] = r;
  }
}

// out = b - a (same size, b >= a).
inline void sub_from(std::span<const std::uint64_t> b, std::span<const std::uint64_t> a,
                     std::span<std::uint64_t> out) noexcept {
  for (std::size_t i = 0; i < b.size(); ++i) out[i] = b[i];
  sub_inplace(out, a);
}

// a mod m (Horner over the words).
inline std::uint64_t mod_word(std::span<const std::uint64_t> a, const Modulus& m) noexcept {
  std::uint64_t r = 0;
  for (std::size_t i = a.size(); i-- > 0;) {
    r = reduce_u128((static_cast<u128>(r) << 64) | a[i], m);
  }
  return r;
}

// Value as long double (rounded, 64-bit mantissa).
inline long double to_long_double(std::span<const std::uint64_t> a) noexcept {
  long double r = 0.0L;
  for (std::size_t i = a.size(); i-- > 0;) {
    r = r * 18446744073709551616.0L + static_cast<long double>(a[i]);
  }
  return r;
}

}  // namespace hesplit::ckks::multiword
