#pragma once
// A polynomial of Z[X]/(X^N + 1) in residue-number-system form: one limb of N words per prime.
//
// An RnsPoly is plain data: it does not know its primes. The object that holds it (plaintext,
// ciphertext, key) states which basis its limbs use; see those headers. Limb i is stored
// contiguously (limb-major, 64-byte aligned), coefficient j of limb i at data()[i * N + j].
// Invariant kept by every producer in this library: each word of limb i is < the i-th prime of
// the owning object's basis.

#include <cstddef>
#include <cstdint>
#include <span>

#include "ckks/aligned_vector.hpp"

namespace hesplit::ckks {

class RnsPoly {
 public:
  RnsPoly() = default;
  // Zero polynomial with `num_limbs` limbs of `degree` coefficients.
  RnsPoly(std::size_t degree, std::size_t num_limbs);

  std::size_t degree() const noexcept { return degree_; }
  std::size_t num_limbs() const noexcept { return num_limbs_; }
  bool empty() const noexcept { return num_limbs_ == 0; }

  std::span<std::uint64_t> limb(std::size_t i) noexcept {
    return {data_.data() + i * degree_, degree_};
  }
  std::span<const std::uint64_t> limb(std::size_t i) const noexcept {
    return {data_.data() + i * degree_, degree_};
  }
  std::uint64_t* data() noexcept { return data_.data(); }
  const std::uint64_t* data() const noexcept { return data_.data(); }
  // All coefficients of all limbs (num_limbs * degree words).
  std::span<std::uint64_t> words() noexcept { return {data_.data(), data_.size()}; }
  std::span<const std::uint64_t> words() const noexcept { return {data_.data(), data_.size()}; }

  // Keeps the first `num_limbs` limbs (dropping the rest), or appends zero limbs.
  void resize_limbs(std::size_t num_limbs);
  void set_zero() noexcept;

  friend bool operator==(const RnsPoly& a, const RnsPoly& b) noexcept {
    return a.degree_ == b.degree_ && a.num_limbs_ == b.num_limbs_ && a.data_ == b.data_;
  }

 private:
  std::size_t degree_ = 0;
  std::size_t num_limbs_ = 0;
  U64Vector data_;
};

}  // namespace hesplit::ckks
