#include "ckks/galois.hpp"

#include <stdexcept>
#include <string>

namespace hesplit::ckks {

std::uint32_t galois_element_for_step(int steps, std::size_t degree) {
  const std::int64_t slots = static_cast<std::int64_t>(degree / 2);
  if (slots == 0) throw std::invalid_argument("ring degree too small for rotations");
  std::int64_t s = steps % slots;
  if (s < 0) s += slots;
  const std::uint64_t two_n = 2 * static_cast<std::uint64_t>(degree);
  std::uint64_t elt = 1;
  for (std::int64_t i = 0; i < s; ++i) elt = (elt * 5) % two_n;
  return static_cast<std::uint32_t>(elt);
}

std::uint32_t galois_inverse(std::uint32_t galois_elt, std::size_t degree) {
  const std::uint64_t two_n = 2 * static_cast<std::uint64_t>(degree);
  if (galois_elt % 2 == 0 || galois_elt >= two_n) {
    throw std::invalid_argument("Galois element " + std::to_string(galois_elt) +
                                " is not odd and below 2N");
  }
  // The odd residues mod 2N form a group of order N: g^(N - 1) = g^-1.
  std::uint64_t result = 1;
  std::uint64_t base = galois_elt;
  for (std::uint64_t e = degree - 1; e != 0; e >>= 1) {
    if (e & 1) result = (result * base) % two_n;
    base = (base * base) % two_n;
  }
  return static_cast<std::uint32_t>(result);
}

std::uint32_t conjugation_element(std::size_t degree) noexcept {
  return static_cast<std::uint32_t>(2 * degree - 1);
}

void ntt_galois_permutation(std::uint32_t galois_elt, std::span<const std::uint32_t> bit_reverse,
                            std::vector<std::uint32_t>& perm) {
  const std::size_t n = bit_reverse.size();
  const std::uint64_t mask = 2 * static_cast<std::uint64_t>(n) - 1;
  perm.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    // Output point psi^(2 brv(i) + 1) reads the input at psi^(g (2 brv(i) + 1)).
    const std::uint64_t exponent = 2 * static_cast<std::uint64_t>(bit_reverse[i]) + 1;
    const std::uint64_t mapped = (exponent * galois_elt) & mask;
    perm[i] = bit_reverse[(mapped - 1) >> 1];
  }
}

void apply_galois_coeff(std::span<const std::uint64_t> in, std::uint32_t galois_elt,
                        std::uint64_t q, std::span<std::uint64_t> out) {
  const std::size_t n = in.size();
  const std::uint64_t mask = 2 * static_cast<std::uint64_t>(n) - 1;
  for (std::size_t k = 0; k < n; ++k) {
    const std::uint64_t target = (static_cast<std::uint64_t>(k) * galois_elt) & mask;
    if (target < n) {
      out[target] = in[k];
    } else {
      out[target - n] = in[k] == 0 ? 0 : q - in[k];
    }
  }
}

}  // namespace hesplit::ckks
