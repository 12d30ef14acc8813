#pragma once
// Structural checks of objects against a context: shapes, levels, scale, and every coefficient
// below its modulus. Each throws std::invalid_argument naming the object and the failed field.
// Loaders (serialization) run them on everything they read; the evaluator relies on them.

#include <string_view>

#include "ckks/ciphertext.hpp"
#include "ckks/context.hpp"
#include "ckks/keys.hpp"
#include "ckks/plaintext.hpp"
#include "ckks/seeded_ciphertext.hpp"

namespace hesplit::ckks {

// Polynomial with `limbs` limbs over the key basis prefix (data primes first), coefficients in
// range. `what` names the object in the error message.
void check_poly(const CkksContext& context, const RnsPoly& poly, std::size_t limbs,
                std::string_view what);
// Same, but limbs are data primes q_0..q_{l} followed by all special primes (key basis).
void check_key_poly(const CkksContext& context, const RnsPoly& poly, std::string_view what);

void check_plaintext(const CkksContext& context, const Plaintext& plain);
void check_ciphertext(const CkksContext& context, const Ciphertext& cipher);
void check_seeded_ciphertext(const CkksContext& context, const SeededCiphertext& cipher);
void check_public_key(const CkksContext& context, const PublicKey& key);
void check_seeded_public_key(const CkksContext& context, const SeededPublicKey& key);
void check_kswitch_key(const CkksContext& context, const KSwitchKey& key);
void check_seeded_kswitch_key(const CkksContext& context, const SeededKSwitchKey& key);
void check_relin_keys(const CkksContext& context, const RelinKeys& keys);
// Also checks that every Galois element is odd and below 2N.
void check_galois_keys(const CkksContext& context, const GaloisKeys& keys);
void check_secret_key(const CkksContext& context, const SecretKey& key);

}  // namespace hesplit::ckks
