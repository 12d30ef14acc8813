// The encrypted split layer against a plaintext (double) computation of the same protocol:
// forward Z = A (W0 + Delta)^T + b0 + delta, backward dA = G (W0 + Delta), and SGD on Delta and
// delta, with the precision asserted in bits and the key switches counted.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <memory>
#include <vector>

#include "ckks/decryptor.hpp"
#include "ckks/encoder.hpp"
#include "ckks/encryptor.hpp"
#include "ckks/keygen.hpp"
#include "ckks/params.hpp"
#include "packing/client_codec.hpp"
#include "packing/encrypted_layer.hpp"

namespace hesplit::packing {
namespace {

constexpr std::size_t kD = 256;
constexpr std::size_t kC = 5;
constexpr double kScaleA = 1099511627776.0;     // 2^40
constexpr double kScaleG = 1125899906842624.0;  // 2^50
constexpr double kEta = 0.01;

struct Client {
  std::shared_ptr<const ckks::CkksContext> context =
      ckks::CkksContext::create(ckks::preset("sealed-8192"));
  SplitLayout layout{context->slot_count(), kD, kC};
  ckks::KeyGenerator keygen{context};
  ckks::RelinKeys relin = keygen.create_relin_keys();
  ckks::GaloisKeys galois = keygen.create_galois_keys(layout.galois_steps(), true);
  ckks::CkksEncoder encoder{context};
  ckks::Encryptor encryptor{context, keygen.secret_key()};
  ckks::Decryptor decryptor{context, keygen.secret_key()};
  SplitClientCodec codec{layout};

  ckks::Ciphertext encrypt(const SlotVector& slots, double scale) const {
    return encryptor.encrypt_symmetric(encoder.encode(slots, scale, context->max_level()));
  }
  SlotVector decrypt(const ckks::Ciphertext& c) const {
    return encoder.decode_complex(decryptor.decrypt(c));
  }
};

Client& client() {
  static Client c;  // key generation is the slow part; shared by every test of this binary
  return c;
}

// Deterministic, irregular test data (not cryptographic randomness).
std::vector<double> pattern(std::size_t n, double amplitude, double seed) {
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) {
    v[i] = amplitude * std::sin(seed * 1.7 + static_cast<double>(i) * (0.37 + 0.01 * seed));
  }
  return v;
}

// Reference layer in doubles.
struct PlainLayer {
  std::vector<double> w, b;

  std::vector<double> forward(const std::vector<double>& a, std::size_t samples) const {
    std::vector<double> z(samples * kC);
    for (std::size_t k = 0; k < samples; ++k) {
      for (std::size_t i = 0; i < kC; ++i) {
        double s = b[i];
        for (std::size_t j = 0; j < kD; ++j) s += w[i * kD + j] * a[k * kD + j];
        z[k * kC + i] = s;
      }
    }
    return z;
  }
  std::vector<double> backward(const std::vector<double>& g, std::size_t samples) const {
    std::vector<double> da(samples * kD);
    for (std::size_t k = 0; k < samples; ++k) {
      for (std::size_t j = 0; j < kD; ++j) {
        double s = 0.0;
        for (std::size_t i = 0; i < kC; ++i) s += g[k * kC + i] * w[i * kD + j];
        da[k * kD + j] = s;
      }
    }
    return da;
  }
  void sgd(const std::vector<double>& a, const std::vector<double>& g, std::size_t samples) {
    for (std::size_t k = 0; k < samples; ++k) {
      for (std::size_t i = 0; i < kC; ++i) {
        b[i] -= kEta * g[k * kC + i];
        for (std::size_t j = 0; j < kD; ++j) w[i * kD + j] -= kEta * g[k * kC + i] * a[k * kD + j];
      }
    }
  }
};

// Precision in bits: -log2(max |error|), relative to the largest reference value when above 1.
double precision_bits(const std::vector<double>& got, const std::vector<double>& want) {
  double err = 0.0, peak = 1.0;
  for (std::size_t i = 0; i < want.size(); ++i) {
    err = std::max(err, std::fabs(got[i] - want[i]));
    peak = std::max(peak, std::fabs(want[i]));
  }
  return -std::log2(std::max(err / peak, 1e-300));
}

struct Batch {
  std::vector<double> a, g;
};

Batch make_batch(std::size_t samples, double seed) {
  return {pattern(samples * kD, 1.0, seed), pattern(samples * kC, 0.3, seed + 0.5)};
}

class EncryptedSplitLayerTest : public ::testing::Test {
 protected:
  EncryptedSplitLayerTest()
      : w0(pattern(kC * kD, 0.1, 3.0)),
        b0(pattern(kC, 0.2, 4.0)),
        layer(client().context, client().layout, w0, b0, {kScaleA, kScaleG}),
        plain{w0, b0} {}

