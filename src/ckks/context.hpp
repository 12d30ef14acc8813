#pragma once
// Validated parameters plus every precomputation that depends only on them: moduli, NTT tables,
// RNS bases per level, basis converters for key switching, rescale constants, and the parameter
// fingerprint that binds serialized objects to this parameter set. Immutable after construction
// and safe to share between threads.
//
// Indexing: "level" l means the data primes q_0..q_l are active (max_level() = L = number of data
// primes - 1). The key basis lists q_0..q_L then p_0..p_{k-1}; key_modulus(i) and ntt(i) use that
// index. Key-switching digits: digit j covers data primes [j * alpha, min((j+1) * alpha, L + 1)),
// alpha = digit_size(); at level l only the digits meeting [0, l] are used (the last one cut).

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "ckks/base_converter.hpp"
#include "ckks/modulus.hpp"
#include "ckks/ntt.hpp"
#include "ckks/params.hpp"
#include "ckks/rns_basis.hpp"

namespace hesplit::ckks {

// SHA-256 over a canonical encoding of: format tag "hesplit-ckks-params", kParamsVersion, N, the
// data primes, the special primes and dnum (see context.cpp). The scale is not part of it.
using ParamsFingerprint = std::array<std::uint8_t, 32>;
inline constexpr std::uint32_t kParamsVersion = 1;

class CkksContext {
 public:
  // Validates (power-of-two N, NTT-friendly distinct primes, security unless allow_insecure,
  // dnum) and precomputes. Throws std::invalid_argument with a message naming the problem.
  explicit CkksContext(CkksParameters parameters);
  static std::shared_ptr<const CkksContext> create(CkksParameters parameters);

  const CkksParameters& parameters() const noexcept { return params_; }
  std::size_t degree() const noexcept { return params_.poly_degree; }
  int log_degree() const noexcept { return log_degree_; }
  std::size_t slot_count() const noexcept { return params_.poly_degree / 2; }
  std::size_t max_level() const noexcept { return params_.data_primes.size() - 1; }
  std::size_t num_data_primes() const noexcept { return params_.data_primes.size(); }
  std::size_t num_special_primes() const noexcept { return params_.special_primes.size(); }
  std::size_t key_basis_size() const noexcept { return moduli_.size(); }
  double default_scale() const noexcept { return params_.default_scale; }
  const ParamsFingerprint& fingerprint() const noexcept { return fingerprint_; }
  // Sum of the bit lengths of all primes (what the security check compares).
  int total_bit_count() const noexcept { return total_bits_; }

  // Key-basis index: 0..L data primes, L+1..L+k special primes.
  const Modulus& key_modulus(std::size_t i) const noexcept { return moduli_[i]; }
  const Modulus& data_modulus(std::size_t i) const noexcept { return moduli_[i]; }
  const Modulus& special_modulus(std::size_t j) const noexcept {
    return moduli_[num_data_primes() + j];
  }
  const NttTables& ntt(std::size_t i) const noexcept { return ntt_[i]; }

  // Hybrid key switching.
  std::size_t dnum() const noexcept { return dnum_; }
  std::size_t digit_size() const noexcept { return alpha_; }
  std::size_t digits_at_level(std::size_t level) const noexcept {
    return (level + alpha_) / alpha_;
  }
  // [begin, end) of data-prime indices of digit j at level l.
  std::pair<std::size_t, std::size_t> digit_range(std::size_t digit,
                                                  std::size_t level) const noexcept;
  // Extension of digit j at level l to the other data primes q_0..q_l (in order, skipping the
  // digit's own) followed by the special primes.
  const BaseConverter& mod_up_converter(std::size_t level, std::size_t digit) const noexcept {
    return mod_up_[level][digit];
  }
  // Extension from the special primes to q_0..q_l.
  const BaseConverter& mod_down_converter(std::size_t level) const noexcept {
    return mod_down_[level];
  }
  // P^-1 mod q_i, and P mod q_i (with Shoup constants).
  std::uint64_t inv_p_mod_q(std::size_t i) const noexcept { return inv_p_mod_q_[i]; }
  std::uint64_t inv_p_mod_q_shoup(std::size_t i) const noexcept { return inv_p_mod_q_shoup_[i]; }
  std::uint64_t p_mod_q(std::size_t i) const noexcept { return p_mod_q_[i]; }

  // Rescale from level l: q_l^-1 mod q_i for i < l, with Shoup constants.
  std::uint64_t inv_last_mod_q(std::size_t level, std::size_t i) const noexcept {
    return inv_last_[level][i];
  }
  std::uint64_t inv_last_mod_q_shoup(std::size_t level, std::size_t i) const noexcept {
    return inv_last_shoup_[level][i];
  }

  // q_0..q_l as an RNS basis (exact CRT composition for decoding).
  const RnsBasis& data_basis(std::size_t level) const noexcept { return data_bases_[level]; }

  // bit_reverse(i, log N) for i < N.
  const std::vector<std::uint32_t>& bit_reverse_table() const noexcept { return bit_reverse_; }

 private:
  CkksParameters params_;
  int log_degree_ = 0;
  int total_bits_ = 0;
  std::size_t dnum_ = 0;
  std::size_t alpha_ = 0;
  std::vector<Modulus> moduli_;
  std::vector<NttTables> ntt_;
  std::vector<RnsBasis> data_bases_;
  std::vector<std::vector<BaseConverter>> mod_up_;
  std::vector<BaseConverter> mod_down_;
  std::vector<std::uint64_t> inv_p_mod_q_, inv_p_mod_q_shoup_, p_mod_q_;
  std::vector<std::vector<std::uint64_t>> inv_last_, inv_last_shoup_;
  std::vector<std::uint32_t> bit_reverse_;
  ParamsFingerprint fingerprint_{};
};

}  // namespace hesplit::ckks
