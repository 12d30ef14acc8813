#pragma once
// Limb-level arithmetic shared by the encryptor, decryptor, key switching and evaluator. Inputs
// are reduced to [0, q); outputs too. Plain loops with no allocation so the compiler can keep
// them tight; a vector kernel can replace them later without touching callers.

#include <cstddef>
#include <cstdint>

#include "ckks/modulus.hpp"
#include "ckks/simd_kernels.hpp"

namespace hesplit::ckks::poly_ops {

inline void add(std::uint64_t* a, const std::uint64_t* b, std::size_t n, std::uint64_t q) noexcept {
  if (simd::add(a, b, n, q)) return;
  for (std::size_t k = 0; k < n; ++k) a[k] = add_mod(a[k], b[k], q);
}

inline void sub(std::uint64_t* a, const std::uint64_t* b, std::size_t n, std::uint64_t q) noexcept {
  if (simd::sub(a, b, n, q)) return;
  for (std::size_t k = 0; k < n; ++k) a[k] = sub_mod(a[k], b[k], q);
}

inline void negate(std::uint64_t* a, std::size_t n, std::uint64_t q) noexcept {
  for (std::size_t k = 0; k < n; ++k) a[k] = neg_mod(a[k], q);
}

// a *= b
inline void mul(std::uint64_t* a, const std::uint64_t* b, std::size_t n,
                const Modulus& m) noexcept {
  if (simd::mul(a, a, b, n, m.value())) return;
  for (std::size_t k = 0; k < n; ++k) a[k] = mul_mod(a[k], b[k], m);
}

// out = a * b
inline void mul_to(std::uint64_t* out, const std::uint64_t* a, const std::uint64_t* b,
                   std::size_t n, const Modulus& m) noexcept {
  if (simd::mul(out, a, b, n, m.value())) return;
  for (std::size_t k = 0; k < n; ++k) out[k] = mul_mod(a[k], b[k], m);
}

// acc += a * b
inline void mul_add(std::uint64_t* acc, const std::uint64_t* a, const std::uint64_t* b,
                    std::size_t n, const Modulus& m) noexcept {
  const std::uint64_t q = m.value();
  for (std::size_t k = 0; k < n; ++k) acc[k] = add_mod(acc[k], mul_mod(a[k], b[k], m), q);
}

// out = a * b + c
inline void mul_add_to(std::uint64_t* out, const std::uint64_t* a, const std::uint64_t* b,
                       const std::uint64_t* c, std::size_t n, const Modulus& m) noexcept {
  for (std::size_t k = 0; k < n; ++k) {
    out[k] = reduce_u128(static_cast<u128>(a[k]) * b[k] + c[k], m);
  }
}

// a *= w (a constant), Shoup.
inline void mul_scalar(std::uint64_t* a, std::uint64_t w, std::size_t n, std::uint64_t q) noexcept {
  const std::uint64_t ws = shoup_precompute(w, q);
  for (std::size_t k = 0; k < n; ++k) a[k] = mul_shoup(a[k], w, ws, q);
}

// a += w (a constant)
inline void add_scalar(std::uint64_t* a, std::uint64_t w, std::size_t n, std::uint64_t q) noexcept {
  for (std::size_t k = 0; k < n; ++k) a[k] = add_mod(a[k], w, q);
}

// a += e for a small signed polynomial e (|e| < q).
inline void add_small(std::uint64_t* a, const std::int8_t* e, std::size_t n,
                      std::uint64_t q) noexcept {
  for (std::size_t k = 0; k < n; ++k) {
    const std::int64_t v = e[k];
    const std::uint64_t r =
        v >= 0 ? static_cast<std::uint64_t>(v) : q - static_cast<std::uint64_t>(-v);
    a[k] = add_mod(a[k], r, q);
  }
}

}  // namespace hesplit::ckks::poly_ops
