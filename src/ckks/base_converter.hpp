#pragma once
// Fast (approximate) basis extension from an RNS basis B = {b_i} (product M) to a basis
// T = {t_j}, with centred lifting: for x given by its residues mod B, computes residues mod T of
//   x' = sum_i [x_i * (M/b_i)^-1]_{b_i} * (M/b_i),   each bracket taken in (-b_i/2, b_i/2),
// so x' = x + u M with |u| <= |B|/2 (u = 0 when |B| = 1) and x' centred around 0. Centring keeps
// key-switching noise unbiased; see key_switch.hpp. Inputs and outputs are in coefficient form.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "ckks/rns_basis.hpp"

namespace hesplit::ckks {

class BaseConverter {
 public:
  BaseConverter() = default;
  BaseConverter(RnsBasis from, std::vector<Modulus> to);

  const RnsBasis& from() const noexcept { return from_; }
  const std::vector<Modulus>& to() const noexcept { return to_; }

  // in: from().size() limbs of `degree` words (limb-major, limb i reduced mod b_i).
  // out: to().size() limbs of `degree` words. `scratch` needs from().size() * degree words.
  void convert(const std::uint64_t* in, std::uint64_t* out, std::size_t degree,
               std::uint64_t* scratch) const;
  // The same in two phases, so that each target limb can be written where the caller wants it:
  // prepare() once per input (fills scratch; nothing to do for a one-prime basis), then
  // convert_one() per target j.
  void prepare(const std::uint64_t* in, std::size_t degree, std::uint64_t* scratch) const;
  void convert_one(const std::uint64_t* in, const std::uint64_t* scratch, std::size_t j,
                   std::uint64_t* out, std::size_t degree) const;

 private:
  RnsBasis from_;
  std::vector<Modulus> to_;
  // punctured_mod_to_[j * from.size() + i] = (M / b_i) mod t_j
  std::vector<std::uint64_t> punctured_mod_to_;
  // M mod t_j (subtracted once per negative lifted digit)
  std::vector<std::uint64_t> product_mod_to_;
};

}  // namespace hesplit::ckks
