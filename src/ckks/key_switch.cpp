#include "ckks/key_switch.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

#include "ckks/simd_kernels.hpp"

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
  out.digit_count = digits;
  out.limbs_per_digit = ext;
  out.storage = RnsPoly(n, digits * ext);
  U64Vector scratch(ctx.digit_size() * n);
  for (std::size_t d = 0; d < digits; ++d) {
    const auto [begin, end] = ctx.digit_range(d, level);
    const auto digit_limb = [&](std::size_t r) { return out.storage.data() + (d * ext + r) * n; };
    // The digit's own primes: the residues are unchanged (already in NTT form).
    for (std::size_t i = begin; i < end; ++i) {
      std::memcpy(digit_limb(i), c.limb(i).data(), n * sizeof(std::uint64_t));
    }
    // All other primes of Q_l U P: centred lift of [c]_{Q_d}, then NTT.
    const BaseConverter& conv = ctx.mod_up_converter(level, d);
    const std::uint64_t* in = coeff.limb(begin).data();
    conv.prepare(in, n, scratch.data());
    std::size_t t = 0;
    for (std::size_t r = 0; r < ext; ++r) {
      if (r >= begin && r < end) continue;
      std::uint64_t* dst = digit_limb(r);
      conv.convert_one(in, scratch.data(), t, dst, n);
      ctx.ntt(key_index(ctx, level, r)).forward(dst);
      ++t;
    }
  }
  return out;
}

namespace {

constexpr std::size_t kMaxDigits = 64;

// The inner loop for a digit count known at compile time (Digits > 0) or not (Digits == 0), so
// that the usual small counts are fully unrolled.
template <std::size_t Digits>
void inner_product_kernel(std::size_t digits, const std::uint64_t* const* dp,
                          const std::uint64_t* const* kb, const std::uint64_t* const* ka,
                          const std::uint32_t* perm, const Modulus& m,
                          std::uint64_t* __restrict out_b, std::uint64_t* __restrict out_a,
                          std::size_t n) {
  const std::size_t count = Digits > 0 ? Digits : digits;
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t src = perm != nullptr ? perm[k] : k;
    u128 acc_b = 0;
    u128 acc_a = 0;
    for (std::size_t d = 0; d < count; ++d) {
      const std::uint64_t x = dp[d][src];
      acc_b += static_cast<u128>(x) * kb[d][k];
      acc_a += static_cast<u128>(x) * ka[d][k];
    }
    out_b[k] = reduce_u128(acc_b, m);
    out_a[k] = reduce_u128(acc_a, m);
  }
}

// (out_b, out_a) = sum_d D_d[limb r](perm) * (b_d, a_d)[key limb], reduced. Both key components
// are done in one pass so each (possibly permuted) digit word is loaded once. The sums are kept
// lazily in 128 bits: each product is < 2^122, so up to 64 digits cannot overflow.
void inner_product_pair(const DecomposedPoly& dec, const KSwitchKey& key, std::size_t r,
                        std::size_t key_limb, std::span<const std::uint32_t> perm, const Modulus& m,
                        std::uint64_t* __restrict out_b, std::uint64_t* __restrict out_a,
                        std::size_t n) {
  const std::size_t digits = dec.digit_count;
  const std::uint64_t* dp[kMaxDigits];
  const std::uint64_t* kb[kMaxDigits];
  const std::uint64_t* ka[kMaxDigits];
  for (std::size_t d = 0; d < digits; ++d) {
    dp[d] = dec.limb(d, r).data();
    kb[d] = key.digits[d].b.data() + key_limb * n;
    ka[d] = key.digits[d].a.data() + key_limb * n;
  }
  const std::uint32_t* p = perm.empty() ? nullptr : perm.data();
  if (simd::inner_product_pair(digits, dp, kb, ka, p, m.value(), out_b, out_a, n)) return;
  switch (digits) {
    case 1:
      return inner_product_kernel<1>(digits, dp, kb, ka, p, m, out_b, out_a, n);
    case 2:
      return inner_product_kernel<2>(digits, dp, kb, ka, p, m, out_b, out_a, n);
    case 3:
      return inner_product_kernel<3>(digits, dp, kb, ka, p, m, out_b, out_a, n);
    case 4:
      return inner_product_kernel<4>(digits, dp, kb, ka, p, m, out_b, out_a, n);
    default:
      return inner_product_kernel<0>(digits, dp, kb, ka, p, m, out_b, out_a, n);
  }
}

}  // namespace

