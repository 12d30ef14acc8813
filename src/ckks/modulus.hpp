#pragma once
// A word-sized modulus q < 2^62 with the precomputed constants of Barrett and Shoup reduction, and
// the scalar modular arithmetic every other file builds on. All functions take operands already
// reduced to [0, q) unless their name says "lazy".

#include <cstdint>

namespace hesplit::ckks {

using u128 = unsigned __int128;

class Modulus {
 public:
  // Largest supported modulus: Harvey's lazy NTT keeps values below 4q, which must fit a word.
  static constexpr int kMaxBits = 61;

  Modulus() = default;
  explicit Modulus(std::uint64_t value);  // throws std::invalid_argument if value < 2 or >= 2^61

  std::uint64_t value() const noexcept { return value_; }
  int bit_count() const noexcept { return bit_count_; }
  // floor(2^128 / q) as two words (low, high): Barrett reduction of 128-bit products.
  std::uint64_t ratio_lo() const noexcept { return ratio_lo_; }
  std::uint64_t ratio_hi() const noexcept { return ratio_hi_; }

 private:
  std::uint64_t value_ = 0;
  int bit_count_ = 0;
  std::uint64_t ratio_lo_ = 0;
  std::uint64_t ratio_hi_ = 0;
};

inline std::uint64_t mul_hi(std::uint64_t a, std::uint64_t b) noexcept {
  return static_cast<std::uint64_t>((static_cast<u128>(a) * b) >> 64);
}

inline std::uint64_t add_mod(std::uint64_t a, std::uint64_t b, std::uint64_t q) noexcept {
  const std::uint64_t s = a + b;
  return s >= q ? s - q : s;
}

inline std::uint64_t sub_mod(std::uint64_t a, std::uint64_t b, std::uint64_t q) noexcept {
  return a >= b ? a - b : a + q - b;
}

inline std::uint64_t neg_mod(std::uint64_t a, std::uint64_t q) noexcept {
  return a == 0 ? 0 : q - a;
}

// Barrett reduction of a 128-bit value x (any value < 2^128) to [0, q).
inline std::uint64_t reduce_u128(u128 x, const Modulus& m) noexcept {
  const std::uint64_t lo = static_cast<std::uint64_t>(x);
  const std::uint64_t hi = static_cast<std::uint64_t>(x >> 64);
  // Estimate floor(x * ratio / 2^128) using the three significant partial products.
  const std::uint64_t carry = mul_hi(lo, m.ratio_lo());
  const u128 mid = static_cast<u128>(lo) * m.ratio_hi();
  const u128 mid2 = static_cast<u128>(hi) * m.ratio_lo();
  const u128 sum =
      static_cast<u128>(carry) + static_cast<std::uint64_t>(mid) + static_cast<std::uint64_t>(mid2);
  const std::uint64_t quotient = hi * m.ratio_hi() + static_cast<std::uint64_t>(mid >> 64) +
                                 static_cast<std::uint64_t>(mid2 >> 64) +
                                 static_cast<std::uint64_t>(sum >> 64);
  std::uint64_t r = lo - quotient * m.value();
  // The estimate is at most 2 short of the true quotient; q < 2^61 so r < 3q fits a word.
  r = r >= m.value() ? r - m.value() : r;
  return r >= m.value() ? r - m.value() : r;
}

// Barrett reduction of a single word to [0, q).
inline std::uint64_t reduce_u64(std::uint64_t x, const Modulus& m) noexcept {
  const std::uint64_t quotient = mul_hi(x, m.ratio_hi());
  const std::uint64_t r = x - quotient * m.value();
  return r >= m.value() ? r - m.value() : r;
}

inline std::uint64_t mul_mod(std::uint64_t a, std::uint64_t b, const Modulus& m) noexcept {
  return reduce_u128(static_cast<u128>(a) * b, m);
}

// Shoup multiplication by a fixed operand w: precompute w' = floor(w * 2^64 / q) once.
inline std::uint64_t shoup_precompute(std::uint64_t w, std::uint64_t q) noexcept {
  return static_cast<std::uint64_t>((static_cast<u128>(w) << 64) / q);
}

// Returns a * w mod q in [0, 2q), for any word a and w < q.
inline std::uint64_t mul_shoup_lazy(std::uint64_t a, std::uint64_t w, std::uint64_t w_shoup,
                                    std::uint64_t q) noexcept {
  return a * w - mul_hi(a, w_shoup) * q;
}

inline std::uint64_t mul_shoup(std::uint64_t a, std::uint64_t w, std::uint64_t w_shoup,
                               std::uint64_t q) noexcept {
  const std::uint64_t r = mul_shoup_lazy(a, w, w_shoup, q);
  return r >= q ? r - q : r;
}

std::uint64_t pow_mod(std::uint64_t base, std::uint64_t exponent, const Modulus& m) noexcept;
// Inverse modulo a prime q (Fermat); throws std::invalid_argument for a == 0 mod q.
std::uint64_t inv_mod(std::uint64_t a, const Modulus& m);
// Reduction of a signed integer to [0, q).
inline std::uint64_t reduce_i64(std::int64_t x, const Modulus& m) noexcept {
  if (x >= 0) return reduce_u64(static_cast<std::uint64_t>(x), m);
  const std::uint64_t r = reduce_u64(static_cast<std::uint64_t>(-(x + 1)) + 1, m);
  return neg_mod(r, m.value());
}

}  // namespace hesplit::ckks
