// The HE protocols through their real client and server roles (in-memory transport): decrypted
// logits and dL/dA against the plaintext head with the same weights, Delta (sealed) and the
// refreshed W (paper) against plaintext SGD, and the noise budget over 10 epochs' worth of updates.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "nn/server_head.hpp"
#include "packing/layout.hpp"
#include "split/he_server.hpp"
#include "split/sealed_layer_file.hpp"
#include "test_data.hpp"
#include "test_sealed_support.hpp"

namespace hesplit::test {
namespace {

constexpr double kEta = 0.01;
constexpr std::uint64_t kSeed = 7;

// Deterministic irregular data in the ranges the real model produces (A >= -0.1, |G| < 1).
nn::FloatTensor pattern(std::int64_t rows, std::int64_t cols, double amplitude, double offset,
                        double salt) {
  nn::FloatTensor t{{rows, cols}, {}};
  for (std::int64_t i = 0; i < rows * cols; ++i) {
    t.data.push_back(static_cast<float>(
        offset +
        amplitude * std::sin(salt * 1.3 + static_cast<double>(i) * (0.41 + 0.003 * salt))));
  }
  return t;
}

double max_abs_diff(const nn::FloatTensor& a, const nn::FloatTensor& b) {
  EXPECT_EQ(a.shape, b.shape);
  double m = 0.0;
  for (std::size_t i = 0; i < a.data.size(); ++i) {
    m = std::max(m, std::fabs(static_cast<double>(a.data[i]) - b.data[i]));
  }
  return m;
}

// The decrypted server layer of a sealed checkpoint: W0 + Delta (classes x features).
std::vector<double> released_weights(const HeSession& session, const std::filesystem::path& dir) {
  const split::SealedLayerState state =
      split::load_sealed_layer(dir / split::kSealedLayerFile, session.crypto->context());
  EXPECT_EQ(state.delta.size(), packing::SplitLayout::kShifts + 1);
  std::vector<packing::SlotVector> diagonals;
  for (std::size_t t = 0; t < packing::SplitLayout::kShifts; ++t) {
    diagonals.push_back(session.crypto->decrypt(state.delta[t]));
  }
  std::vector<double> w = session.crypto->codec().unpack_layer(diagonals);
  for (std::size_t i = 0; i < w.size(); ++i) w[i] += state.w0[i];
  return w;
}

// Runs `batches` training steps of `rows` samples through both the HE session and the plaintext
// head; checks logits and dL/dA on every batch; returns the largest errors seen.
struct Errors {
  double logits = 0.0;
  double input_grads = 0.0;
};
Errors run_batches(HeSession& session, nn::ServerHead& plain, int batches, std::int64_t rows,
                   std::uint32_t epochs = 1) {
  Errors worst;
  int step = 0;
  for (std::uint32_t e = 1; e <= epochs; ++e) {
    for (int b = 0; b < batches; ++b, ++step) {
      const nn::FloatTensor a = pattern(rows, 256, 0.6, 0.5, step);
      const nn::FloatTensor z = session.head->forward({e, static_cast<std::uint64_t>(b)}, a);
      const nn::FloatTensor z_ref = plain.forward(a);
      worst.logits = std::max(worst.logits, max_abs_diff(z, z_ref));
      const nn::FloatTensor g = pattern(rows, 5, 0.2, 0.0, step + 0.5);
      const nn::FloatTensor da = session.head->backward({e, static_cast<std::uint64_t>(b)}, g);
      const nn::FloatTensor da_ref = plain.backward(g);
      worst.input_grads = std::max(worst.input_grads, max_abs_diff(da, da_ref));
      plain.step();
    }
  }
  return worst;
}

TEST(SealedProtocol, LogitsInputGradsAndDeltaMatchPlaintextSgd) {
  const auto dir = scratch_dir("sealed_protocol_match");
  HeSession session(split::kSealedProtocol, kEta, kSeed, dir);
  nn::ServerHead plain(256, 5, kSeed, kEta);
  // 21 rows: two ciphertexts per message (16 + 5 samples).
  const Errors e = run_batches(session, plain, 6, 21);
  std::printf("sealed: logits error %.3g, dL/dA error %.3g\n", e.logits, e.input_grads);
  EXPECT_LT(e.logits, 1e-3);
  EXPECT_LT(e.input_grads, 1e-3);
  session.finish();
  const std::vector<double> w = released_weights(session, dir);
  const nn::FloatTensor w_ref = plain.weight();
  double err = 0.0;
  for (std::size_t i = 0; i < w.size(); ++i) err = std::max(err, std::fabs(w[i] - w_ref.data[i]));
  std::printf("sealed: W0 + Delta after 6 steps, error %.3g\n", err);
  EXPECT_LT(err, 1e-3);
  // Key switches per batch of 21 samples: 2 ciphertexts forward (10 each), backward (7 each),
  // one update (24), reported by the server.
  std::uint64_t total = 0;
  for (const auto& [epoch, ks] : session.head->key_switches()) {
    total += ks.rotations + ks.relinearizations;
  }
  EXPECT_EQ(total, 6u * (2u * 17u) + 5u * 24u);  // the last update is reported with no reply
}

TEST(SealedProtocol, AOneThreadServerMatchesPlaintextSgdToo) {
  // --he-threads 1: the server's whole computation on its session thread.
  HeSession session(split::kSealedProtocol, kEta, kSeed, std::nullopt, {}, 1);
  nn::ServerHead plain(256, 5, kSeed, kEta);
  const Errors e = run_batches(session, plain, 3, 21);
  EXPECT_LT(e.logits, 1e-3);
  EXPECT_LT(e.input_grads, 1e-3);
  session.finish();
}

TEST(PaperProtocol, LogitsInputGradsAndRefreshedWeightsMatchPlaintextSgd) {
  const auto dir = scratch_dir("paper_protocol_match");
  HeSession session(split::kPaperProtocol, kEta, kSeed, dir);
  nn::ServerHead plain(256, 5, kSeed, kEta);
  const Errors e = run_batches(session, plain, 6, 21);
  std::printf("paper: logits error %.3g, dL/dA error %.3g\n", e.logits, e.input_grads);
  EXPECT_LT(e.logits, 1e-3);
  EXPECT_LT(e.input_grads, 1e-3);
  session.finish();  // carries the last W' + M back to the server, which saves W'
  const nn::ServerHead saved = nn::ServerHead::load(dir / split::kServerCheckpoint, kEta);
  EXPECT_LT(max_abs_diff(saved.weight(), plain.weight()), 1e-3);
  EXPECT_LT(max_abs_diff(saved.bias(), plain.bias()), 1e-3);
}

TEST(SealedProtocol, FrozenServerLayerMatchesPlaintextToo) {
  split::HeSessionOptions options;
  options.server_layer = "frozen";
  HeSession session(split::kSealedProtocol, kEta, kSeed, std::nullopt, options);
  nn::ServerHead plain(256, 5, kSeed, kEta);
  const Errors e = run_batches(session, plain, 4, 16);
  EXPECT_LT(e.logits, 1e-3);
  EXPECT_LT(e.input_grads, 1e-3);
  session.finish();
}

TEST(SealedProtocol, FloodedRepliesStillDecryptWithin1e3) {
  split::HeSessionOptions options;
  options.flood = true;
  HeSession session(split::kSealedProtocol, kEta, kSeed, std::nullopt, options);
  nn::ServerHead plain(256, 5, kSeed, kEta);
  const Errors e = run_batches(session, plain, 2, 16);
  EXPECT_LT(e.logits, 1e-3);
  EXPECT_LT(e.input_grads, 1e-3);
  session.finish();
}

// 10 epochs of a 320-sample training set at batch 16: 200 encrypted updates of Delta, which must
// still decrypt within 1e-3 of plaintext SGD (PROTOCOL.md: the error grows like sqrt(updates)).
TEST(SealedProtocol, NoiseBudgetAfterTenEpochsOfUpdates) {
  const auto dir = scratch_dir("sealed_noise_budget");
  HeSession session(split::kSealedProtocol, kEta, kSeed, dir);
  nn::ServerHead plain(256, 5, kSeed, kEta);
  const Errors e = run_batches(session, plain, 20, 16, 10);
  EXPECT_LT(e.logits, 1e-3);
  EXPECT_LT(e.input_grads, 1e-3);
  session.finish();
  const std::vector<double> w = released_weights(session, dir);
  const nn::FloatTensor w0 = nn::ServerHead(256, 5, kSeed, kEta).weight();
  const nn::FloatTensor w_ref = plain.weight();
  double err = 0.0, peak = 0.0;
  for (std::size_t i = 0; i < w.size(); ++i) {
    err = std::max(err, std::fabs(w[i] - w_ref.data[i]));
    peak = std::max(peak, std::fabs(static_cast<double>(w_ref.data[i]) - w0.data[i]));
  }
  std::printf("200 updates: |Delta| up to %.3g, error %.3g; logits %.3g, dL/dA %.3g\n", peak, err,
              e.logits, e.input_grads);
  EXPECT_GT(peak, 1e-2);  // the layer really moved
  EXPECT_LT(err, 1e-3);
}

}  // namespace
}  // namespace hesplit::test
