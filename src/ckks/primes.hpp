#pragma once
// Deterministic generation of NTT-friendly primes (q = 1 mod 2N) and primitive roots of unity.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace hesplit::ckks {

// Miller-Rabin with the first twelve prime bases, which is deterministic for every 64-bit input.
bool is_prime(std::uint64_t n) noexcept;

// For each requested bit size b (in order), the largest prime q < 2^b with q = 1 mod 2N that is not
// in `exclude` and not already chosen. Throws std::invalid_argument if a size is outside
// [2 + log2(2N), 61] or no such prime exists. Deterministic: the same input gives the same primes.
std::vector<std::uint64_t> generate_ntt_primes(std::span<const int> bit_sizes, std::size_t degree,
                                               std::span<const std::uint64_t> exclude = {});

// The smallest (as an integer) primitive 2N-th root of unity modulo the prime q = 1 mod 2N.
std::uint64_t minimal_primitive_root(std::size_t degree, std::uint64_t q);

}  // namespace hesplit::ckks
