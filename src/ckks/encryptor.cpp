#include "ckks/encryptor.hpp"

#include <stdexcept>
#include <string>

#include "ckks/poly_ops.hpp"
#include "ckks/sampler.hpp"
#include "ckks/validate.hpp"

namespace hesplit::ckks {
namespace {

std::vector<Modulus> data_moduli(const CkksContext& context, std::size_t level) {
  std::vector<Modulus> m;
  for (std::size_t i = 0; i <= level; ++i) m.push_back(context.data_modulus(i));
  return m;
}

RnsPoly small_ntt(const CkksContext& context, std::span<const std::int8_t> small,
                  std::size_t level) {
  RnsPoly out(context.degree(), level + 1);
  small_to_rns(small, data_moduli(context, level), out);
  for (std::size_t i = 0; i <= level; ++i) context.ntt(i).forward(out.limb(i).data());
  return out;
}

RnsPoly gaussian_ntt(const CkksContext& context, Prng& prng, std::size_t level) {
  std::vector<std::int8_t> e(context.degree());
  sample_gaussian(prng, e);
  return small_ntt(context, e, level);
}

void check_plain_shape(const CkksContext& context, const Plaintext& plain) {
  if (plain.level > context.max_level() || plain.poly.num_limbs() != plain.level + 1 ||
      plain.poly.degree() != context.degree()) {
    throw std::invalid_argument("encrypt: plaintext shape does not match its level");
  }
}

}  // namespace

Encryptor::Encryptor(std::shared_ptr<const CkksContext> context, PublicKey public_key)
    : context_(std::move(context)), public_key_(std::move(public_key)) {
  check_public_key(*context_, *public_key_);
}

Encryptor::Encryptor(std::shared_ptr<const CkksContext> context, SecretKey secret_key)
    : context_(std::move(context)), secret_key_(std::move(secret_key)) {
  check_secret_key(*context_, *secret_key_);
}

Ciphertext Encryptor::encrypt(const Plaintext& plain) const {
  if (!public_key_) throw std::logic_error("encrypt: this Encryptor holds no public key");
  check_plain_shape(*context_, plain);
  const CkksContext& ctx = *context_;
  const std::size_t level = plain.level;
  const std::size_t n = ctx.degree();
  const std::size_t k = ctx.num_special_primes();
  const std::size_t ext = level + 1 + k;
  // Work modulo Q_l P: limb r < level + 1 is q_r, limb level + 1 + j is p_j.
  const auto key_index = [&](std::size_t r) {
    return r <= level ? r : ctx.num_data_primes() + (r - level - 1);
  };
  std::vector<Modulus> moduli;
  for (std::size_t r = 0; r < ext; ++r) moduli.push_back(ctx.key_modulus(key_index(r)));

  Prng prng;
  std::vector<std::int8_t> u_small(n), e0_small(n), e1_small(n);
  sample_ternary(prng, u_small);
  sample_gaussian(prng, e0_small);
  sample_gaussian(prng, e1_small);
  // One work buffer for u, t0, t1 (ext limbs each): a single large allocation per call keeps
  // the allocator from returning and re-faulting memory on every encryption.
  RnsPoly work(n, 3 * ext + (level + 1) + k);
  const auto u = [&](std::size_t r) { return work.data() + r * n; };
  const auto t0 = [&](std::size_t r) { return work.data() + (ext + r) * n; };
  const auto t1 = [&](std::size_t r) { return work.data() + (2 * ext + r) * n; };
  // (t0, t1) = pk * u + (e0, e1) mod Q_l P, in coefficient form (the errors are added there
  // directly, so they need no transform).
  for (std::size_t r = 0; r < ext; ++r) {
    const std::size_t ki = key_index(r);
    const Modulus& m = moduli[r];
    poly_ops::add_small(u(r), u_small.data(), n, m.value());  // u(r) starts at zero
    ctx.ntt(ki).forward(u(r));
    poly_ops::mul_to(t0(r), public_key_->b.limb(ki).data(), u(r), n, m);
    poly_ops::mul_to(t1(r), public_key_->a.limb(ki).data(), u(r), n, m);
    ctx.ntt(ki).inverse(t0(r));
    ctx.ntt(ki).inverse(t1(r));
    poly_ops::add_small(t0(r), e0_small.data(), n, m.value());
    poly_ops::add_small(t1(r), e1_small.data(), n, m.value());
  }
  // Divide by P with rounding (the centred lift of the P part is subtracted first), which
  // shrinks the u e + e1 s noise to the rounding error; then NTT and add the message.
  Ciphertext ct;
  ct.level = level;
  ct.scale = plain.scale;
  const std::span<std::uint64_t> lifted{work.data() + 3 * ext * n, (level + 1) * n};
  const std::span<std::uint64_t> scratch{work.data() + (3 * ext + level + 1) * n, k * n};
  for (std::size_t which = 1; which <= 2; ++which) {
    const auto t = [&](std::size_t r) { return work.data() + (which * ext + r) * n; };
    ctx.mod_down_converter(level).convert(t(level + 1), lifted.data(), n, scratch.data());
    RnsPoly c(n, level + 1);
    for (std::size_t i = 0; i <= level; ++i) {
      const std::uint64_t q = ctx.data_modulus(i).value();
      const std::uint64_t w = ctx.inv_p_mod_q(i);
      const std::uint64_t ws = ctx.inv_p_mod_q_shoup(i);
      const std::uint64_t* x = t(i);
      const std::uint64_t* lift = lifted.data() + i * n;
      std::uint64_t* out = c.limb(i).data();
      for (std::size_t j = 0; j < n; ++j) out[j] = mul_shoup(x[j] + q - lift[j], w, ws, q);
      ctx.ntt(i).forward(out);
    }
    ct.components.push_back(std::move(c));
  }
  for (std::size_t i = 0; i <= level; ++i) {
    poly_ops::add(ct.components[0].limb(i).data(), plain.poly.limb(i).data(), n,
                  ctx.data_modulus(i).value());
  }
  return ct;
}

SeededCiphertext Encryptor::encrypt_symmetric_seeded(const Plaintext& plain) const {
  if (!secret_key_) throw std::logic_error("encrypt: this Encryptor holds no secret key");
  check_plain_shape(*context_, plain);
  const CkksContext& ctx = *context_;
  const std::size_t level = plain.level;
  const std::size_t n = ctx.degree();
  SeededCiphertext ct;
  ct.seed = random_seed();
  ct.level = level;
  ct.scale = plain.scale;
  Prng a_stream(ct.seed);
  const RnsPoly a = sample_uniform(a_stream, data_moduli(ctx, level), n);
  Prng noise;
  ct.c0 = gaussian_ntt(ctx, noise, level);
  for (std::size_t i = 0; i <= level; ++i) {
    const Modulus& m = ctx.data_modulus(i);
    std::uint64_t* c0 = ct.c0.limb(i).data();
    const std::uint64_t* ai = a.limb(i).data();
    const std::uint64_t* si = secret_key_->s.limb(i).data();
    const std::uint64_t* mi = plain.poly.limb(i).data();
    for (std::size_t k = 0; k < n; ++k) {
      // e + m - a s
      const std::uint64_t em = add_mod(c0[k], mi[k], m.value());
      c0[k] = sub_mod(em, mul_mod(ai[k], si[k], m), m.value());
    }
  }
  return ct;
}

Ciphertext Encryptor::encrypt_symmetric(const Plaintext& plain) const {
  SeededCiphertext seeded = encrypt_symmetric_seeded(plain);
  Prng a_stream(seeded.seed);
  Ciphertext ct;
  ct.level = seeded.level;
  ct.scale = seeded.scale;
  ct.components.push_back(std::move(seeded.c0));
  ct.components.push_back(
      sample_uniform(a_stream, data_moduli(*context_, ct.level), context_->degree()));
  return ct;
}

Ciphertext Encryptor::encrypt_zero(std::size_t level, double scale) const {
  if (level > context_->max_level()) {
    throw std::invalid_argument("encrypt_zero: level " + std::to_string(level) +
                                " exceeds the maximum level");
  }
  const Plaintext zero{RnsPoly(context_->degree(), level + 1), level, scale};
  return public_key_ ? encrypt(zero) : encrypt_symmetric(zero);
}

}  // namespace hesplit::ckks
