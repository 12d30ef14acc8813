#include "ckks/rns_basis.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "ckks/multiword.hpp"

namespace hesplit::ckks {

RnsBasis::RnsBasis(std::vector<Modulus> moduli) : moduli_(std::move(moduli)) {
  const std::size_t r = moduli_.size();
  if (r == 0) throw std::invalid_argument("empty RNS basis");
  for (std::size_t i = 0; i < r; ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (moduli_[i].value() == moduli_[j].value()) {
        throw std::invalid_argument("RNS basis repeats the modulus " +
                                    std::to_string(moduli_[i].value()));
      }
    }
  }
  word_count_ = r + 1;  // each modulus < 2^61, so M < 2^(61 r) fits; +1 word of headroom
  product_.assign(word_count_, 0);
  product_[0] = 1;
  std::vector<std::uint64_t> tmp(word_count_, 0);
  for (const Modulus& m : moduli_) {
    multiword::mul_word(product_, m.value(), tmp);
    product_ = tmp;
  }
  // Half of M (rounded down), for centring.
  half_product_ = product_;
  for (std::size_t i = word_count_; i-- > 0;) {
    const std::uint64_t low_bit_of_next = (i + 1 < word_count_) ? (product_[i + 1] & 1) : 0;
    half_product_[i] = (product_[i] >> 1) | (low_bit_of_next << 63);
  }
  punctured_.assign(r * word_count_, 0);
  inv_punctured_.resize(r);
  inv_punctured_shoup_.resize(r);
  for (std::size_t i = 0; i < r; ++i) {
    std::vector<std::uint64_t> punct(word_count_, 0);
    punct[0] = 1;
    for (std::size_t j = 0; j < r; ++j) {
      if (j == i) continue;
      multiword::mul_word(punct, moduli_[j].value(), tmp);
      punct = tmp;
    }
    std::copy(punct.begin(), punct.end(), punctured_.begin() + i * word_count_);
    const std::uint64_t punct_mod = multiword::mod_word(punct, moduli_[i]);
    inv_punctured_[i] = inv_mod(punct_mod, moduli_[i]);
    inv_punctured_shoup_[i] = shoup_precompute(inv_punctured_[i], moduli_[i].value());
    punctured_low_.push_back((static_cast<u128>(punct[1]) << 64) | punct[0]);
    inv_moduli_.push_back(1.0L / static_cast<long double>(moduli_[i].value()));
  }
  product_low_ = (static_cast<u128>(product_[1]) << 64) | product_[0];
  product_ld_ = multiword::to_long_double(product_);
}

void RnsBasis::compose(std::span<const std::uint64_t> residues,
                       std::span<std::uint64_t> out) const {
  for (auto& w : out) w = 0;
  for (std::size_t i = 0; i < moduli_.size(); ++i) {
    const std::uint64_t y =
        mul_shoup(residues[i], inv_punctured_[i], inv_punctured_shoup_[i], moduli_[i].value());
    multiword::mul_word_add(punctured_product(i), y, out);
  }
  // The sum is below size() * M: subtract M until it is reduced.
  while (multiword::greater_equal(out, product_)) multiword::sub_inplace(out, product_);
}

long double RnsBasis::compose_centered(std::span<const std::uint64_t> residues) const {
  const std::size_t r = moduli_.size();
  if (r == 1) {
    const std::uint64_t q = moduli_[0].value();
    const std::uint64_t x = residues[0];
    return x > q / 2 ? -static_cast<long double>(q - x) : static_cast<long double>(x);
  }
  // Fast path. With y_i = [r_i (M/m_i)^-1]_{m_i}, x = sum_i y_i (M/m_i) - u M where u is the
  // nearest integer to v = sum_i y_i / m_i; v is computed with error below r 2^-62. When v is
  // well inside (u - 1/4, u + 1/4), u is certain, and when |x| ~ |v - u| M is far below 2^127,
  // x is exactly its value modulo 2^128 read as a signed number.
  std::uint64_t y_buffer[64];
  if (r <= 64) {
    long double v = 0.0L;
    for (std::size_t i = 0; i < r; ++i) {
      y_buffer[i] =
          mul_shoup(residues[i], inv_punctured_[i], inv_punctured_shoup_[i], moduli_[i].value());
      v += static_cast<long double>(y_buffer[i]) * inv_moduli_[i];
    }
    const std::uint64_t u_int = static_cast<std::uint64_t>(v + 0.5L);  // v >= 0
    const long double u = static_cast<long double>(u_int);
    const long double frac = std::fabs(v - u);
    if (frac < 0.25L && (frac + 0x1p-50L) * product_ld_ < 0x1p125L) {
      u128 x = 0;
      for (std::size_t i = 0; i < r; ++i) x += static_cast<u128>(y_buffer[i]) * punctured_low_[i];
      x -= static_cast<u128>(u_int) * product_low_;
      const bool negative = (x >> 127) != 0;
      const u128 magnitude = negative ? (~x + 1) : x;
      const long double value =
          static_cast<long double>(static_cast<std::uint64_t>(magnitude >> 64)) * 0x1p64L +
          static_cast<long double>(static_cast<std::uint64_t>(magnitude));
      return negative ? -value : value;
    }
  }
  std::uint64_t buffer[2][64];
  std::vector<std::uint64_t> heap;
  std::span<std::uint64_t> value, negated;
  if (word_count_ <= 64) {
    value = {buffer[0], word_count_};
    negated = {buffer[1], word_count_};
  } else {
    heap.resize(2 * word_count_);
    value = {heap.data(), word_count_};
    negated = {heap.data() + word_count_, word_count_};
  }
  compose(residues, value);
  if (multiword::greater_equal(half_product_, value)) return multiword::to_long_double(value);
  multiword::sub_from(product_, value, negated);
  return -multiword::to_long_double(negated);
}

}  // namespace hesplit::ckks
