#include "ckks/base_converter.hpp"

#include "ckks/multiword.hpp"
#include "ckks/simd_kernels.hpp"

namespace hesplit::ckks {

BaseConverter::BaseConverter(RnsBasis from, std::vector<Modulus> to)
    : from_(std::move(from)), to_(std::move(to)) {
  const std::size_t r = from_.size();
  punctured_mod_to_.resize(to_.size() * r);
  product_mod_to_.resize(to_.size());
  for (std::size_t j = 0; j < to_.size(); ++j) {
    for (std::size_t i = 0; i < r; ++i) {
      punctured_mod_to_[j * r + i] = multiword::mod_word(from_.punctured_product(i), to_[j]);
    }
    product_mod_to_[j] = multiword::mod_word(from_.product(), to_[j]);
  }
}

void BaseConverter::prepare(const std::uint64_t* in, std::size_t degree,
                            std::uint64_t* scratch) const {
  const std::size_t r = from_.size();
  if (r == 1) return;
  // y_i = [x_i * (M/b_i)^-1]_{b_i}, later read as centred.
  for (std::size_t i = 0; i < r; ++i) {
    const std::uint64_t q = from_[i].value();
    const std::uint64_t w = from_.inv_punctured(i);
    const std::uint64_t ws = from_.inv_punctured_shoup(i);
    const std::uint64_t* x = in + i * degree;
    std::uint64_t* y = scratch + i * degree;
    for (std::size_t k = 0; k < degree; ++k) y[k] = mul_shoup(x[k], w, ws, q);
  }
}

void BaseConverter::convert_one(const std::uint64_t* in, const std::uint64_t* scratch,
                                std::size_t j, std::uint64_t* out, std::size_t degree) const {
  const std::size_t r = from_.size();
  const Modulus& t = to_[j];
  if (r == 1) {
    // One prime: the centred residue itself, reduced into the target.
    const std::uint64_t q = from_[0].value();
    if (simd::lift_one_prime(in, out, degree, q, t.value(), product_mod_to_[j])) return;
    const std::uint64_t half = q >> 1;
    if (q <= t.value()) {
      // x < t already: a negative centred value x - q becomes x + (t - q).
      const std::uint64_t shift = t.value() - q;
      for (std::size_t k = 0; k < degree; ++k) {
        const std::uint64_t x = in[k];
        out[k] = x + ((x > half) ? shift : 0);
      }
    } else {
      const std::uint64_t q_mod_t = product_mod_to_[j];
      for (std::size_t k = 0; k < degree; ++k) {
        const std::uint64_t x = in[k];
        const std::uint64_t x_mod_t = reduce_u64(x, t);
        out[k] = (x > half) ? sub_mod(x_mod_t, q_mod_t, t.value()) : x_mod_t;
      }
    }
    return;
  }
  const std::uint64_t* c = punctured_mod_to_.data() + j * r;
  const std::uint64_t m_mod_t = product_mod_to_[j];
  for (std::size_t k = 0; k < degree; ++k) {
    u128 acc = 0;
    std::uint64_t negatives = 0;
    for (std::size_t i = 0; i < r; ++i) {
      const std::uint64_t y = scratch[i * degree + k];
      acc += static_cast<u128>(y) * c[i];
      negatives += (y > (from_[i].value() >> 1)) ? 1 : 0;
    }
    // A centred y_i = y_i - b_i contributes -b_i * (M/b_i) = -M once more.
    acc += static_cast<u128>(negatives) * (t.value() - m_mod_t);
    out[k] = reduce_u128(acc, t);
  }
}

void BaseConverter::convert(const std::uint64_t* in, std::uint64_t* out, std::size_t degree,
                            std::uint64_t* scratch) const {
  prepare(in, degree, scratch);
  for (std::size_t j = 0; j < to_.size(); ++j)
    convert_one(in, scratch, j, out + j * degree, degree);
}

}  // namespace hesplit::ckks
