#pragma once
// A fresh secret-key ciphertext in compact form: c1 is regenerated from a 32-byte seed.
//
// Invariants: c0 in NTT form over q_0..q_level (level + 1 limbs, limb i < q_i); c1 =
// uniform_poly(seed, q_0..q_level) (sampler.hpp), drawn directly in NTT form; scale > 0, finite.
// Expansion: expand_ciphertext() in seeded.hpp.

#include <cstddef>

#include "ckks/prng.hpp"
#include "ckks/rns_poly.hpp"

namespace hesplit::ckks {

struct SeededCiphertext {
  RnsPoly c0;
  Seed seed{};
  std::size_t level = 0;
  double scale = 1.0;
};

}  // namespace hesplit::ckks
