#pragma once
// Key material, in expanded and seeded (compact) forms. All polynomials are in NTT form.
//
// Bases (context.hpp): the data primes q_0..q_L, and the "key basis" q_0..q_L, p_0..p_{k-1}
// (data primes then special primes, L + 1 + k limbs, limb i reduced mod the i-th prime of it).
// Seeded forms replace every uniformly random polynomial "a" by a 32-byte seed; expansion is in
// seeded.hpp and follows prng.hpp (AES-256-CTR) and sampler.hpp (uniform polynomials).

#include <cstdint>
#include <map>
#include <vector>

#include "ckks/prng.hpp"
#include "ckks/rns_poly.hpp"

namespace hesplit::ckks {

// Uniform ternary secret s, NTT form over the key basis (L + 1 + k limbs). Never serialized into
// a public context; only the client holds it.
struct SecretKey {
  RnsPoly s;
};

// (b, a) = (-a s + e, a) over the whole key basis (L + 1 + k limbs, like SEAL): encryption works
// modulo Q P and then divides by P, which removes the u e + e1 s noise (about 4 bits of
// precision at N = 8192).
struct PublicKey {
  RnsPoly b;
  RnsPoly a;
};

struct SeededPublicKey {
  RnsPoly b;  // L + 1 + k limbs; a = uniform_poly(seed, key basis q_0..q_L, p_0..p_{k-1})
  Seed seed{};
};

// Hybrid key-switching key from s' to s with context.dnum() digits. Digit j (data primes
// [j * alpha, min((j + 1) * alpha, L + 1)), alpha = context.digit_size()):
//   b_j = -a_j s + e_j + P * [1 on digit j's primes, 0 on other data primes] * s'   (mod Q P)
//   a_j uniform,
// each over the key basis (L + 1 + k limbs). digits.size() == context.dnum().
struct KSwitchKey {
  struct Digit {
    RnsPoly b;
    RnsPoly a;
  };
  std::vector<Digit> digits;
};

// a_0, a_1, ... are drawn in that order from one AES-CTR stream of `seed`, each a uniform
// polynomial over the whole key basis.
struct SeededKSwitchKey {
  std::vector<RnsPoly> b;  // one per digit, key basis
  Seed seed{};
};

// Switches s^2 -> s.
struct RelinKeys {
  KSwitchKey key;
};
struct SeededRelinKeys {
  SeededKSwitchKey key;
};

// For each Galois element g (5^r mod 2N for a rotation by r slots, 2N - 1 for conjugation) a
// key switching s(X) -> s(X^(g^-1)), i.e. the usual s(X^g) -> s(X) key with the automorphism
// X -> X^(g^-1) applied to it: b_j = -a_j s(X^(g^-1)) + e_j + P [digit j] s. The evaluator
// key-switches c1 without permuting anything and applies X -> X^g to the two results, so the
// digits are read sequentially (no gather). Only the requested elements are present.
struct GaloisKeys {
  std::map<std::uint32_t, KSwitchKey> keys;
};
struct SeededGaloisKeys {
  std::map<std::uint32_t, SeededKSwitchKey> keys;
};

}  // namespace hesplit::ckks
