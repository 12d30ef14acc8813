#pragma once
// Exact reduction of a rounded real number (possibly far beyond 2^64) modulo word-sized primes.

#include <cstdint>
#include <span>

#include "ckks/modulus.hpp"

namespace hesplit::ckks {

// Rounds `value` to the nearest integer r and writes r mod moduli[i] to out[i]. Exact for any
// finite |value| < 2^1000 (a double above 2^53 is already an integer: r = mantissa * 2^exponent).
// Throws std::invalid_argument for non-finite or larger values.
void rounded_to_residues(double value, std::span<const Modulus> moduli,
                         std::span<std::uint64_t> out);

}  // namespace hesplit::ckks