  SplitEvalKeys keys() const { return {client().relin, client().galois}; }

  // One protocol step on one ciphertext; returns the decoded Z and dA.
  std::pair<std::vector<double>, std::vector<double>> step(const Batch& batch, std::size_t samples,
                                                           KeySwitchCount& count) {
    const Client& c = client();
    const ckks::Ciphertext enc_a = c.encrypt(c.codec.pack_activations(batch.a, samples), kScaleA);
    const ShiftedActivations shifted = layer.shift(enc_a, keys(), count);
    const ckks::Ciphertext z = layer.forward(shifted, keys(), count);
    EXPECT_EQ(z.level, 0u);
    const ckks::Ciphertext enc_g =
        c.encrypt(c.codec.pack_gradients(batch.g, samples, kEta), kScaleG);
    const ckks::Ciphertext da = layer.backward(enc_g, keys(), count);
    EXPECT_EQ(da.level, 0u);
    layer.update({&shifted, 1}, {&enc_g, 1}, keys(), count);
    return {c.codec.unpack_logits(c.decrypt(z), samples),
            c.codec.unpack_input_gradients(c.decrypt(da), samples, kEta)};
  }

  std::vector<double> decrypt_layer() const {
    std::vector<SlotVector> diagonals;
    for (const ckks::Ciphertext& d : layer.delta_diagonals())
      diagonals.push_back(client().decrypt(d));
    return client().codec.unpack_layer(diagonals);
  }

