#pragma once
// Expansion of the seeded (compact) forms of ciphertexts and keys into their full forms. Each
// expansion regenerates the uniform "a" polynomials from the seed (prng.hpp, sampler.hpp) and
// checks the shapes; it does not range-check coefficients (validate.hpp does).

#include "ckks/ciphertext.hpp"
#include "ckks/context.hpp"
#include "ckks/keys.hpp"
#include "ckks/seeded_ciphertext.hpp"

namespace hesplit::ckks {

// c1 = uniform over q_0..q_level.
Ciphertext expand_ciphertext(const CkksContext& context, const SeededCiphertext& seeded);
// a = uniform over the key basis.
PublicKey expand_public_key(const CkksContext& context, const SeededPublicKey& seeded);
// a_0..a_{dnum-1} = successive uniform polynomials over the key basis from one stream.
KSwitchKey expand_kswitch_key(const CkksContext& context, const SeededKSwitchKey& seeded);
RelinKeys expand_relin_keys(const CkksContext& context, const SeededRelinKeys& seeded);
GaloisKeys expand_galois_keys(const CkksContext& context, const SeededGaloisKeys& seeded);

}  // namespace hesplit::ckks
