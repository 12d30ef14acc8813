// Every evaluator operation against plain complex arithmetic on the messages, the key and
// encryptor APIs, and the clear errors for level/scale/key mismatches.

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <functional>
#include <thread>

#include "ckks/galois.hpp"
#include "ckks/sampler.hpp"
#include "ckks_test_setup.hpp"
#include "ckks_test_util.hpp"

namespace hesplit::ckks {
namespace {

using Complex = std::complex<double>;
using test::precision_bits;

const test::Setup& setup() {
  static const std::vector<int> steps = {1, 2, 4, 8, 16, 32, 3, -7, 256, 512, 1024, 2048};
  static const test::Setup s(preset("sealed-8192"), steps);
  return s;
}

std::vector<Complex> msg(std::uint64_t seed) {
  return test::complex_message(setup().context->slot_count(), seed);
}

template <typename F>
std::vector<Complex> map2(const std::vector<Complex>& a, const std::vector<Complex>& b, F f) {
  std::vector<Complex> r(a.size());
  for (std::size_t j = 0; j < a.size(); ++j) r[j] = f(a[j], b[j]);
  return r;
}

constexpr double kBits = 24.0;  // pk-encrypted inputs at 2^40 (fresh floor ~26.5 bits)

TEST(Evaluator, AdditionsSubtractionsNegation) {
  const auto& s = setup();
  const auto a = msg(1), b = msg(2);
  const Ciphertext ca = s.encrypt(a), cb = s.encrypt(b);
  EXPECT_GE(precision_bits<Complex>(s.decrypt(s.evaluator.add(ca, cb)), map2(a, b, std::plus<>())),
            kBits);
  EXPECT_GE(precision_bits<Complex>(s.decrypt(s.evaluator.sub(ca, cb)), map2(a, b, std::minus<>())),
            kBits);
  const auto neg = map2(a, a, [](Complex x, Complex) { return -x; });
  EXPECT_GE(precision_bits<Complex>(s.decrypt(s.evaluator.negate(ca)), neg), kBits);
  const Plaintext pb = s.encoder.encode(b, s.context->default_scale(), s.context->max_level());
  EXPECT_GE(
      precision_bits<Complex>(s.decrypt(s.evaluator.add_plain(ca, pb)), map2(a, b, std::plus<>())),
      kBits);
  Ciphertext sub = ca;
  s.evaluator.sub_plain_inplace(sub, pb);
  EXPECT_GE(precision_bits<Complex>(s.decrypt(sub), map2(a, b, std::minus<>())), kBits);
  Ciphertext shifted = ca;
  s.evaluator.add_scalar_inplace(shifted, -2.5);
  const auto want = map2(a, a, [](Complex x, Complex) { return x - 2.5; });
  EXPECT_GE(precision_bits<Complex>(s.decrypt(shifted), want), kBits);
  // A 3-component ciphertext plus a 2-component one.
  const Ciphertext three = s.evaluator.multiply(ca, cb);
  Ciphertext other = s.evaluator.multiply(cb, ca);
  s.evaluator.add_inplace(other, three);
  const auto twice = map2(a, b, [](Complex x, Complex y) { return 2.0 * x * y; });
  EXPECT_GE(precision_bits<Complex>(s.decrypt(other), twice), kBits - 1);
}

TEST(Evaluator, ScalarIntegerAndVectorProducts) {
  const auto& s = setup();
  const auto a = msg(3);
  const Ciphertext ca = s.encrypt(a);
  Ciphertext times = ca;
  s.evaluator.multiply_scalar_inplace(times, -1.75, 0x1p40);
  s.evaluator.rescale_inplace(times);
  EXPECT_GE(precision_bits<Complex>(s.decrypt(times),
                                    map2(a, a, [](Complex x, Complex) { return -1.75 * x; })),
            kBits - 1);
  Ciphertext integer = ca;
  s.evaluator.multiply_integer_inplace(integer, -3);
  EXPECT_EQ(integer.scale, ca.scale);
  EXPECT_GE(precision_bits<Complex>(s.decrypt(integer),
                                    map2(a, a, [](Complex x, Complex) { return -3.0 * x; })),
            kBits - 2);
  const std::vector<double> v = test::real_message(a.size(), 4);
  Ciphertext vec = ca;
  s.evaluator.multiply_vector_inplace(vec, v, 0x1p40);
  s.evaluator.rescale_inplace(vec);
  std::vector<Complex> want(a.size());
  for (std::size_t j = 0; j < a.size(); ++j) want[j] = a[j] * v[j];
  EXPECT_GE(precision_bits<Complex>(s.decrypt(vec), want), kBits - 1);
  const Ciphertext sq =
      s.evaluator.rescale(s.evaluator.relinearize(s.evaluator.square(ca), s.relin));
  EXPECT_GE(precision_bits<Complex>(s.decrypt(sq), map2(a, a, std::multiplies<>())), kBits - 1);
}

TEST(Evaluator, ModSwitchKeepsTheMessage) {
  const auto& s = setup();
  const auto a = msg(5);
  Ciphertext c = s.encrypt(a);
  s.evaluator.mod_switch_to_inplace(c, 0);
  EXPECT_EQ(c.level, 0U);
  EXPECT_EQ(c.components[0].num_limbs(), 1U);
  EXPECT_GE(precision_bits<Complex>(s.decrypt(c), a), kBits);
  Plaintext p = s.encoder.encode(a, 0x1p40, 2);
  s.evaluator.mod_switch_to_inplace(p, 1);
  EXPECT_GE(precision_bits<Complex>(s.encoder.decode_complex(p), a), 30);
  Ciphertext low = s.encrypt(a);
  s.evaluator.mod_switch_to_inplace(low, 1);
  s.evaluator.add_plain_inplace(low, p);
  EXPECT_GE(precision_bits<Complex>(s.decrypt(low), map2(a, a, std::plus<>())), kBits);
}

TEST(Evaluator, RotateAndSumAndGaloisElements) {
  const auto& s = setup();
  const auto a = msg(6);
  const Ciphertext c = s.encrypt(a);
  const std::size_t slots = a.size();
  // Sum of 8 consecutive slots (strides 1, 2, 4).
  const Ciphertext sum = s.evaluator.rotate_and_sum(c, 8, 1, s.galois);
  std::vector<Complex> want(slots);
  for (std::size_t j = 0; j < slots; ++j) {
    for (std::size_t t = 0; t < 8; ++t) want[j] += a[(j + t) % slots];
  }
  EXPECT_GE(precision_bits<Complex>(s.decrypt(sum), want), kBits - 3);
  // Blocks of 256 with stride 256: sum over 16 blocks (steps 256, 512, 1024, 2048).
  const Ciphertext blocks = s.evaluator.rotate_and_sum(c, 16, 256, s.galois);
  std::vector<Complex> want_blocks(slots);
  for (std::size_t j = 0; j < slots; ++j) {
    for (std::size_t t = 0; t < 16; ++t) want_blocks[j] += a[(j + 256 * t) % slots];
  }
  EXPECT_GE(precision_bits<Complex>(s.decrypt(blocks), want_blocks), kBits - 4);
  // Step 0 and the identity element give copies.
  EXPECT_EQ(s.evaluator.rotate(c, 0, s.galois).components, c.components);
  const std::vector<int> with_zero = {0, 1};
  const auto hoisted = s.evaluator.rotate_hoisted(c, with_zero, s.galois);
  EXPECT_EQ(hoisted[0].components, c.components);
  // Equivalent steps (mod N/2) map to the same Galois element.
  EXPECT_EQ(galois_element_for_step(1, 8192), galois_element_for_step(1 + 4096, 8192));
  EXPECT_EQ(galois_element_for_step(-1, 8192), galois_element_for_step(4095, 8192));
  EXPECT_EQ(conjugation_element(8192), 16383U);
}

// multiply_sum (the split layer's fused products) equals multiplying, adding the plaintext
// products and summing, bit for bit, with left operands read one level down. Four terms take the
// vector kernel where the CPU has IFMA, five the portable 128-bit loop.
TEST(Evaluator, MultiplySumEqualsProductsAndSums) {
  for (const std::uint64_t terms : {4u, 5u}) {
    SCOPED_TRACE(terms);
    const auto& s = setup();
    const std::size_t top = s.context->max_level();
    const std::size_t level = top - 1;
    std::vector<Ciphertext> a, b;
    std::vector<Plaintext> p;
    for (std::uint64_t t = 0; t < terms; ++t) {
      a.push_back(s.encrypt(msg(10 + t)));
      b.push_back(s.encrypt(msg(20 + t), s.context->default_scale(), level));
      p.push_back(s.encoder.encode(msg(30 + t), s.context->default_scale(), level));
    }
    Ciphertext want;
    for (std::size_t t = 0; t < a.size(); ++t) {
      Ciphertext low = a[t];
      s.evaluator.mod_switch_to_inplace(low, level);
      Ciphertext term = s.evaluator.multiply(low, b[t]);
      s.evaluator.add_inplace(term, s.evaluator.multiply_plain(low, p[t]));
      if (t == 0) {
        want = std::move(term);
      } else {
        s.evaluator.add_inplace(want, term);
      }
    }
    const Ciphertext got = s.evaluator.multiply_sum(a, b, p, level);
    EXPECT_EQ(got.level, want.level);
    EXPECT_DOUBLE_EQ(got.scale, want.scale);
    EXPECT_EQ(got.components, want.components);
    // Without plaintexts, and a mismatch is a clear error.
    const Ciphertext plain_free = s.evaluator.multiply_sum({&a[0], 1}, {&b[0], 1}, {}, level);
    Ciphertext low = a[0];
    s.evaluator.mod_switch_to_inplace(low, level);
    EXPECT_EQ(plain_free.components, s.evaluator.multiply(low, b[0]).components);
    EXPECT_THROW(s.evaluator.multiply_sum(a, b, p, top), std::invalid_argument);
    EXPECT_THROW(s.evaluator.multiply_sum({&b[0], 1}, {&a[0], 1}, {}, level),
                 std::invalid_argument);
  }
}

// The ParallelFor forms (key switches split into pieces, rescale per component, fused products)
// give the serial results bit for bit, with every piece on its own thread.
TEST(Evaluator, ParallelFormsAreBitIdentical) {
  const auto& s = setup();
  const ParallelFor threads = [](std::size_t count, const std::function<void(std::size_t)>& body) {
    std::vector<std::thread> running;
    for (std::size_t i = 0; i < count; ++i) running.emplace_back(body, i);
    for (std::thread& t : running) t.join();
  };
  const std::vector<int> steps = {0, 1, -7, 256};
  for (std::size_t level = 0; level <= s.context->max_level(); ++level) {
    const Ciphertext a = s.encrypt(msg(40 + level), s.context->default_scale(), level);
    const Ciphertext b = s.encrypt(msg(50 + level), s.context->default_scale(), level);
    const Ciphertext product = s.evaluator.multiply(a, b);
    Ciphertext serial = product, parallel = product;
    s.evaluator.relinearize_inplace(serial, s.relin);
    s.evaluator.relinearize_inplace(parallel, s.relin, threads);
    ASSERT_EQ(serial.components, parallel.components) << "relinearize, level " << level;
    if (level > 0) {
      s.evaluator.rescale_inplace(serial);
      s.evaluator.rescale_inplace(parallel, threads);
      ASSERT_EQ(serial.components, parallel.components) << "rescale, level " << level;
      EXPECT_DOUBLE_EQ(serial.scale, parallel.scale);
    }
    EXPECT_EQ(s.evaluator.rotate(a, -7, s.galois).components,
              s.evaluator.rotate(a, -7, s.galois, threads).components)
        << "rotate, level " << level;
    EXPECT_EQ(s.evaluator.rotate_and_sum(a, 8, 2, s.galois).components,
              s.evaluator.rotate_and_sum(a, 8, 2, s.galois, threads).components)
        << "rotate_and_sum, level " << level;
    const auto hoisted = s.evaluator.rotate_hoisted(a, steps, s.galois);
    const auto hoisted_parallel = s.evaluator.rotate_hoisted(a, steps, s.galois, threads);
    for (std::size_t i = 0; i < steps.size(); ++i) {
      EXPECT_EQ(hoisted[i].components, hoisted_parallel[i].components)
          << "hoisted step " << steps[i] << ", level " << level;
    }
    const std::vector<Ciphertext> left = {a, b}, right = {b, a};
    EXPECT_EQ(s.evaluator.multiply_sum(left, right, {}, level).components,
              s.evaluator.multiply_sum(left, right, {}, level, threads).components)
        << "multiply_sum, level " << level;
  }
}

TEST(Evaluator, MismatchesAreClearErrors) {
  const auto& s = setup();
  const auto a = msg(7);
  const Ciphertext top = s.encrypt(a);
  Ciphertext lower = top;
  s.evaluator.mod_switch_to_inplace(lower, 1);
  EXPECT_THROW(s.evaluator.add(top, lower), std::invalid_argument);
  const Ciphertext other_scale = s.encrypt(a, 0x1p39, s.context->max_level());
  try {
    (void)s.evaluator.add(top, other_scale);
    ADD_FAILURE() << "scale mismatch accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("scale"), std::string::npos);
  }
  // Within the 1e-9 relative tolerance is accepted.
  Ciphertext nearly = top;
  nearly.scale *= 1 + 1e-12;
  EXPECT_NO_THROW((void)s.evaluator.add(top, nearly));
  const Plaintext p1 = s.encoder.encode(a, 0x1p40, 1);
  EXPECT_THROW(s.evaluator.multiply_plain(top, p1), std::invalid_argument);
  EXPECT_THROW(s.evaluator.add_plain(top, p1), std::invalid_argument);
  EXPECT_THROW(s.evaluator.multiply(top, lower), std::invalid_argument);
  const Ciphertext three = s.evaluator.multiply(top, top);
  EXPECT_THROW(s.evaluator.multiply(three, top), std::invalid_argument);
  EXPECT_THROW(s.evaluator.rotate(three, 1, s.galois), std::invalid_argument);
  Ciphertext bottom = top;
  s.evaluator.mod_switch_to_inplace(bottom, 0);
  EXPECT_THROW(s.evaluator.rescale(bottom), std::invalid_argument);
  EXPECT_THROW(s.evaluator.mod_switch_to_inplace(bottom, 1), std::invalid_argument);
  try {
    (void)s.evaluator.rotate(top, 5, s.galois);
    ADD_FAILURE() << "missing Galois key accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("rotation by 5"), std::string::npos);
  }
  const std::vector<int> missing = {1, 9};
  EXPECT_THROW(s.evaluator.rotate_hoisted(top, missing, s.galois), std::invalid_argument);
  const GaloisKeys none;
  EXPECT_THROW(s.evaluator.conjugate(top, none), std::invalid_argument);
  EXPECT_THROW(s.evaluator.rotate_and_sum(top, 3, 1, s.galois), std::invalid_argument);
  // A product whose scale overflows a double is refused, and the operand is left unchanged.
  Ciphertext huge = top;
  huge.scale = 0x1p1000;
  const Ciphertext huge_before = huge;
  EXPECT_THROW(s.evaluator.multiply_scalar_inplace(huge, 1.0, 0x1p40), std::invalid_argument);
  EXPECT_EQ(huge.components, huge_before.components);
  EXPECT_EQ(huge.scale, 0x1p1000);
  EXPECT_THROW(s.evaluator.multiply(huge, huge), std::invalid_argument);
  Ciphertext broken = top;
  broken.components[1].resize_limbs(2);
  EXPECT_THROW(s.evaluator.add(top, broken), std::invalid_argument);
  EXPECT_THROW(s.decryptor.decrypt(broken), std::invalid_argument);
}

TEST(Evaluator, MalformedKeysAreRejectedNotRead) {
  const auto& s = setup();
  const Ciphertext c = s.encrypt(msg(9));
  RelinKeys short_key = s.relin;
  short_key.key.digits[1].a.resize_limbs(2);
  EXPECT_THROW(s.evaluator.relinearize(s.evaluator.multiply(c, c), short_key),
               std::invalid_argument);
  RelinKeys few = s.relin;
  few.key.digits.pop_back();
  EXPECT_THROW(s.evaluator.relinearize(s.evaluator.multiply(c, c), few), std::invalid_argument);
}

// One context, evaluator and key set shared by two threads give the same results as one thread.
TEST(Evaluator, SharedObjectsAreThreadSafe) {
  const auto& s = setup();
  const Ciphertext a = s.encrypt(msg(10));
  const Ciphertext b = s.encrypt(msg(11));
  const auto work = [&](const Ciphertext& x) {
    Ciphertext r = s.evaluator.multiply_relin(x, b, s.relin);
    s.evaluator.rescale_inplace(r);
    return s.evaluator.rotate_hoisted(r, std::vector<int>{1, 2, 3}, s.galois);
  };
  const auto want_a = work(a);
  const auto want_b = work(b);
  std::vector<Ciphertext> got_a, got_b;
  std::thread t1([&] { got_a = work(a); });
  std::thread t2([&] { got_b = work(b); });
  t1.join();
  t2.join();
  for (std::size_t i = 0; i < want_a.size(); ++i) {
    EXPECT_EQ(got_a[i].components, want_a[i].components);
    EXPECT_EQ(got_b[i].components, want_b[i].components);
  }
}

TEST(Keys, GaloisKeysExactlyForRequestedStepsAndSeededFormsExpand) {
  const auto& s = setup();
  const std::vector<int> steps = {1, 1, 4097, 0, -3};
  const SeededGaloisKeys seeded = s.keygen.create_galois_keys_seeded(steps, true);
  // 1 and 4097 coincide, 0 needs no key: {5, 5^-3, conjugation}.
  EXPECT_EQ(seeded.keys.size(), 3U);
  EXPECT_TRUE(seeded.keys.contains(galois_element_for_step(1, 8192)));
  EXPECT_TRUE(seeded.keys.contains(galois_element_for_step(-3, 8192)));
  EXPECT_TRUE(seeded.keys.contains(conjugation_element(8192)));
  const GaloisKeys expanded = expand_galois_keys(*s.context, seeded);
  const GaloisKeys again = expand_galois_keys(*s.context, seeded);
  EXPECT_EQ(expanded.keys.at(conjugation_element(8192)).digits[0].a,
            again.keys.at(conjugation_element(8192)).digits[0].a);
  const auto a = msg(8);
  const Ciphertext r = s.evaluator.rotate(s.encrypt(a), -3, expanded);
  std::vector<Complex> want(a.size());
  for (std::size_t j = 0; j < a.size(); ++j) want[j] = a[(j + a.size() - 3) % a.size()];
  EXPECT_GE(precision_bits<Complex>(s.decrypt(r), want), kBits);
  // A second key generator from the same secret key produces working keys.
  const KeyGenerator same(s.context, s.keygen.secret_key());
  const RelinKeys rk = expand_relin_keys(*s.context, same.create_relin_keys_seeded());
  const Ciphertext c = s.encrypt(a);
  const Ciphertext sq = s.evaluator.rescale(s.evaluator.multiply_relin(c, c, rk));
  EXPECT_GE(precision_bits<Complex>(s.decrypt(sq), map2(a, a, std::multiplies<>())), kBits - 1);
  // Seeded public key -> expansion encrypts correctly.
  const Encryptor pk2(s.context, expand_public_key(*s.context, same.create_public_key_seeded()));
  const Plaintext p = s.encoder.encode(a, 0x1p40, 2);
  EXPECT_GE(precision_bits<Complex>(s.decrypt(pk2.encrypt(p)), a), kBits);
  // Encryptors refuse the mode they have no key for.
  EXPECT_THROW(s.sk_encryptor.encrypt(p), std::logic_error);
  EXPECT_THROW(s.pk_encryptor.encrypt_symmetric_seeded(p), std::logic_error);
  // Two seeded encryptions of the same plaintext differ (fresh seeds and noise).
  const SeededCiphertext e1 = s.sk_encryptor.encrypt_symmetric_seeded(p);
  const SeededCiphertext e2 = s.sk_encryptor.encrypt_symmetric_seeded(p);
  EXPECT_NE(e1.seed, e2.seed);
  EXPECT_FALSE(e1.c0 == e2.c0);
  // Zero encryptions at any level.
  const Ciphertext z = s.sk_encryptor.encrypt_zero(1, 0x1p40);
  for (const Complex& x : s.decrypt(z)) ASSERT_LT(std::abs(x), 1e-6);
}

TEST(Sampler, DistributionsHaveTheRightMoments) {
  Prng prng(Seed{1, 2, 3});
  std::vector<std::int8_t> g(1 << 18), t(1 << 18);
  sample_gaussian(prng, g);
  sample_ternary(prng, t);
  double mean = 0, var = 0;
  int max_abs = 0;
  for (const std::int8_t e : g) {
    mean += e;
    var += static_cast<double>(e) * e;
    max_abs = std::max(max_abs, std::abs(static_cast<int>(e)));
  }
  mean /= static_cast<double>(g.size());
  var /= static_cast<double>(g.size());
  EXPECT_NEAR(mean, 0.0, 0.03);
  EXPECT_NEAR(var, kErrorSigma * kErrorSigma, 0.15);
  EXPECT_LE(max_abs, kErrorBound);
  std::array<int, 3> counts{};
  for (const std::int8_t x : t) counts[static_cast<std::size_t>(x + 1)]++;
  for (const int c : counts) EXPECT_NEAR(c / static_cast<double>(t.size()), 1.0 / 3.0, 0.005);
  // Seeded expansion is deterministic; different seeds differ.
  const std::vector<Modulus> m = {Modulus(setup().context->data_modulus(0))};
  Prng a(Seed{9}), b(Seed{9}), c(Seed{10});
  EXPECT_EQ(sample_uniform(a, m, 64), sample_uniform(b, m, 64));
  Prng d(Seed{9});
  EXPECT_FALSE(sample_uniform(d, m, 64) == sample_uniform(c, m, 64));
}

}  // namespace
}  // namespace hesplit::ckks
