// End-to-end precision of every operation, per preset, against plain complex arithmetic on the
// messages. Precision = -log2(max slot error). Thresholds are assertions.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <iostream>
#include <map>
#include <memory>

#include "ckks_test_setup.hpp"
#include "ckks_test_util.hpp"

namespace hesplit::ckks {
namespace {

using Complex = std::complex<double>;
using test::precision_bits;

// Worst-slot precision thresholds (bits). The noise floor of a fresh encryption is set by the
// error (sigma 3.2): its slot error has standard deviation about 3.2 * sqrt(N / 2) per real
// component, so the worst of N/2 slots sits near log2(scale) - 9.7 bits at N = 8192 (secret key)
// and about 4 bits lower with the public key (rounding when dividing by P, as in SEAL; that term
// grows like N, so one bit is lost per doubling of N, half a bit for the secret key).
struct PresetCase {
  std::string name;
  double fresh_sk_bits;        // fresh seeded secret-key encryption, real message
  double fresh_pk_bits;        // fresh public-key encryption, real message
  double op_bits;              // products, rescales, rotations, conjugation, hoisting (complex)
  double product_rotate_bits;  // product + relinearise + rescale + rotation
  double chain_bits;           // after the whole depth
  std::vector<int> steps;      // rotations tested one by one
};

std::vector<int> powers_of_two_steps(std::size_t slots) {
  std::vector<int> steps = {-1, 3, 7, 100};
  for (std::size_t s = 1; s < slots; s <<= 1) steps.push_back(static_cast<int>(s));
  return steps;
}

const std::vector<PresetCase>& cases() {
  static const std::vector<PresetCase> all = {
      {"sealed-8192", 30, 26, 23, 22, 23, powers_of_two_steps(4096)},
      {"seal-8192", 30, 26, 23, 22, 23, powers_of_two_steps(4096)},
      // N = 16384: the fresh floors are about 30.0 (secret key) and 25.3 (public key) bits.
      {"sealed-16384", 29.5, 24.5, 23, 22, 23, {1, -1, 5, 1024}},
      // The published artifact's parameters (scale 2^21) are intrinsically imprecise. Their
      // thresholds sit about 1 bit (5 standard deviations of run-to-run variation) below the
      // means measured over repeated runs, so that only a real regression fails them.
      {"paper-8192", 10, 6.5, 4.5, 4.5, 4, powers_of_two_steps(4096)},
      {"paper-16384", 9.5, 6, 3.4, 3.4, 3.2, {1, -1, 5, 1024}},
  };
  return all;
}

const PresetCase& find_case(const std::string& name) {
  for (const PresetCase& c : cases()) {
    if (c.name == name) return c;
  }
  throw std::runtime_error("no case " + name);
}

// One setup per preset for the whole test binary (key generation is the slow part).
const test::Setup& setup_for(const std::string& name) {
  static std::map<std::string, std::unique_ptr<test::Setup>> setups;
  auto it = setups.find(name);
  if (it == setups.end()) {
    std::vector<int> steps = find_case(name).steps;
    for (int s = 1; s <= 8; ++s) steps.push_back(s);
    it = setups.emplace(name, std::make_unique<test::Setup>(preset(name), steps)).first;
  }
  return *it->second;
}

void report(const std::string& preset_name, const std::string& op, double bits) {
  std::cout << "[precision] " << preset_name << " " << op << ": " << bits << " bits\n";
}

class Precision : public ::testing::TestWithParam<std::string> {
 protected:
  const test::Setup& s() const { return setup_for(GetParam()); }
  const PresetCase& expect() const { return find_case(GetParam()); }
  std::vector<Complex> message(std::uint64_t seed) const {
    return test::complex_message(s().context->slot_count(), seed);
  }
  // A ciphertext at level top - 1 and the default scale: product of two fresh ones, relinearised
  // and rescaled. Also returns the expected message.
  Ciphertext product(std::vector<Complex>& expected) const {
    const auto a = message(11);
    const auto b = message(12);
    const std::size_t top = s().context->max_level();
    const double qtop = static_cast<double>(s().context->data_modulus(top).value());
    Ciphertext ca = s().encrypt(a);
    Ciphertext cb = s().encrypt(b, qtop, top);  // scale q_top: the rescale restores the scale
    Ciphertext c = s().evaluator.multiply_relin(ca, cb, s().relin);
    s().evaluator.rescale_inplace(c);
    expected.resize(a.size());
    for (std::size_t j = 0; j < a.size(); ++j) expected[j] = a[j] * b[j];
    return c;
  }
};

// The worst slot of one fresh encryption is a random variable with standard deviation about
// 0.11 bit (secret key) and 0.19 bit (public key) around its mean (measured over 1000
// encryptions: sealed-8192 secret key 30.39 mean, 29.94 lowest). Its median over five
// encryptions is asserted against the threshold, so that the test is not a lottery at the noise
// floor, and every single one must stay within half a bit of it.
TEST_P(Precision, FreshPublicAndSeededSecretKeyEncryption) {
  const std::vector<double> z = test::real_message(s().context->slot_count(), 1);
  const double scale = s().context->default_scale();
  const std::size_t top = s().context->max_level();
  const Plaintext plain = s().encoder.encode(z, scale, top);
  const auto decode = [&](const Ciphertext& c) {
    return s().encoder.decode(s().decryptor.decrypt(c));
  };
  constexpr int kDraws = 5;
  std::vector<double> pk_bits, sk_bits;
  double pk_mean = 0, sk_mean = 0;
  for (int draw = 0; draw < kDraws; ++draw) {
    const std::vector<double> pk = decode(s().pk_encryptor.encrypt(plain));
    pk_bits.push_back(precision_bits<double>(pk, z));
    pk_mean = test::mean_precision_bits<double>(pk, z);
    const SeededCiphertext seeded = s().sk_encryptor.encrypt_symmetric_seeded(plain);
    const Ciphertext expanded = expand_ciphertext(*s().context, seeded);
    EXPECT_EQ(expanded.components[0], seeded.c0);
    const std::vector<double> sk = decode(expanded);
    sk_bits.push_back(precision_bits<double>(sk, z));
    sk_mean = test::mean_precision_bits<double>(sk, z);
  }
  std::sort(pk_bits.begin(), pk_bits.end());
  std::sort(sk_bits.begin(), sk_bits.end());
  report(GetParam(), "fresh public-key (worst slot, median of 5)", pk_bits[kDraws / 2]);
  report(GetParam(), "fresh public-key (worst slot, lowest of 5)", pk_bits[0]);
  report(GetParam(), "fresh public-key (mean error)", pk_mean);
  report(GetParam(), "fresh secret-key seeded (worst slot, median of 5)", sk_bits[kDraws / 2]);
  report(GetParam(), "fresh secret-key seeded (worst slot, lowest of 5)", sk_bits[0]);
  report(GetParam(), "fresh secret-key seeded (mean error)", sk_mean);
  EXPECT_GE(pk_bits[kDraws / 2], expect().fresh_pk_bits);
  EXPECT_GE(pk_bits[0], expect().fresh_pk_bits - 0.5);
  EXPECT_GE(sk_bits[kDraws / 2], expect().fresh_sk_bits);
  EXPECT_GE(sk_bits[0], expect().fresh_sk_bits - 0.5);

  // Complex messages use both real and imaginary parts of the error.
  const auto zc = message(1);
  const double complex_bits = precision_bits<Complex>(s().decrypt(s().encrypt(zc)), zc);
  report(GetParam(), "fresh public-key, complex (worst slot)", complex_bits);
  EXPECT_GE(complex_bits, expect().fresh_pk_bits - 1.0);
}

TEST_P(Precision, MultiplyPlainRescale) {
  const auto a = message(2);
  const auto b = message(3);
  const std::size_t top = s().context->max_level();
  const double qtop = static_cast<double>(s().context->data_modulus(top).value());
  Ciphertext c = s().encrypt(a);
  s().evaluator.multiply_plain_inplace(c, s().encoder.encode(b, qtop, top));
  s().evaluator.rescale_inplace(c);
  EXPECT_EQ(c.level, top - 1);
  EXPECT_NEAR(c.scale, s().context->default_scale(), 1e-6 * c.scale);
  std::vector<Complex> want(a.size());
  for (std::size_t j = 0; j < a.size(); ++j) want[j] = a[j] * b[j];
  const double bits = precision_bits<Complex>(s().decrypt(c), want);
  report(GetParam(), "multiply_plain+rescale", bits);
  EXPECT_GE(bits, expect().op_bits);
}

TEST_P(Precision, MultiplyRelinearizeRescale) {
  std::vector<Complex> want;
  const Ciphertext c = product(want);
  EXPECT_EQ(c.size(), 2U);
  const double bits = precision_bits<Complex>(s().decrypt(c), want);
  report(GetParam(), "multiply+relin+rescale", bits);
  EXPECT_GE(bits, expect().op_bits);
  // Decrypting the 3-component product directly agrees as well.
  const auto a = message(11);
  const Ciphertext three = s().evaluator.multiply(s().encrypt(a), s().encrypt(a));
  std::vector<Complex> sq(a.size());
  for (std::size_t j = 0; j < a.size(); ++j) sq[j] = a[j] * a[j];
  EXPECT_GE(precision_bits<Complex>(s().decrypt(three), sq), expect().op_bits);
}

TEST_P(Precision, EachRotationStepAndConjugation) {
  const auto z = message(4);
  const Ciphertext c = s().encrypt(z);
  const std::size_t slots = z.size();
  double worst = 64;
  for (const int step : expect().steps) {
    const Ciphertext r = s().evaluator.rotate(c, step, s().galois);
    std::vector<Complex> want(slots);
    for (std::size_t j = 0; j < slots; ++j) {
      const long shifted = (static_cast<long>(j) + step) % static_cast<long>(slots);
      want[j] =
          z[static_cast<std::size_t>(shifted < 0 ? shifted + static_cast<long>(slots) : shifted)];
    }
    const double bits = precision_bits<Complex>(s().decrypt(r), want);
    worst = std::min(worst, bits);
    EXPECT_GE(bits, expect().op_bits) << "step " << step;
  }
  report(GetParam(), "rotation (worst step)", worst);
  const Ciphertext conj = s().evaluator.conjugate(c, s().galois);
  std::vector<Complex> want(slots);
  for (std::size_t j = 0; j < slots; ++j) want[j] = std::conj(z[j]);
  const double bits = precision_bits<Complex>(s().decrypt(conj), want);
  report(GetParam(), "conjugation", bits);
  EXPECT_GE(bits, expect().op_bits);
}

TEST_P(Precision, EightHoistedRotationsMatchSingleRotationsExactly) {
  const auto z = message(5);
  const Ciphertext c = s().encrypt(z);
  const std::vector<int> steps = {1, 2, 3, 4, 5, 6, 7, 8};
  const std::vector<Ciphertext> hoisted = s().evaluator.rotate_hoisted(c, steps, s().galois);
  ASSERT_EQ(hoisted.size(), steps.size());
  const std::size_t slots = z.size();
  double worst = 64;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const Ciphertext single = s().evaluator.rotate(c, steps[i], s().galois);
    EXPECT_EQ(hoisted[i].components, single.components) << "step " << steps[i];
    std::vector<Complex> want(slots);
    for (std::size_t j = 0; j < slots; ++j)
      want[j] = z[(j + static_cast<std::size_t>(steps[i])) % slots];
    worst = std::min(worst, precision_bits<Complex>(s().decrypt(hoisted[i]), want));
  }
  report(GetParam(), "8 hoisted rotations (worst)", worst);
  EXPECT_GE(worst, expect().op_bits);
}

TEST_P(Precision, ProductThenRotation) {
  std::vector<Complex> prod;
  const Ciphertext c = product(prod);
  const Ciphertext r = s().evaluator.rotate(c, 1, s().galois);
  std::vector<Complex> want(prod.size());
  for (std::size_t j = 0; j < prod.size(); ++j) want[j] = prod[(j + 1) % prod.size()];
  const double bits = precision_bits<Complex>(s().decrypt(r), want);
  report(GetParam(), "multiply+relin+rescale+rotate", bits);
  EXPECT_GE(bits, expect().product_rotate_bits);
}

TEST_P(Precision, ChainUsingTheWholeDepth) {
  // At each level l: multiply by a fresh ciphertext encrypted at scale q_l, relinearise,
  // rescale (so the scale stays the default one), then rotate by one slot; down to level 0.
  const auto a = message(6);
  std::vector<Complex> want = a;
  Ciphertext c = s().encrypt(a);
  const std::size_t slots = a.size();
  std::uint64_t seed = 100;
  for (std::size_t level = s().context->max_level(); level >= 1; --level) {
    const auto b = message(seed++);
    const double ql = static_cast<double>(s().context->data_modulus(level).value());
    c = s().evaluator.multiply_relin(c, s().encrypt(b, ql, level), s().relin);
    s().evaluator.rescale_inplace(c);
    c = s().evaluator.rotate(c, 1, s().galois);
    std::vector<Complex> next(slots);
    for (std::size_t j = 0; j < slots; ++j) {
      const std::size_t src = (j + 1) % slots;
      next[j] = want[src] * b[src];
    }
    want = next;
  }
  EXPECT_EQ(c.level, 0U);
  const double bits = precision_bits<Complex>(s().decrypt(c), want);
  report(GetParam(), "whole-depth chain (" + std::to_string(s().context->max_level()) + " levels)",
         bits);
  EXPECT_GE(bits, expect().chain_bits);
}

INSTANTIATE_TEST_SUITE_P(Presets, Precision,
                         ::testing::Values("sealed-8192", "seal-8192", "paper-8192", "sealed-16384",
                                           "paper-16384"),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& ch : n) ch = (ch == '-') ? '_' : ch;
                           return n;
                         });

}  // namespace
}  // namespace hesplit::ckks