void key_switch_accumulate(const CkksContext& ctx, const DecomposedPoly& dec, const KSwitchKey& key,
                           std::span<const std::uint32_t> perm, RnsPoly& out0, RnsPoly& out1) {
  const std::size_t level = dec.level;
  const std::size_t n = ctx.degree();
  const std::size_t k = ctx.num_special_primes();
  if (key.digits.size() < dec.digit_count || dec.digit_count > kMaxDigits) {
    throw std::invalid_argument("key switching: key has too few digits");
  }
  for (std::size_t d = 0; d < dec.digit_count; ++d) {
    const KSwitchKey::Digit& kd = key.digits[d];
    if (kd.b.degree() != n || kd.a.degree() != n || kd.b.num_limbs() != ctx.key_basis_size() ||
        kd.a.num_limbs() != ctx.key_basis_size()) {
      throw std::invalid_argument("key switching: key digit " + std::to_string(d) +
                                  " does not span the key basis");
    }
  }
  if (out0.num_limbs() != level + 1 || out1.num_limbs() != level + 1) {
    throw std::invalid_argument("key switching: output shape does not match the level");
  }
  // 1. Special limbs of both products, back to coefficient form (ModDown part 1).
  U64Vector special(2 * k * n);
  U64Vector scratch(2 * k * n);
  for (std::size_t j = 0; j < k; ++j) {
    const std::size_t ki = ctx.num_data_primes() + j;
    std::uint64_t* sb = special.data() + j * n;
    std::uint64_t* sa = special.data() + (k + j) * n;
    inner_product_pair(dec, key, level + 1 + j, ki, perm, ctx.key_modulus(ki), sb, sa, n);
    ctx.ntt(ki).inverse(sb);
    ctx.ntt(ki).inverse(sa);
  }
  const BaseConverter& conv = ctx.mod_down_converter(level);
  for (std::size_t c = 0; c < 2; ++c) {
    conv.prepare(special.data() + c * k * n, n, scratch.data() + c * k * n);
  }
  // 2. Data limbs: out += (product - lift of the P part) * P^-1 mod q_i.
  U64Vector prod(2 * n), lift(n);
  RnsPoly* outs[2] = {&out0, &out1};
  for (std::size_t i = 0; i <= level; ++i) {
    const Modulus& m = ctx.data_modulus(i);
    const std::uint64_t q = m.value();
    inner_product_pair(dec, key, i, i, perm, m, prod.data(), prod.data() + n, n);
    const std::uint64_t w = ctx.inv_p_mod_q(i);
    const std::uint64_t ws = ctx.inv_p_mod_q_shoup(i);
    for (std::size_t c = 0; c < 2; ++c) {
      conv.convert_one(special.data() + c * k * n, scratch.data() + c * k * n, i, lift.data(), n);
      ctx.ntt(i).forward(lift.data());
      const std::uint64_t* p = prod.data() + c * n;
      std::uint64_t* o = outs[c]->limb(i).data();
      if (simd::mod_down_accumulate(o, p, lift.data(), n, q, w, ws)) continue;
      for (std::size_t t = 0; t < n; ++t) {
        const std::uint64_t diff = p[t] + q - lift[t];  // < 2q, fine for Shoup
        o[t] = add_mod(o[t], mul_shoup(diff, w, ws, q), q);
      }
    }
  }
}

}  // namespace hesplit::ckks
