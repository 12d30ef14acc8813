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
  Prng prng;
  std::vector<std::int8_t> u_small(n);
  sample_ternary(prng, u_small);
  const RnsPoly u = small_ntt(ctx, u_small, level);
  Ciphertext ct;
  ct.level = level;
  ct.scale = plain.scale;
  ct.components.push_back(gaussian_ntt(ctx, prng, level));
  ct.components.push_back(gaussian_ntt(ctx, prng, level));
  for (std::size_t i = 0; i <= level; ++i) {
    const Modulus& m = ctx.data_modulus(i);
    std::uint64_t* c0 = ct.components[0].limb(i).data();
    std::uint64_t* c1 = ct.components[1].limb(i).data();
    const std::uint64_t* ui = u.limb(i).data();
    const std::uint64_t* b = public_key_->b.limb(i).data();
    const std::uint64_t* a = public_key_->a.limb(i).data();
    const std::uint64_t* mi = plain.poly.limb(i).data();
    for (std::size_t k = 0; k < n; ++k) {
      c0[k] = reduce_u128(static_cast<u128>(b[k]) * ui[k] + c0[k] + mi[k], m);
      c1[k] = reduce_u128(static_cast<u128>(a[k]) * ui[k] + c1[k], m);
    }
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
