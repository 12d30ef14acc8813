#pragma once
// Samplers for RLWE: uniform polynomials (directly in NTT form), ternary secrets and discrete
// Gaussian errors (sigma 3.2, tails cut at 6 sigma, i.e. |e| <= 19).

#include <cstddef>
#include <cstdint>
#include <span>

#include "ckks/modulus.hpp"
#include "ckks/prng.hpp"
#include "ckks/rns_poly.hpp"

namespace hesplit::ckks {

inline constexpr double kErrorSigma = 3.2;
inline constexpr int kErrorBound = 19;

// Uniform polynomial mod each of `moduli` (limb i mod moduli[i]). Format-defining (seeded
// forms): for limb i in order, for coefficient j in order, draw 64-bit words from the PRNG until
// (w & mask_i) < q_i, where mask_i = 2^bit_count(q_i) - 1; the coefficient is w & mask_i.
// The result is interpreted directly as an NTT-form polynomial.
RnsPoly sample_uniform(Prng& prng, std::span<const Modulus> moduli, std::size_t degree);

// Signed small polynomials (coefficient form), one int8 per coefficient.
// Ternary: each coefficient uniform in {-1, 0, 1}.
void sample_ternary(Prng& prng, std::span<std::int8_t> out);
// Discrete Gaussian: P(e) proportional to exp(-e^2 / (2 sigma^2)) for |e| <= 19.
void sample_gaussian(Prng& prng, std::span<std::int8_t> out);

// Writes the small signed polynomial `small` into `out` (moduli.size() limbs), reduced mod each
// modulus, in coefficient form.
void small_to_rns(std::span<const std::int8_t> small, std::span<const Modulus> moduli,
                  RnsPoly& out);

}  // namespace hesplit::ckks
