#include "ckks/validate.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace hesplit::ckks {
namespace {

[[noreturn]] void fail(std::string_view what, const std::string& message) {
  throw std::invalid_argument(std::string(what) + ": " + message);
}

// Limb `limb` of a poly whose limb index maps to key-basis index `basis_index`.
void check_limb_range(const CkksContext& context, const RnsPoly& poly, std::size_t limb,
                      std::size_t basis_index, std::string_view what) {
  const std::uint64_t q = context.key_modulus(basis_index).value();
  const std::span<const std::uint64_t> words = poly.limb(limb);
  for (std::size_t j = 0; j < words.size(); ++j) {
    if (words[j] >= q) {
      fail(what, "coefficient " + std::to_string(j) + " of limb " + std::to_string(limb) + " (" +
                     std::to_string(words[j]) + ") is not below its prime " + std::to_string(q));
    }
  }
}

void check_shape(const CkksContext& context, const RnsPoly& poly, std::size_t limbs,
                 std::string_view what) {
  if (poly.degree() != context.degree()) {
    fail(what, "degree " + std::to_string(poly.degree()) +
                   " differs from N = " + std::to_string(context.degree()));
  }
  if (poly.num_limbs() != limbs) {
    fail(what,
         "has " + std::to_string(poly.num_limbs()) + " limbs, expected " + std::to_string(limbs));
  }
}

void check_level_scale(const CkksContext& context, std::size_t level, double scale,
                       std::string_view what) {
  if (level > context.max_level()) {
    fail(what, "level " + std::to_string(level) + " exceeds the maximum " +
                   std::to_string(context.max_level()));
  }
  if (!(scale > 0.0) || !std::isfinite(scale)) fail(what, "scale must be positive and finite");
}

}  // namespace

void check_poly(const CkksContext& context, const RnsPoly& poly, std::size_t limbs,
                std::string_view what) {
  if (limbs > context.key_basis_size()) fail(what, "too many limbs");
  check_shape(context, poly, limbs, what);
  for (std::size_t i = 0; i < limbs; ++i) check_limb_range(context, poly, i, i, what);
}

void check_key_poly(const CkksContext& context, const RnsPoly& poly, std::string_view what) {
  check_poly(context, poly, context.key_basis_size(), what);
}

void check_plaintext(const CkksContext& context, const Plaintext& plain) {
  check_level_scale(context, plain.level, plain.scale, "plaintext");
  check_poly(context, plain.poly, plain.level + 1, "plaintext");
}

void check_ciphertext(const CkksContext& context, const Ciphertext& cipher) {
  check_level_scale(context, cipher.level, cipher.scale, "ciphertext");
  if (cipher.size() != 2 && cipher.size() != 3) {
    fail("ciphertext", "has " + std::to_string(cipher.size()) + " components, expected 2 or 3");
  }
  for (const RnsPoly& c : cipher.components) {
    check_poly(context, c, cipher.level + 1, "ciphertext component");
  }
}

void check_seeded_ciphertext(const CkksContext& context, const SeededCiphertext& cipher) {
  check_level_scale(context, cipher.level, cipher.scale, "seeded ciphertext");
  check_poly(context, cipher.c0, cipher.level + 1, "seeded ciphertext c0");
}

void check_public_key(const CkksContext& context, const PublicKey& key) {
  check_key_poly(context, key.b, "public key b");
  check_key_poly(context, key.a, "public key a");
}

void check_seeded_public_key(const CkksContext& context, const SeededPublicKey& key) {
  check_key_poly(context, key.b, "seeded public key b");
}

void check_kswitch_key(const CkksContext& context, const KSwitchKey& key) {
  if (key.digits.size() != context.dnum()) {
    fail("key-switching key", "has " + std::to_string(key.digits.size()) + " digits, expected " +
                                  std::to_string(context.dnum()));
  }
  for (const KSwitchKey::Digit& d : key.digits) {
    check_key_poly(context, d.b, "key-switching key b");
    check_key_poly(context, d.a, "key-switching key a");
  }
}

void check_seeded_kswitch_key(const CkksContext& context, const SeededKSwitchKey& key) {
  if (key.b.size() != context.dnum()) {
    fail("seeded key-switching key", "has " + std::to_string(key.b.size()) + " digits, expected " +
                                         std::to_string(context.dnum()));
  }
  for (const RnsPoly& b : key.b) check_key_poly(context, b, "seeded key-switching key b");
}

void check_relin_keys(const CkksContext& context, const RelinKeys& keys) {
  check_kswitch_key(context, keys.key);
}

void check_galois_keys(const CkksContext& context, const GaloisKeys& keys) {
  for (const auto& [elt, key] : keys.keys) {
    if (elt % 2 == 0 || elt >= 2 * context.degree()) {
      fail("Galois keys", "element " + std::to_string(elt) + " is not odd and below 2N");
    }
    check_kswitch_key(context, key);
  }
}

void check_secret_key(const CkksContext& context, const SecretKey& key) {
  check_key_poly(context, key.s, "secret key");
}

}  // namespace hesplit::ckks
