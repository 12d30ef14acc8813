// The encoder against a direct evaluation of the encoded integer polynomial at the slot roots
// zeta^(5^j) (long double, O(N^2)), and encode/decode round trips at every level.

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <numbers>

#include "ckks/encoder.hpp"
#include "ckks/params.hpp"
#include "ckks_test_util.hpp"

namespace hesplit::ckks {
namespace {

using Complex = std::complex<double>;
using LComplex = std::complex<long double>;

TEST(Encoder, SlotsAreEvaluationsAtPowersOfFive) {
  const auto ctx = CkksContext::create(CkksParameters::from_bit_sizes(4096, {50}, {50}, 0x1p30));
  const CkksEncoder encoder(ctx);
  const std::size_t n = ctx->degree();
  const std::size_t slots = ctx->slot_count();
  const std::vector<Complex> z = test::complex_message(slots, 3);
  const double scale = 0x1p30;
  Plaintext plain = encoder.encode(z, scale, 0);
  // Integer coefficients (single prime: centred residue).
  std::vector<std::uint64_t> coeff(plain.poly.limb(0).begin(), plain.poly.limb(0).end());
  ctx->ntt(0).inverse(coeff.data());
  const std::uint64_t q = ctx->data_modulus(0).value();
  std::vector<long double> c(n);
  for (std::size_t k = 0; k < n; ++k) {
    c[k] = coeff[k] > q / 2 ? -static_cast<long double>(q - coeff[k])
                            : static_cast<long double>(coeff[k]);
  }
  const long double pi = std::numbers::pi_v<long double>;
  std::uint64_t g = 1;
  double worst = 0;
  for (std::size_t j = 0; j < slots; j += 7) {
    LComplex value = 0;
    for (std::size_t k = 0; k < n; ++k) {
      const long double angle = pi * static_cast<long double>((g * k) % (2 * n)) / n;
      value += c[k] * LComplex(std::cos(angle), std::sin(angle));
    }
    value /= scale;
    worst = std::max(worst, static_cast<double>(std::abs(value - LComplex(z[j]))));
    for (int s = 0; s < 7; ++s) g = (g * 5) % (2 * n);
  }
  // Rounding each coefficient costs at most 0.5 / scale per coefficient: sqrt(N) * 0.5 typical.
  EXPECT_LT(worst, 64.0 / scale);
}

TEST(Encoder, RoundTripAtEveryLevelAndRealValues) {
  const auto ctx = CkksContext::create(preset("sealed-8192"));
  const CkksEncoder encoder(ctx);
  const std::vector<Complex> z = test::complex_message(ctx->slot_count(), 4, 100.0);
  for (std::size_t level = 0; level <= ctx->max_level(); ++level) {
    const auto back = encoder.decode_complex(encoder.encode(z, 0x1p40, level));
    EXPECT_GE(test::precision_bits<Complex>(back, z), 30.0) << "level " << level;
  }
  const std::vector<double> r = test::real_message(100, 5);
  const auto back = encoder.decode(encoder.encode(r, 0x1p40, 2));
  EXPECT_GE(test::precision_bits<double>(std::span(back).first(100), r), 30.0);
  for (std::size_t j = 100; j < back.size(); ++j) ASSERT_LT(std::fabs(back[j]), 1e-9);
  // Huge scales need the exact multi-word path (values above 2^64).
  const auto big = encoder.decode_complex(encoder.encode(z, 0x1p80, 2));
  EXPECT_GE(test::precision_bits<Complex>(big, z), 40.0);
  const auto constant = encoder.decode(encoder.encode_constant(-3.25, 0x1p40, 1));
  for (double v : constant) ASSERT_NEAR(v, -3.25, 1e-10);
}

TEST(Encoder, RejectsBadArguments) {
  const auto ctx = CkksContext::create(preset("sealed-8192"));
  const CkksEncoder encoder(ctx);
  const std::vector<double> too_many(ctx->slot_count() + 1, 0.0);
  EXPECT_THROW(encoder.encode(too_many, 0x1p40, 0), std::invalid_argument);
  const std::vector<double> one = {1.0};
  EXPECT_THROW(encoder.encode(one, 0x1p40, 3), std::invalid_argument);
  EXPECT_THROW(encoder.encode(one, -1.0, 0), std::invalid_argument);
  EXPECT_THROW(encoder.encode(one, std::nan(""), 0), std::invalid_argument);
  // 2^20 * 2^40 = 2^60 does not fit the 50-bit base prime.
  const std::vector<double> huge(ctx->slot_count(), 0x1p20);
  EXPECT_THROW(encoder.encode(huge, 0x1p40, 0), std::invalid_argument);
}

}  // namespace
}  // namespace hesplit::ckks