  std::vector<double> w0, b0;
  EncryptedSplitLayer layer;
  PlainLayer plain;
};

TEST_F(EncryptedSplitLayerTest, ForwardBackwardUpdateMatchPlaintextWithin20Bits) {
  for (const std::size_t samples : {16u, 5u}) {
    KeySwitchCount count;
    for (int round = 0; round < 2; ++round) {
      const Batch batch = make_batch(samples, 10.0 * round + static_cast<double>(samples));
      const std::vector<double> z_ref = plain.forward(batch.a, samples);
      const std::vector<double> da_ref = plain.backward(batch.g, samples);
      const auto [z, da] = step(batch, samples, count);
      plain.sgd(batch.a, batch.g, samples);
      const double z_bits = precision_bits(z, z_ref);
      const double da_bits = precision_bits(da, da_ref);
      EXPECT_GE(z_bits, 20.0) << "samples " << samples << " round " << round;
      EXPECT_GE(da_bits, 20.0) << "samples " << samples << " round " << round;
      std::printf("samples %zu round %d: Z %.1f bits, dA %.1f bits\n", samples, round, z_bits,
                  da_bits);
    }
    // Per batch: forward 3 + 1 + 6, backward 4 + 3, update 4 x (1 + 3 + 1) + bias 3 + 1.
    EXPECT_EQ(count.total(), 2u * 41u);
    EXPECT_EQ(count.relinearizations, 2u * 9u);
  }
}

TEST_F(EncryptedSplitLayerTest, DeltaAccumulatesAccuratelyOverManyUpdates) {
  constexpr int kBatches = 24;
  KeySwitchCount count;
  const SplitEvalKeys k = keys();
  const Client& c = client();
  for (int t = 0; t < kBatches; ++t) {
    const Batch batch = make_batch(16, 100.0 + t);
    const ckks::Ciphertext enc_a = c.encrypt(c.codec.pack_activations(batch.a, 16), kScaleA);
    const ShiftedActivations shifted = layer.shift(enc_a, k, count);
    const ckks::Ciphertext enc_g = c.encrypt(c.codec.pack_gradients(batch.g, 16, kEta), kScaleG);
    layer.update({&shifted, 1}, {&enc_g, 1}, k, count);
    plain.sgd(batch.a, batch.g, 16);
  }
  std::vector<double> delta_ref(kC * kD);
  double peak = 0.0;
  for (std::size_t i = 0; i < delta_ref.size(); ++i) {
    delta_ref[i] = plain.w[i] - w0[i];
    peak = std::max(peak, std::fabs(delta_ref[i]));
  }
  const std::vector<double> delta = decrypt_layer();
  double err = 0.0;
  for (std::size_t i = 0; i < delta.size(); ++i)
    err = std::max(err, std::fabs(delta[i] - delta_ref[i]));
  std::printf("Delta after %d updates: max |Delta| %.3g, max error %.3g\n", kBatches, peak, err);
  EXPECT_GT(peak, 0.05);
  EXPECT_LT(err, 1e-7);
  const std::vector<double> bias = c.codec.unpack_bias(c.decrypt(layer.delta_bias()));
  for (std::size_t i = 0; i < kC; ++i)
    EXPECT_NEAR(bias[i], plain.b[i] - b0[i], 1e-7) << "bias " << i;
  // The trained layer (bias included) is used by the next forward pass.
  const Batch probe = make_batch(16, 7.0);
  const auto [z, da] = step(probe, 16, count);
  EXPECT_GE(precision_bits(z, plain.forward(probe.a, 16)), 20.0);
  EXPECT_GE(precision_bits(da, plain.backward(probe.g, 16)), 20.0);
}

TEST_F(EncryptedSplitLayerTest, TwoThreadsGiveBitIdenticalResults) {
  const Client& c = client();
  EncryptedSplitLayer threaded(c.context, c.layout, w0, b0, {kScaleA, kScaleG});
  WorkerPool pool(2);
  KeySwitchCount serial_count, threaded_count;
  for (int round = 0; round < 2; ++round) {
    const Batch batch = make_batch(16, 50.0 + round);
    const ckks::Ciphertext enc_a = c.encrypt(c.codec.pack_activations(batch.a, 16), kScaleA);
    const ckks::Ciphertext enc_g = c.encrypt(c.codec.pack_gradients(batch.g, 16, kEta), kScaleG);
    const ShiftedActivations s1 = layer.shift(enc_a, keys(), serial_count);
    const ShiftedActivations s2 = threaded.shift(enc_a, keys(), threaded_count, &pool);
    const ckks::Ciphertext z1 = layer.forward(s1, keys(), serial_count);
    const ckks::Ciphertext z2 = threaded.forward(s2, keys(), threaded_count, &pool);
    EXPECT_EQ(z1.components, z2.components);
    const ckks::Ciphertext d1 = layer.backward(enc_g, keys(), serial_count);
    layer.update({&s1, 1}, {&enc_g, 1}, keys(), serial_count);
    // Round 0: the separate steps on the pool; round 1: the combined step.
    ckks::Ciphertext d2;
    if (round == 0) {
      d2 = threaded.backward(enc_g, keys(), threaded_count, &pool);
      threaded.update({&s2, 1}, {&enc_g, 1}, keys(), threaded_count, &pool);
    } else {
      d2 = threaded.backward_and_update(s2, enc_g, keys(), threaded_count, &pool);
    }
    EXPECT_EQ(d1.components, d2.components);
  }
  for (std::size_t t = 0; t < c.layout.shifts(); ++t) {
    EXPECT_EQ(layer.delta_diagonals()[t].components, threaded.delta_diagonals()[t].components);
  }
  EXPECT_EQ(layer.delta_bias().components, threaded.delta_bias().components);
  EXPECT_EQ(serial_count.total(), threaded_count.total());
}

// The same layout at N = 16384 (32 samples per ciphertext, 6 data primes: Delta at level 4).
TEST(EncryptedSplitLayer16384, OneProtocolStepMatchesPlaintext) {
  const auto context = ckks::CkksContext::create(ckks::preset("sealed-16384"));
  const SplitLayout layout(context->slot_count(), kD, kC);
  ASSERT_EQ(layout.samples_per_ciphertext(), 32u);
  const ckks::KeyGenerator keygen(context);
  const ckks::RelinKeys relin = keygen.create_relin_keys();
  const ckks::GaloisKeys galois = keygen.create_galois_keys(layout.galois_steps(), true);
  const ckks::CkksEncoder encoder(context);
  const ckks::Encryptor encryptor(context, keygen.secret_key());
  const ckks::Decryptor decryptor(context, keygen.secret_key());
  const SplitClientCodec codec(layout);
  const std::vector<double> w0 = pattern(kC * kD, 0.1, 5.0), b0 = pattern(kC, 0.2, 6.0);
  EncryptedSplitLayer layer(context, layout, w0, b0, {kScaleA, kScaleG});
  PlainLayer plain{w0, b0};
  const SplitEvalKeys keys{relin, galois};
  KeySwitchCount count;
  const std::size_t top = context->max_level();
  for (int round = 0; round < 2; ++round) {
    const Batch batch = make_batch(32, 70.0 + round);
    const auto enc_a = encryptor.encrypt_symmetric(
        encoder.encode(codec.pack_activations(batch.a, 32), kScaleA, top));
    const auto enc_g = encryptor.encrypt_symmetric(
        encoder.encode(codec.pack_gradients(batch.g, 32, kEta), kScaleG, top));
    const ShiftedActivations s = layer.shift(enc_a, keys, count);
    const auto z = codec.unpack_logits(
        encoder.decode_complex(decryptor.decrypt(layer.forward(s, keys, count))), 32);
    const auto da = codec.unpack_input_gradients(
        encoder.decode_complex(decryptor.decrypt(layer.backward_and_update(s, enc_g, keys, count))),
        32, kEta);
    EXPECT_GE(precision_bits(z, plain.forward(batch.a, 32)), 20.0) << "round " << round;
    EXPECT_GE(precision_bits(da, plain.backward(batch.g, 32)), 20.0) << "round " << round;
    plain.sgd(batch.a, batch.g, 32);
  }
  // 16 blocks: the trace has one more rotation per update (4 diagonals + bias).
  EXPECT_EQ(count.total(), 2u * (41u + 5u));
}

TEST_F(EncryptedSplitLayerTest, RejectsInputsAtTheWrongLevelOrScale) {
  const Client& c = client();
  KeySwitchCount count;
  const Batch batch = make_batch(2, 1.0);
  ckks::Ciphertext a = c.encrypt(c.codec.pack_activations(batch.a, 2), kScaleA);
  ckks::Ciphertext wrong_scale = c.encrypt(c.codec.pack_activations(batch.a, 2), kScaleG);
  EXPECT_THROW(layer.shift(wrong_scale, keys(), count), std::invalid_argument);
  ckks::Evaluator(c.context).mod_switch_to_inplace(a, 1);
  EXPECT_THROW(layer.shift(a, keys(), count), std::invalid_argument);
  EXPECT_THROW(layer.backward(a, keys(), count), std::invalid_argument);
  EXPECT_THROW(layer.set_state({}, layer.delta_bias()), std::invalid_argument);
}

}  // namespace
}  // namespace hesplit::packing
