// Polynomial products and hybrid key switching on small insecure rings, against schoolbook
// negacyclic products and the exact decryption identity, for several digit counts.

#include <gmpxx.h>
#include <gtest/gtest.h>

#include <cmath>

#include "ckks/key_switch.hpp"
#include "ckks/poly_ops.hpp"
#include "ckks/sampler.hpp"
#include "ckks_test_setup.hpp"
#include "ckks_test_util.hpp"

namespace hesplit::ckks {
namespace {

using Complex = std::complex<double>;

CkksParameters small_params(std::size_t dnum) {
  // N = 256: 4 data primes, 2 special primes (insecure, tests only).
  CkksParameters p = CkksParameters::from_bit_sizes(256, {50, 40, 40, 40}, {55, 55}, 0x1p40, dnum,
                                                    /*allow_insecure=*/true);
  return p;
}

// Coefficient form of limb i of an NTT-form polynomial.
std::vector<std::uint64_t> coeffs(const CkksContext& ctx, const RnsPoly& p, std::size_t i) {
  std::vector<std::uint64_t> v(p.limb(i).begin(), p.limb(i).end());
  ctx.ntt(i).inverse(v.data());
  return v;
}

TEST(Products, CiphertextAndPlaintextProductsMatchSchoolbook) {
  const std::vector<int> steps = {1};
  const test::Setup s(small_params(0), steps);
  const auto& ctx = *s.context;
  const auto z = test::complex_message(ctx.slot_count(), 21);
  const Ciphertext a = s.encrypt(z);
  const Ciphertext b = s.encrypt(z, 0x1p20, ctx.max_level());
  const Ciphertext prod = s.evaluator.multiply(a, b);
  const Plaintext plain = s.encoder.encode(z, 0x1p30, ctx.max_level());
  const Ciphertext pprod = s.evaluator.multiply_plain(a, plain);
  for (std::size_t i = 0; i <= ctx.max_level(); ++i) {
    const std::uint64_t q = ctx.data_modulus(i).value();
    const auto a0 = coeffs(ctx, a.components[0], i), a1 = coeffs(ctx, a.components[1], i);
    const auto b0 = coeffs(ctx, b.components[0], i), b1 = coeffs(ctx, b.components[1], i);
    EXPECT_EQ(coeffs(ctx, prod.components[0], i), test::schoolbook_negacyclic(a0, b0, q));
    EXPECT_EQ(coeffs(ctx, prod.components[2], i), test::schoolbook_negacyclic(a1, b1, q));
    auto cross = test::schoolbook_negacyclic(a0, b1, q);
    const auto cross2 = test::schoolbook_negacyclic(a1, b0, q);
    for (std::size_t k = 0; k < cross.size(); ++k) cross[k] = (cross[k] + cross2[k]) % q;
    EXPECT_EQ(coeffs(ctx, prod.components[1], i), cross);
    const auto m = coeffs(ctx, plain.poly, i);
    EXPECT_EQ(coeffs(ctx, pprod.components[0], i), test::schoolbook_negacyclic(a0, m, q));
    EXPECT_EQ(coeffs(ctx, pprod.components[1], i), test::schoolbook_negacyclic(a1, m, q));
  }
}

// After key switching, (c0' + c1' s) - (c0 + c1 s + c2 s^2) must be a small polynomial (the
// key-switching noise), checked exactly with the CRT at every level and for several dnum.
TEST(KeySwitch, RelinearisationNoiseIsSmallForEveryDigitCountAndLevel) {
  for (const std::size_t dnum : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{4}}) {
    const std::vector<int> steps = {1, 5};
    const test::Setup s(small_params(dnum), steps);
    const auto& ctx = *s.context;
    const auto z = test::complex_message(ctx.slot_count(), 22);
    for (std::size_t level = ctx.max_level(); level >= 1; --level) {
      const Ciphertext a = s.encrypt(z, 0x1p30, level);
      const Ciphertext three = s.evaluator.multiply(a, a);
      const Ciphertext two = s.evaluator.relinearize(three, s.relin);
      const Plaintext before = s.decryptor.decrypt(three);
      const Plaintext after = s.decryptor.decrypt(two);
      const RnsBasis& basis = ctx.data_basis(level);
      std::vector<std::vector<std::uint64_t>> diff(level + 1);
      for (std::size_t i = 0; i <= level; ++i) {
        const std::uint64_t q = ctx.data_modulus(i).value();
        diff[i] = coeffs(ctx, after.poly, i);
        const auto b = coeffs(ctx, before.poly, i);
        for (std::size_t k = 0; k < diff[i].size(); ++k) diff[i][k] = (diff[i][k] + q - b[k]) % q;
      }
      long double worst = 0;
      std::vector<std::uint64_t> residues(level + 1);
      for (std::size_t k = 0; k < ctx.degree(); ++k) {
        for (std::size_t i = 0; i <= level; ++i) residues[i] = diff[i][k];
        worst = std::max(worst, std::fabs(basis.compose_centered(residues)));
      }
      // Noise ~ sum_j |digit_j| * |e_j| * sqrt(N) / P + rounding: about 2^12 when every digit is
      // below P, and it grows like (largest digit) / P otherwise (dnum = 1 here: 2^170 / 2^110).
      int digit_bits = 0;
      for (std::size_t d = 0; d < ctx.digits_at_level(level); ++d) {
        int bits = 0;
        const auto [begin, end] = ctx.digit_range(d, level);
        for (std::size_t i = begin; i < end; ++i) bits += ctx.data_modulus(i).bit_count();
        digit_bits = std::max(digit_bits, bits);
      }
      const int p_bits = 2 * 55;
      const long double bound = std::ldexp(1.0L, 18 + std::max(0, digit_bits - p_bits));
      EXPECT_LT(worst, bound) << "dnum " << dnum << " level " << level;
      EXPECT_GT(worst, 0.0L);  // not trivially identical: noise is present
      // When the digits are below P, relinearising costs (almost) no precision.
      if (digit_bits <= p_bits) {
        std::vector<Complex> want(z.size());
        for (std::size_t j = 0; j < z.size(); ++j) want[j] = z[j] * z[j];
        const double bits_before =
            test::precision_bits<Complex>(s.encoder.decode_complex(before), want);
        const double bits_after =
            test::precision_bits<Complex>(s.encoder.decode_complex(after), want);
        EXPECT_GE(bits_after, bits_before - 0.5) << "dnum " << dnum << " level " << level;
      }
    }
    // Rotations with this digit count, at the lowest level with a key switch.
    const Ciphertext low = s.encrypt(z, 0x1p30, 1);
    const Ciphertext r = s.evaluator.rotate(low, 5, s.galois);
    std::vector<Complex> want(z.size());
    for (std::size_t j = 0; j < z.size(); ++j) want[j] = z[(j + 5) % z.size()];
    EXPECT_GE(test::precision_bits<Complex>(s.decrypt(r), want), 18.0) << "dnum " << dnum;
  }
}

// Six one-prime digits (the generic, not unrolled, inner-product path).
TEST(KeySwitch, ManyDigitsRelineariseAndRotate) {
  const std::vector<int> steps = {3};
  const test::Setup s(CkksParameters::from_bit_sizes(256, {50, 40, 40, 40, 40, 40}, {55}, 0x1p40, 6,
                                                     /*allow_insecure=*/true),
                      steps);
  ASSERT_EQ(s.context->dnum(), 6U);
  const auto z = test::complex_message(s.context->slot_count(), 25);
  const Ciphertext a = s.encrypt(z, 0x1p30, s.context->max_level());
  const Ciphertext three = s.evaluator.multiply(a, a);
  const Ciphertext two = s.evaluator.relinearize(three, s.relin);
  std::vector<Complex> sq(z.size());
  for (std::size_t j = 0; j < z.size(); ++j) sq[j] = z[j] * z[j];
  const double before = test::precision_bits<Complex>(s.decrypt(three), sq);
  EXPECT_GE(test::precision_bits<Complex>(s.decrypt(two), sq), before - 0.5);
  const Ciphertext r = s.evaluator.rotate(a, 3, s.galois);
  std::vector<Complex> want(z.size());
  for (std::size_t j = 0; j < z.size(); ++j) want[j] = z[(j + 3) % z.size()];
  EXPECT_GE(test::precision_bits<Complex>(s.decrypt(r), want), 20.0);
  // The key switch's own error, isolated from the fresh encryption noise it carries along: the
  // rotated ciphertext against the rotation of what the fresh one decrypts to. Comparing worst
  // slots of the two totals (fresh and fresh + key switch) is too noisy at 128 slots to pin it
  // (it failed 2-3% of runs). Measured over 400 runs: median 22.4 bits, minimum 21.5.
  const std::vector<Complex> fresh = s.decrypt(a);
  std::vector<Complex> fresh_rotated(fresh.size());
  for (std::size_t j = 0; j < fresh.size(); ++j) fresh_rotated[j] = fresh[(j + 3) % fresh.size()];
  EXPECT_GE(test::precision_bits<Complex>(s.decrypt(r), fresh_rotated), 21.0);
}

TEST(KeySwitch, DecompositionDigitsAreCentredLiftsOfTheInput) {
  const std::vector<int> steps;
  const test::Setup s(small_params(2), steps);
  const auto& ctx = *s.context;
  const Ciphertext a = s.encrypt(test::complex_message(ctx.slot_count(), 23));
  const DecomposedPoly dec = decompose(ctx, a.components[1], ctx.max_level());
  ASSERT_EQ(dec.digit_count, 2U);
  // For each digit: residues mod its own primes equal the input; the lift mod other primes is a
  // value congruent to the input mod Q_digit and below 2 * Q_digit in magnitude.
  for (std::size_t d = 0; d < 2; ++d) {
    const auto [begin, end] = ctx.digit_range(d, ctx.max_level());
    for (std::size_t i = begin; i < end; ++i) {
      EXPECT_TRUE(std::equal(dec.limb(d, i).begin(), dec.limb(d, i).end(),
                             a.components[1].limb(i).begin()));
    }
  }
}

mpz_class mpz_u64(std::uint64_t v) {
  mpz_class z;
  mpz_import(z.get_mpz_t(), 1, -1, sizeof(v), 0, 0, &v);
  return z;
}

// Rescale divides by q_l with rounding: every coefficient becomes floor((X + floor(q_l / 2)) / q_l)
// mod Q_{l-1}, X in [0, Q_l) the exact CRT value (GMP).
TEST(Rescale, MatchesExactRoundedDivision) {
  const std::vector<int> steps;
  const test::Setup s(small_params(0), steps);
  const auto& ctx = *s.context;
  const Ciphertext c = s.encrypt(test::complex_message(ctx.slot_count(), 24));
  const std::size_t l = ctx.max_level();
  const Ciphertext r = s.evaluator.rescale(c);
  ASSERT_EQ(r.level, l - 1);
  EXPECT_DOUBLE_EQ(r.scale, c.scale / static_cast<double>(ctx.data_modulus(l).value()));
  mpz_class q_l = mpz_u64(ctx.data_modulus(l).value());
  mpz_class big_q = 1;
  for (std::size_t i = 0; i <= l; ++i) big_q *= mpz_u64(ctx.data_modulus(i).value());
  for (std::size_t comp = 0; comp < 2; ++comp) {
    std::vector<std::vector<std::uint64_t>> in(l + 1), out(l);
    for (std::size_t i = 0; i <= l; ++i) in[i] = coeffs(ctx, c.components[comp], i);
    for (std::size_t i = 0; i < l; ++i) out[i] = coeffs(ctx, r.components[comp], i);
    for (std::size_t k = 0; k < ctx.degree(); ++k) {
      mpz_class x = 0;  // CRT by GMP
      for (std::size_t i = 0; i <= l; ++i) {
        const mpz_class qi = mpz_u64(ctx.data_modulus(i).value());
        const mpz_class punct = big_q / qi;
        mpz_class inv;
        mpz_invert(inv.get_mpz_t(), mpz_class(punct % qi).get_mpz_t(), qi.get_mpz_t());
        x += mpz_u64(in[i][k]) * inv % qi * punct;
      }
      x %= big_q;
      mpz_class expected = (x + q_l / 2) / q_l;
      for (std::size_t i = 0; i < l; ++i) {
        const mpz_class qi = mpz_u64(ctx.data_modulus(i).value());
        ASSERT_EQ(mpz_class(expected % qi), mpz_u64(out[i][k])) << "k " << k << " prime " << i;
      }
    }
  }
}

}  // namespace
}  // namespace hesplit::ckks
