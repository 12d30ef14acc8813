#include "ckks/keygen.hpp"

#include <set>
#include <stdexcept>
#include <string>

#include "ckks/galois.hpp"
#include "ckks/poly_ops.hpp"
#include "ckks/sampler.hpp"
#include "ckks/seeded.hpp"
#include "ckks/validate.hpp"

namespace hesplit::ckks {
namespace {

std::vector<Modulus> first_moduli(const CkksContext& context, std::size_t count) {
  std::vector<Modulus> m;
  for (std::size_t i = 0; i < count; ++i) m.push_back(context.key_modulus(i));
  return m;
}

// Small signed polynomial -> NTT form over the first `count` primes of the key basis.
RnsPoly small_to_ntt(const CkksContext& context, std::span<const std::int8_t> small,
                     std::size_t count) {
  RnsPoly out(context.degree(), count);
  small_to_rns(small, first_moduli(context, count), out);
  for (std::size_t i = 0; i < count; ++i) context.ntt(i).forward(out.limb(i).data());
  return out;
}

// b = -a s + e over the first `count` key-basis primes, with fresh Gaussian e.
RnsPoly rlwe_b(const CkksContext& context, const RnsPoly& a, const RnsPoly& s, std::size_t count,
               Prng& noise) {
  std::vector<std::int8_t> e(context.degree());
  sample_gaussian(noise, e);
  RnsPoly b = small_to_ntt(context, e, count);
  const std::size_t n = context.degree();
  for (std::size_t i = 0; i < count; ++i) {
    const Modulus& m = context.key_modulus(i);
    std::uint64_t* bi = b.limb(i).data();
    const std::uint64_t* ai = a.limb(i).data();
    const std::uint64_t* si = s.limb(i).data();
    for (std::size_t k = 0; k < n; ++k) {
      bi[k] = sub_mod(bi[k], mul_mod(ai[k], si[k], m), m.value());
    }
  }
  return b;
}

}  // namespace

KeyGenerator::KeyGenerator(std::shared_ptr<const CkksContext> context)
    : context_(std::move(context)) {
  Prng prng;
  std::vector<std::int8_t> s(context_->degree());
  sample_ternary(prng, s);
  secret_.s = small_to_ntt(*context_, s, context_->key_basis_size());
}

KeyGenerator::KeyGenerator(std::shared_ptr<const CkksContext> context, SecretKey secret)
    : context_(std::move(context)), secret_(std::move(secret)) {
  check_secret_key(*context_, secret_);
}

SeededPublicKey KeyGenerator::create_public_key_seeded() const {
  SeededPublicKey pk;
  pk.seed = random_seed();
  Prng a_stream(pk.seed);
  const std::size_t count = context_->key_basis_size();
  const RnsPoly a = sample_uniform(a_stream, first_moduli(*context_, count), context_->degree());
  Prng noise;
  pk.b = rlwe_b(*context_, a, secret_.s, count, noise);
  return pk;
}

PublicKey KeyGenerator::create_public_key() const {
  return expand_public_key(*context_, create_public_key_seeded());
}

SeededKSwitchKey KeyGenerator::create_kswitch_key(const RnsPoly& target,
                                                  const RnsPoly& destination) const {
  const CkksContext& ctx = *context_;
  const std::size_t count = ctx.key_basis_size();
  const std::size_t n = ctx.degree();
  const std::vector<Modulus> moduli = first_moduli(ctx, count);
  SeededKSwitchKey key;
  key.seed = random_seed();
  Prng a_stream(key.seed);
  Prng noise;
  for (std::size_t digit = 0; digit < ctx.dnum(); ++digit) {
    const RnsPoly a = sample_uniform(a_stream, moduli, n);
    RnsPoly b = rlwe_b(ctx, a, destination, count, noise);
    // + P * target on the digit's own data primes (the gadget is 0 on all other primes).
    const auto [begin, end] = ctx.digit_range(digit, ctx.max_level());
    for (std::size_t i = begin; i < end; ++i) {
      const Modulus& m = ctx.key_modulus(i);
      const std::uint64_t p = ctx.p_mod_q(i);
      const std::uint64_t ps = shoup_precompute(p, m.value());
      std::uint64_t* bi = b.limb(i).data();
      const std::uint64_t* ti = target.limb(i).data();
      for (std::size_t k = 0; k < n; ++k) {
        bi[k] = add_mod(bi[k], mul_shoup(ti[k], p, ps, m.value()), m.value());
      }
    }
    key.b.push_back(std::move(b));
  }
  return key;
}

SeededRelinKeys KeyGenerator::create_relin_keys_seeded() const {
  RnsPoly s2 = secret_.s;
  for (std::size_t i = 0; i < context_->key_basis_size(); ++i) {
    poly_ops::mul(s2.limb(i).data(), secret_.s.limb(i).data(), context_->degree(),
                  context_->key_modulus(i));
  }
  return SeededRelinKeys{create_kswitch_key(s2, secret_.s)};
}

RelinKeys KeyGenerator::create_relin_keys() const {
  return expand_relin_keys(*context_, create_relin_keys_seeded());
}

SeededGaloisKeys KeyGenerator::create_galois_keys_seeded_for(
    std::span<const std::uint32_t> elements) const {
  SeededGaloisKeys keys;
  std::vector<std::uint32_t> perm;
  for (const std::uint32_t elt : elements) {
    if (elt % 2 == 0 || elt >= 2 * context_->degree()) {
      throw std::invalid_argument("Galois element " + std::to_string(elt) +
                                  " is not odd and below 2N");
    }
    if (elt == 1 || keys.keys.contains(elt)) continue;
    // Destination s(X^(g^-1)): in NTT form a permutation of s's evaluations (see keys.hpp).
    ntt_galois_permutation(galois_inverse(elt, context_->degree()), context_->bit_reverse_table(),
                           perm);
    RnsPoly destination(context_->degree(), context_->key_basis_size());
    for (std::size_t i = 0; i < context_->key_basis_size(); ++i) {
      const std::span<const std::uint64_t> src = secret_.s.limb(i);
      const std::span<std::uint64_t> dst = destination.limb(i);
      for (std::size_t k = 0; k < dst.size(); ++k) dst[k] = src[perm[k]];
    }
    keys.keys.emplace(elt, create_kswitch_key(secret_.s, destination));
  }
  return keys;
}

SeededGaloisKeys KeyGenerator::create_galois_keys_seeded(std::span<const int> steps,
                                                         bool conjugation) const {
  std::vector<std::uint32_t> elements;
  for (const int step : steps)
    elements.push_back(galois_element_for_step(step, context_->degree()));
  if (conjugation) elements.push_back(conjugation_element(context_->degree()));
  return create_galois_keys_seeded_for(elements);
}

GaloisKeys KeyGenerator::create_galois_keys(std::span<const int> steps, bool conjugation) const {
  return expand_galois_keys(*context_, create_galois_keys_seeded(steps, conjugation));
}

}  // namespace hesplit::ckks
