#include "ckks/seeded.hpp"

#include <stdexcept>
#include <string>

#include "ckks/sampler.hpp"
#include "ckks/validate.hpp"

namespace hesplit::ckks {
namespace {

std::vector<Modulus> data_moduli(const CkksContext& context, std::size_t level) {
  std::vector<Modulus> m;
  for (std::size_t i = 0; i <= level; ++i) m.push_back(context.data_modulus(i));
  return m;
}

std::vector<Modulus> key_moduli(const CkksContext& context) {
  std::vector<Modulus> m;
  for (std::size_t i = 0; i < context.key_basis_size(); ++i) m.push_back(context.key_modulus(i));
  return m;
}

}  // namespace

Ciphertext expand_ciphertext(const CkksContext& context, const SeededCiphertext& seeded) {
  check_seeded_ciphertext(context, seeded);
  Prng prng(seeded.seed);
  Ciphertext out;
  out.level = seeded.level;
  out.scale = seeded.scale;
  out.components.push_back(seeded.c0);
  out.components.push_back(
      sample_uniform(prng, data_moduli(context, seeded.level), context.degree()));
  return out;
}

PublicKey expand_public_key(const CkksContext& context, const SeededPublicKey& seeded) {
  check_seeded_public_key(context, seeded);
  Prng prng(seeded.seed);
  return PublicKey{seeded.b, sample_uniform(prng, key_moduli(context), context.degree())};
}

KSwitchKey expand_kswitch_key(const CkksContext& context, const SeededKSwitchKey& seeded) {
  check_seeded_kswitch_key(context, seeded);
  Prng prng(seeded.seed);
  const std::vector<Modulus> moduli = key_moduli(context);
  KSwitchKey key;
  for (const RnsPoly& b : seeded.b) {
    key.digits.push_back({b, sample_uniform(prng, moduli, context.degree())});
  }
  return key;
}

RelinKeys expand_relin_keys(const CkksContext& context, const SeededRelinKeys& seeded) {
  return RelinKeys{expand_kswitch_key(context, seeded.key)};
}

GaloisKeys expand_galois_keys(const CkksContext& context, const SeededGaloisKeys& seeded) {
  GaloisKeys keys;
  for (const auto& [elt, key] : seeded.keys) {
    if (elt % 2 == 0 || elt >= 2 * context.degree()) {
      throw std::invalid_argument("seeded Galois keys: element " + std::to_string(elt) +
                                  " is not odd and below 2N");
    }
    keys.keys.emplace(elt, expand_kswitch_key(context, key));
  }
  return keys;
}

}  // namespace hesplit::ckks
