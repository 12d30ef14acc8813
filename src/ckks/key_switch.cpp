#include "ckks/key_switch.hpp"

#include <algorithm>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>

#include "ckks/simd_kernels.hpp"

namespace hesplit::ckks {
namespace {

// Key-basis index of limb r of a polynomial over Q_l U P (data limbs 0..l, then special limbs).
std::size_t key_index(const CkksContext& ctx, std::size_t level, std::size_t r) noexcept {
  return r <= level ? r : ctx.num_data_primes() + (r - level - 1);
}

void check_decompose_input(const CkksContext& ctx, const RnsPoly& c, std::size_t level) {
  if (level > ctx.max_level() || c.num_limbs() != level + 1 || c.degree() != ctx.degree()) {
    throw std::invalid_argument("key switching: input shape does not match level " +
                                std::to_string(level));
  }
}

}  // namespace

DecomposedPoly decompose(const CkksContext& ctx, const RnsPoly& c, std::size_t level) {
  check_decompose_input(ctx, c, level);
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

DecomposedPoly decompose(const CkksContext& ctx, const RnsPoly& c, std::size_t level,
                         const ParallelFor& parallel) {
  check_decompose_input(ctx, c, level);
  const std::size_t n = ctx.degree();
  const std::size_t ext = level + 1 + ctx.num_special_primes();
  const std::size_t digits = ctx.digits_at_level(level);
  const std::size_t alpha = ctx.digit_size();
  DecomposedPoly out;
  out.level = level;
  out.digit_count = digits;
  out.limbs_per_digit = ext;
  out.storage = RnsPoly(n, digits * ext);
  RnsPoly coeff = c;
  U64Vector scratch(digits * alpha * n);
  const auto digit_limb = [&](std::size_t d, std::size_t r) {
    return out.storage.data() + (d * ext + r) * n;
  };
  // 1. Per digit: its own residues (unchanged) and their coefficient form, prepared for lifting.
  parallel(digits, [&](std::size_t d) {
    const auto [begin, end] = ctx.digit_range(d, level);
    for (std::size_t i = begin; i < end; ++i) {
      std::memcpy(digit_limb(d, i), c.limb(i).data(), n * sizeof(std::uint64_t));
      ctx.ntt(i).inverse(coeff.limb(i).data());
    }
    ctx.mod_up_converter(level, d).prepare(coeff.limb(begin).data(), n,
                                           scratch.data() + d * alpha * n);
  });
  // 2. Per (digit, other prime of Q_l U P): centred lift, then NTT.
  struct Lift {
    std::size_t digit, limb, target;
  };
  std::vector<Lift> lifts;
  for (std::size_t d = 0; d < digits; ++d) {
    const auto [begin, end] = ctx.digit_range(d, level);
    std::size_t t = 0;
    for (std::size_t r = 0; r < ext; ++r) {
      if (r < begin || r >= end) lifts.push_back({d, r, t++});
    }
  }
  parallel(lifts.size(), [&](std::size_t i) {
    const Lift& lift = lifts[i];
    const std::size_t begin = ctx.digit_range(lift.digit, level).first;
    std::uint64_t* dst = digit_limb(lift.digit, lift.limb);
    ctx.mod_up_converter(level, lift.digit)
        .convert_one(coeff.limb(begin).data(), scratch.data() + lift.digit * alpha * n, lift.target,
                     dst, n);
    ctx.ntt(key_index(ctx, level, lift.limb)).forward(dst);
  });
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
// Coefficients [offset, offset + n) only (out_b, out_a point at coefficient `offset`); `degree`
// is the ring degree.
void inner_product_pair(const DecomposedPoly& dec, const KSwitchKey& key, std::size_t r,
                        std::size_t key_limb, std::span<const std::uint32_t> perm, const Modulus& m,
                        std::uint64_t* __restrict out_b, std::uint64_t* __restrict out_a,
                        std::size_t degree, std::size_t offset, std::size_t n) {
  const std::size_t digits = dec.digit_count;
  const std::uint64_t* dp[kMaxDigits] = {};
  const std::uint64_t* kb[kMaxDigits] = {};
  const std::uint64_t* ka[kMaxDigits] = {};
  // A permutation reads the digits anywhere: it is offset instead of them.
  const std::size_t digit_offset = perm.empty() ? offset : 0;
  for (std::size_t d = 0; d < digits; ++d) {
    dp[d] = dec.limb(d, r).data() + digit_offset;
    kb[d] = key.digits[d].b.data() + key_limb * degree + offset;
    ka[d] = key.digits[d].a.data() + key_limb * degree + offset;
  }
  const std::uint32_t* p = perm.empty() ? nullptr : perm.data() + offset;
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

void check_key_switch(const CkksContext& ctx, const DecomposedPoly& dec, const KSwitchKey& key,
                      const RnsPoly& out0, const RnsPoly& out1) {
  const std::size_t n = ctx.degree();
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
  if (out0.num_limbs() != dec.level + 1 || out1.num_limbs() != dec.level + 1) {
    throw std::invalid_argument("key switching: output shape does not match the level");
  }
}

// ModDown of one component on data limb i: out += (product - NTT(lift of the P part)) * P^-1.
// `special`/`scratch`: the component's prepared special limbs (coefficient form).
void mod_down_limb(const CkksContext& ctx, const BaseConverter& conv, const std::uint64_t* special,
                   const std::uint64_t* scratch, std::size_t i, const std::uint64_t* product,
                   std::uint64_t* lift, std::uint64_t* out) {
  const std::size_t n = ctx.degree();
  const std::uint64_t q = ctx.data_modulus(i).value();
  const std::uint64_t w = ctx.inv_p_mod_q(i);
  const std::uint64_t ws = ctx.inv_p_mod_q_shoup(i);
  conv.convert_one(special, scratch, i, lift, n);
  ctx.ntt(i).forward(lift);
  if (simd::mod_down_accumulate(out, product, lift, n, q, w, ws)) return;
  for (std::size_t t = 0; t < n; ++t) {
    const std::uint64_t diff = product[t] + q - lift[t];  // < 2q, fine for Shoup
    out[t] = add_mod(out[t], mul_shoup(diff, w, ws, q), q);
  }
}

}  // namespace

void key_switch_accumulate(const CkksContext& ctx, const DecomposedPoly& dec, const KSwitchKey& key,
                           std::span<const std::uint32_t> perm, RnsPoly& out0, RnsPoly& out1) {
  check_key_switch(ctx, dec, key, out0, out1);
  const std::size_t level = dec.level;
  const std::size_t n = ctx.degree();
  const std::size_t k = ctx.num_special_primes();
  // 1. Special limbs of both products, back to coefficient form (ModDown part 1).
  U64Vector special(2 * k * n);
  U64Vector scratch(2 * k * n);
  for (std::size_t j = 0; j < k; ++j) {
    const std::size_t ki = ctx.num_data_primes() + j;
    std::uint64_t* sb = special.data() + j * n;
    std::uint64_t* sa = special.data() + (k + j) * n;
    inner_product_pair(dec, key, level + 1 + j, ki, perm, ctx.key_modulus(ki), sb, sa, n, 0, n);
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
    inner_product_pair(dec, key, i, i, perm, ctx.data_modulus(i), prod.data(), prod.data() + n, n,
                       0, n);
    for (std::size_t c = 0; c < 2; ++c) {
      mod_down_limb(ctx, conv, special.data() + c * k * n, scratch.data() + c * k * n, i,
                    prod.data() + c * n, lift.data(), outs[c]->limb(i).data());
    }
  }
}

void key_switch_accumulate(const CkksContext& ctx, const DecomposedPoly& dec,
                           std::span<const KeySwitchJob> jobs, const ParallelFor& parallel,
                           const KeySwitchFinished& finished) {
  for (const KeySwitchJob& job : jobs) check_key_switch(ctx, dec, *job.key, *job.out0, *job.out1);
  const std::size_t level = dec.level;
  const std::size_t n = ctx.degree();
  const std::size_t k = ctx.num_special_primes();
  const std::size_t limbs = level + 1 + k;  // data limbs, then special limbs
  // products[job]: component c, limb r at (c * limbs + r) * n. Every word is written below, so
  // the buffers are not zeroed (that alone cost a tenth of a level-0 key switch).
  std::vector<std::unique_ptr<std::uint64_t[]>> products;
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    products.push_back(std::make_unique_for_overwrite<std::uint64_t[]>(2 * limbs * n));
  }
  // 1. Inner products of every limb, in two coefficient halves (independent element-wise work).
  constexpr std::size_t kParts = 2;
  const std::size_t part = n / kParts;
  parallel(jobs.size() * kParts, [&](std::size_t task) {
    const std::size_t j = task / kParts;
    const std::size_t offset = (task % kParts) * part;
    std::uint64_t* prod = products[j].get();
    for (std::size_t r = 0; r < limbs; ++r) {
      const std::size_t ki = key_index(ctx, level, r);
      const Modulus& m = r <= level ? ctx.data_modulus(r) : ctx.key_modulus(ki);
      inner_product_pair(dec, *jobs[j].key, r, ki, {}, m, prod + r * n + offset,
                         prod + (limbs + r) * n + offset, n, offset, part);
    }
  });
  // 2. ModDown, one task per (job, output component).
  const BaseConverter& conv = ctx.mod_down_converter(level);
  parallel(jobs.size() * 2, [&](std::size_t task) {
    const std::size_t j = task / 2;
    const std::size_t c = task % 2;
    std::uint64_t* prod = products[j].get() + c * limbs * n;
    std::uint64_t* special = prod + (level + 1) * n;
    for (std::size_t s = 0; s < k; ++s) ctx.ntt(ctx.num_data_primes() + s).inverse(special + s * n);
    // Written before read: not zeroed (these tasks are on the critical path of a level-0 chain).
    const auto scratch = std::make_unique_for_overwrite<std::uint64_t[]>(k * n);
    const auto lift = std::make_unique_for_overwrite<std::uint64_t[]>(n);
    conv.prepare(special, n, scratch.get());
    RnsPoly& out = c == 0 ? *jobs[j].out0 : *jobs[j].out1;
    for (std::size_t i = 0; i <= level; ++i) {
      mod_down_limb(ctx, conv, special, scratch.get(), i, prod + i * n, lift.get(),
                    out.limb(i).data());
    }
    if (finished) finished(j, c);
  });
}

}  // namespace hesplit::ckks
