#include "ckks/key_switch.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

namespace hesplit::ckks {
namespace {

// Key-basis index of limb r of a polynomial over Q_l U P (data limbs 0..l, then special limbs).
std::size_t key_index(const CkksContext& ctx, std::size_t level, std::size_t r) noexcept {
  return r <= level ? r : ctx.num_data_primes() + (r - level - 1);
}

}  // namespace

DecomposedPoly decompose(const CkksContext& ctx, const RnsPoly& c, std::size_t level) {
  if (level > ctx.max_level() || c.num_limbs() != level + 1 || c.degree() != ctx.degree()) {
    throw std::invalid_argument("key switching: input shape does not match level " +
                                std::to_string(level));
  }
  const std::size_t n = ctx.degree();
  const std::size_t k = ctx.num_special_primes();
  const std::size_t ext = level + 1 + k;
  RnsPoly coeff = c;
  for (std::size_t i = 0; i <= level; ++i) ctx.ntt(i).inverse(coeff.limb(i).data());

  DecomposedPoly out;
  out.level = level;
  const std::size_t digits = ctx.digits_at_level(level);
  out.digits.reserve(digits);
  U64Vector converted(ext * n);
  U64Vector scratch(ctx.digit_size() * n);
  for (std::size_t d = 0; d < digits; ++d) {
    const auto [begin, end] = ctx.digit_range(d, level);
    RnsPoly digit(n, ext);
    // The digit's own primes: the residues are unchanged (already in NTT form).
    for (std::size_t i = begin; i < end; ++i) {
      std::memcpy(digit.limb(i).data(), c.limb(i).data(), n * sizeof(std::uint64_t));
    }
    // All other primes of Q_l U P: centred lift of [c]_{Q_d}, then NTT.
    ctx.mod_up_converter(level, d).convert(coeff.limb(begin).data(), converted.data(), n,
                                           scratch.data());
    std::size_t t = 0;
    for (std::size_t r = 0; r < ext; ++r) {
      if (r >= begin && r < end) continue;
      std::uint64_t* dst = digit.limb(r).data();
      std::memcpy(dst, converted.data() + t * n, n * sizeof(std::uint64_t));
      ctx.ntt(key_index(ctx, level, r)).forward(dst);
      ++t;
    }
    out.digits.push_back(std::move(digit));
  }
  return out;
}

namespace {

// sum_d D_d[limb r](perm) * key_d[key limb], reduced, into out (n words).
void inner_product_limb(const DecomposedPoly& dec, const KSwitchKey& key, bool use_b, std::size_t r,
                        std::size_t key_limb, std::span<const std::uint32_t> perm, const Modulus& m,
                        std::uint64_t* out, std::size_t n) {
  const std::size_t digits = dec.digits.size();
  // Lazy accumulation in 128 bits: each product is < 2^122, so many digits fit without overflow.
  if (perm.empty()) {
    for (std::size_t k = 0; k < n; ++k) {
      u128 acc = 0;
      for (std::size_t d = 0; d < digits; ++d) {
        const RnsPoly& kp = use_b ? key.digits[d].b : key.digits[d].a;
        acc += static_cast<u128>(dec.digits[d].data()[r * n + k]) * kp.data()[key_limb * n + k];
      }
      out[k] = reduce_u128(acc, m);
    }
  } else {
    for (std::size_t k = 0; k < n; ++k) {
      const std::size_t src = perm[k];
      u128 acc = 0;
      for (std::size_t d = 0; d < digits; ++d) {
        const RnsPoly& kp = use_b ? key.digits[d].b : key.digits[d].a;
        acc += static_cast<u128>(dec.digits[d].data()[r * n + src]) * kp.data()[key_limb * n + k];
      }
      out[k] = reduce_u128(acc, m);
    }
  }
}

}  // namespace

void key_switch_accumulate(const CkksContext& ctx, const DecomposedPoly& dec, const KSwitchKey& key,
                           std::span<const std::uint32_t> perm, RnsPoly& out0, RnsPoly& out1) {
  const std::size_t level = dec.level;
  const std::size_t n = ctx.degree();
  const std::size_t k = ctx.num_special_primes();
  if (key.digits.size() < dec.digits.size()) {
    throw std::invalid_argument("key switching: key has too few digits");
  }
  if (out0.num_limbs() != level + 1 || out1.num_limbs() != level + 1) {
    throw std::invalid_argument("key switching: output shape does not match the level");
  }
  // 1. Special limbs of both products, back to coefficient form, lifted to Q_l (ModDown part 1).
  U64Vector special(k * n);
  U64Vector lifted((level + 1) * n);
  U64Vector scratch(k * n);
  U64Vector limb(n);
  RnsPoly* outs[2] = {&out0, &out1};
  for (int c = 0; c < 2; ++c) {
    for (std::size_t j = 0; j < k; ++j) {
      const std::size_t r = level + 1 + j;
      const std::size_t ki = ctx.num_data_primes() + j;
      inner_product_limb(dec, key, c == 0, r, ki, perm, ctx.key_modulus(ki), special.data() + j * n,
                         n);
      ctx.ntt(ki).inverse(special.data() + j * n);
    }
    ctx.mod_down_converter(level).convert(special.data(), lifted.data(), n, scratch.data());
    // 2. Data limbs: out += (product - lift) * P^-1 mod q_i.
    for (std::size_t i = 0; i <= level; ++i) {
      const Modulus& m = ctx.data_modulus(i);
      const std::uint64_t q = m.value();
      std::uint64_t* lift = lifted.data() + i * n;
      ctx.ntt(i).forward(lift);
      inner_product_limb(dec, key, c == 0, i, i, perm, m, limb.data(), n);
      const std::uint64_t w = ctx.inv_p_mod_q(i);
      const std::uint64_t ws = ctx.inv_p_mod_q_shoup(i);
      std::uint64_t* o = outs[c]->limb(i).data();
      for (std::size_t t = 0; t < n; ++t) {
        const std::uint64_t diff = limb[t] + q - lift[t];  // < 2q, fine for Shoup
        o[t] = add_mod(o[t], mul_shoup(diff, w, ws, q), q);
      }
    }
  }
}

}  // namespace hesplit::ckks
