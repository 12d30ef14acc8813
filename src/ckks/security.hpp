#pragma once
// The HomomorphicEncryption.org standard's bound on log2(Q P) for 128-bit classical security with
// a uniform ternary secret (error sigma 3.2).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace hesplit::ckks {

// Largest total modulus bit count for ring degree N, or nullopt for an N outside the table
// (4096: 109, 8192: 218, 16384: 438, 32768: 881, 65536: 1747).
std::optional<int> max_secure_log2_qp(std::size_t poly_degree) noexcept;

// Total bit count of Q P: sum over all primes of their bit lengths (a slight overestimate of
// log2(Q P), so the check errs on the safe side).
int total_bit_count(std::span<const std::uint64_t> data_primes,
                    std::span<const std::uint64_t> special_primes) noexcept;

// Throws std::invalid_argument naming N, the total bit count and the limit when the set is not
// 128-bit secure (or N is not in the table).
void check_security(std::size_t poly_degree, std::span<const std::uint64_t> data_primes,
                    std::span<const std::uint64_t> special_primes);

}  // namespace hesplit::ckks
