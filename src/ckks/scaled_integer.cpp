#include "ckks/scaled_integer.hpp"

#include <cmath>
#include <stdexcept>

namespace hesplit::ckks {

void rounded_to_residues(double value, std::span<const Modulus> moduli,
                         std::span<std::uint64_t> out) {
  if (!std::isfinite(value) || std::fabs(value) >= 0x1p1000) {
    throw std::invalid_argument("CKKS encoding: scaled value is not finite or exceeds 2^1000");
  }
  const double rounded = std::nearbyint(value);
  if (std::fabs(rounded) < 0x1p62) {
    const std::int64_t r = static_cast<std::int64_t>(rounded);
    for (std::size_t i = 0; i < moduli.size(); ++i) out[i] = reduce_i64(r, moduli[i]);
    return;
  }
  int exponent = 0;
  const double fraction = std::frexp(std::fabs(rounded), &exponent);  // in [0.5, 1)
  const std::uint64_t mantissa = static_cast<std::uint64_t>(std::ldexp(fraction, 53));
  const int shift = exponent - 53;  // >= 9 here
  for (std::size_t i = 0; i < moduli.size(); ++i) {
    const std::uint64_t power = pow_mod(2, static_cast<std::uint64_t>(shift), moduli[i]);
    const std::uint64_t r = mul_mod(reduce_u64(mantissa, moduli[i]), power, moduli[i]);
    out[i] = rounded < 0 ? neg_mod(r, moduli[i].value()) : r;
  }
}

}  // namespace hesplit::ckks
