#include "ckks/modulus.hpp"

#include <bit>
#include <stdexcept>
#include <string>

namespace hesplit::ckks {

Modulus::Modulus(std::uint64_t value) : value_(value) {
  if (value < 2 || std::bit_width(value) > kMaxBits) {
    throw std::invalid_argument("CKKS modulus " + std::to_string(value) + " is outside [2, 2^61)");
  }
  bit_count_ = std::bit_width(value);
  // floor(2^128 / q): divide (2^128 - 1) and correct, since 2^128 does not fit in 128 bits.
  const u128 all_ones = ~static_cast<u128>(0);
  u128 ratio = all_ones / value;
  if (all_ones - ratio * value == value - 1) ++ratio;
  ratio_lo_ = static_cast<std::uint64_t>(ratio);
  ratio_hi_ = static_cast<std::uint64_t>(ratio >> 64);
}

std::uint64_t pow_mod(std::uint64_t base, std::uint64_t exponent, const Modulus& m) noexcept {
  std::uint64_t result = 1 % m.value();
  std::uint64_t b = base % m.value();
  while (exponent != 0) {
    if (exponent & 1) result = mul_mod(result, b, m);
    b = mul_mod(b, b, m);
    exponent >>= 1;
  }
  return result;
}

std::uint64_t inv_mod(std::uint64_t a, const Modulus& m) {
  if (a % m.value() == 0) {
    throw std::invalid_argument("zero has no inverse modulo " + std::to_string(m.value()));
  }
  return pow_mod(a, m.value() - 2, m);
}

}  // namespace hesplit::ckks
