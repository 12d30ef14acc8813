#pragma once
// An RNS basis {m_0..m_{r-1}} with its CRT constants, and exact CRT composition (multi-word
// integers) for decoding.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "ckks/modulus.hpp"

namespace hesplit::ckks {

class RnsBasis {
 public:
  RnsBasis() = default;
  explicit RnsBasis(std::vector<Modulus> moduli);

  std::size_t size() const noexcept { return moduli_.size(); }
  const Modulus& operator[](std::size_t i) const noexcept { return moduli_[i]; }
  const std::vector<Modulus>& moduli() const noexcept { return moduli_; }

  // Product M of the moduli, little-endian words (word_count() words).
  std::span<const std::uint64_t> product() const noexcept { return product_; }
  std::size_t word_count() const noexcept { return word_count_; }
  // M / m_i as little-endian words (word_count() words each).
  std::span<const std::uint64_t> punctured_product(std::size_t i) const noexcept {
    return {punctured_.data() + i * word_count_, word_count_};
  }
  // (M / m_i)^-1 mod m_i and its Shoup constant.
  std::uint64_t inv_punctured(std::size_t i) const noexcept { return inv_punctured_[i]; }
  std::uint64_t inv_punctured_shoup(std::size_t i) const noexcept {
    return inv_punctured_shoup_[i];
  }

  // Exact CRT: the unique x in [0, M) with x = residues[i] mod m_i, written to out (word_count()
  // words, little-endian).
  void compose(std::span<const std::uint64_t> residues, std::span<std::uint64_t> out) const;
  // The centred value of `residues` (in (-M/2, M/2]) as a long double (exact to 64 bits of
  // mantissa, correctly signed). Values below 2^125 in magnitude (all decodable messages) take a
  // fast exact path in 128-bit arithmetic; others fall back to multi-word composition.
  long double compose_centered(std::span<const std::uint64_t> residues) const;

 private:
  std::vector<Modulus> moduli_;
  std::size_t word_count_ = 0;
  std::vector<std::uint64_t> product_;
  std::vector<std::uint64_t> half_product_;
  std::vector<std::uint64_t> punctured_;
  std::vector<std::uint64_t> inv_punctured_;
  std::vector<std::uint64_t> inv_punctured_shoup_;
  std::vector<u128> punctured_low_;      // (M / m_i) mod 2^128
  std::vector<long double> inv_moduli_;  // 1 / m_i, rounded
  u128 product_low_ = 0;                 // M mod 2^128
  long double product_ld_ = 0.0L;        // M, rounded
};

}  // namespace hesplit::ckks
