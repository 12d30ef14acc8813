#pragma once
// A CKKS ciphertext: decrypts as sum_i components[i] * s^i ~ scale * message (mod Q_level).
//
// Invariants (checked by check_ciphertext() in validate.hpp):
// - components.size() is 2 (fresh, relinearised) or 3 (after multiply, before relinearise).
// - every component is in NTT form over the data primes q_0..q_level: num_limbs() == level + 1,
//   degree() == N, limb i reduced mod q_i.
// - 0 <= level <= context.max_level(); fresh ciphertexts are at max_level().
// - scale > 0 and finite, tracked exactly as a double (rescale divides it by q_level).

#include <cstddef>
#include <vector>

#include "ckks/rns_poly.hpp"

namespace hesplit::ckks {

struct Ciphertext {
  std::vector<RnsPoly> components;
  std::size_t level = 0;
  double scale = 1.0;

  std::size_t size() const noexcept { return components.size(); }
};

}  // namespace hesplit::ckks
