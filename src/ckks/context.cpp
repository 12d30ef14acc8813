#include "ckks/context.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <stdexcept>
#include <string>

#include "ckks/multiword.hpp"
#include "ckks/primes.hpp"
#include "ckks/security.hpp"

namespace hesplit::ckks {
namespace {

constexpr std::size_t kMinSecureDegree = 4096;
constexpr std::size_t kMaxDegree = 65536;
constexpr std::size_t kMinInsecureDegree = 8;

void validate_parameters(const CkksParameters& p) {
  const std::size_t n = p.poly_degree;
  const std::size_t min_degree = p.allow_insecure ? kMinInsecureDegree : kMinSecureDegree;
  if (!std::has_single_bit(n) || n < min_degree || n > kMaxDegree) {
    throw std::invalid_argument("CKKS parameters: N = " + std::to_string(n) +
                                " must be a power of two in [" + std::to_string(min_degree) + ", " +
                                std::to_string(kMaxDegree) + "]");
  }
  if (p.data_primes.empty()) throw std::invalid_argument("CKKS parameters: no data primes");
  if (p.special_primes.empty()) {
    throw std::invalid_argument("CKKS parameters: at least one special prime is required");
  }
  std::vector<std::uint64_t> all = p.data_primes;
  all.insert(all.end(), p.special_primes.begin(), p.special_primes.end());
  for (std::size_t i = 0; i < all.size(); ++i) {
    const std::uint64_t q = all[i];
    if (std::bit_width(q) > Modulus::kMaxBits || !is_prime(q) || (q - 1) % (2 * n) != 0) {
      throw std::invalid_argument(
          "CKKS parameters: " + std::to_string(q) +
          " is not a prime below 2^61 congruent to 1 mod 2N = " + std::to_string(2 * n));
    }
    if (std::find(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(i), q) !=
        all.begin() + static_cast<std::ptrdiff_t>(i)) {
      throw std::invalid_argument("CKKS parameters: prime " + std::to_string(q) + " repeats");
    }
  }
  if (!(p.default_scale > 0.0) || !std::isfinite(p.default_scale)) {
    throw std::invalid_argument("CKKS parameters: default scale must be positive and finite");
  }
  if (p.dnum > p.data_primes.size()) {
    throw std::invalid_argument("CKKS parameters: dnum = " + std::to_string(p.dnum) +
                                " exceeds the number of data primes (" +
                                std::to_string(p.data_primes.size()) + ")");
  }
  if (!p.allow_insecure) check_security(n, p.data_primes, p.special_primes);
}

void append_u64(std::vector<std::uint8_t>& out, std::uint64_t v) {
  for (int b = 0; b < 8; ++b) out.push_back(static_cast<std::uint8_t>(v >> (8 * b)));
}

ParamsFingerprint compute_fingerprint(const CkksParameters& p, std::size_t dnum) {
  std::vector<std::uint8_t> encoded;
  const std::string tag = "hesplit-ckks-params";
  encoded.insert(encoded.end(), tag.begin(), tag.end());
  for (int b = 0; b < 4; ++b)
    encoded.push_back(static_cast<std::uint8_t>(kParamsVersion >> (8 * b)));
  append_u64(encoded, p.poly_degree);
  append_u64(encoded, p.data_primes.size());
  for (const std::uint64_t q : p.data_primes) append_u64(encoded, q);
  append_u64(encoded, p.special_primes.size());
  for (const std::uint64_t q : p.special_primes) append_u64(encoded, q);
  append_u64(encoded, dnum);
  ParamsFingerprint digest{};
  unsigned int length = 0;
  if (EVP_Digest(encoded.data(), encoded.size(), digest.data(), &length, EVP_sha256(), nullptr) !=
          1 ||
      length != digest.size()) {
    throw std::runtime_error("OpenSSL SHA-256 failed");
  }
  return digest;
}

}  // namespace

std::shared_ptr<const CkksContext> CkksContext::create(CkksParameters parameters) {
  return std::make_shared<const CkksContext>(std::move(parameters));
}

CkksContext::CkksContext(CkksParameters parameters) : params_(std::move(parameters)) {
  validate_parameters(params_);
  const std::size_t n = params_.poly_degree;
  const std::size_t num_q = params_.data_primes.size();
  const std::size_t k = params_.special_primes.size();
  log_degree_ = std::countr_zero(n);
  total_bits_ = ckks::total_bit_count(params_.data_primes, params_.special_primes);

  alpha_ = params_.dnum == 0 ? std::min(k, num_q) : (num_q + params_.dnum - 1) / params_.dnum;
  dnum_ = (num_q + alpha_ - 1) / alpha_;

  for (const std::uint64_t q : params_.data_primes) moduli_.emplace_back(q);
  for (const std::uint64_t p : params_.special_primes) moduli_.emplace_back(p);
  ntt_.reserve(moduli_.size());
  for (const Modulus& m : moduli_) ntt_.emplace_back(n, m);

  const std::vector<Modulus> special(moduli_.begin() + static_cast<std::ptrdiff_t>(num_q),
                                     moduli_.end());
  const RnsBasis special_basis(special);
  for (std::size_t level = 0; level < num_q; ++level) {
    const std::vector<Modulus> active(moduli_.begin(),
                                      moduli_.begin() + static_cast<std::ptrdiff_t>(level + 1));
    data_bases_.emplace_back(active);
    std::vector<BaseConverter> ups;
    for (std::size_t digit = 0; digit < digits_at_level(level); ++digit) {
      const auto [begin, end] = digit_range(digit, level);
      std::vector<Modulus> from(moduli_.begin() + static_cast<std::ptrdiff_t>(begin),
                                moduli_.begin() + static_cast<std::ptrdiff_t>(end));
      std::vector<Modulus> to;
      for (std::size_t i = 0; i <= level; ++i) {
        if (i < begin || i >= end) to.push_back(moduli_[i]);
      }
      to.insert(to.end(), special.begin(), special.end());
      ups.emplace_back(RnsBasis(std::move(from)), std::move(to));
    }
    mod_up_.push_back(std::move(ups));
    mod_down_.emplace_back(special_basis, active);

    std::vector<std::uint64_t> inv_last(level), inv_last_shoup(level);
    for (std::size_t i = 0; i < level; ++i) {
      inv_last[i] = inv_mod(moduli_[level].value() % moduli_[i].value(), moduli_[i]);
      inv_last_shoup[i] = shoup_precompute(inv_last[i], moduli_[i].value());
    }
    inv_last_.push_back(std::move(inv_last));
    inv_last_shoup_.push_back(std::move(inv_last_shoup));
  }
  for (std::size_t i = 0; i < num_q; ++i) {
    const std::uint64_t p_mod = multiword::mod_word(special_basis.product(), moduli_[i]);
    p_mod_q_.push_back(p_mod);
    inv_p_mod_q_.push_back(inv_mod(p_mod, moduli_[i]));
    inv_p_mod_q_shoup_.push_back(shoup_precompute(inv_p_mod_q_.back(), moduli_[i].value()));
  }
  bit_reverse_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    bit_reverse_[i] = bit_reverse(static_cast<std::uint32_t>(i), log_degree_);
  }
  fingerprint_ = compute_fingerprint(params_, dnum_);
}

std::pair<std::size_t, std::size_t> CkksContext::digit_range(std::size_t digit,
                                                             std::size_t level) const noexcept {
  const std::size_t begin = digit * alpha_;
  const std::size_t end = std::min((digit + 1) * alpha_, level + 1);
  return {begin, end};
}

}  // namespace hesplit::ckks
