#pragma once
// Galois automorphisms X -> X^g of Z[X]/(X^N + 1) (g odd): slot rotations and conjugation.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace hesplit::ckks {

// Galois element rotating the slots left by `steps` (slot j receives slot j + steps; negative
// steps rotate right): 5^(steps mod N/2) mod 2N.
std::uint32_t galois_element_for_step(int steps, std::size_t degree);
// The inverse of an odd element modulo 2N.
std::uint32_t galois_inverse(std::uint32_t galois_elt, std::size_t degree);
// Conjugation of every slot: 2N - 1.
std::uint32_t conjugation_element(std::size_t degree) noexcept;

// NTT-form automorphism: out[i] = in[perm[i]] (see ntt.hpp for the evaluation order).
// `bit_reverse` is CkksContext::bit_reverse_table().
void ntt_galois_permutation(std::uint32_t galois_elt, std::span<const std::uint32_t> bit_reverse,
                            std::vector<std::uint32_t>& perm);
// Coefficient-form automorphism mod q (the independent reference for tests).
void apply_galois_coeff(std::span<const std::uint64_t> in, std::uint32_t galois_elt,
                        std::uint64_t q, std::span<std::uint64_t> out);

}  // namespace hesplit::ckks
