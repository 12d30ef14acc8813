#pragma once
// An encoded message, ready to be encrypted or combined with ciphertexts.
//
// Invariants:
// - poly is in NTT form (evaluation representation, see ntt.hpp) over the data primes
//   q_0..q_level: poly.num_limbs() == level + 1, poly.degree() == N, limb i reduced mod q_i.
// - 0 <= level <= context.max_level().
// - scale > 0 and finite: the message m was encoded as round(scale * tau^-1(m)).

#include <cstddef>

#include "ckks/rns_poly.hpp"

namespace hesplit::ckks {

struct Plaintext {
  RnsPoly poly;
  std::size_t level = 0;
  double scale = 1.0;
};

}  // namespace hesplit::ckks
