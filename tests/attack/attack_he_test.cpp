// Real paper and sealed sessions (client and server roles over in-memory queues), recorded with
// the server view and attacked offline: paper leaks every label through the clear G; sealed gives
// the attacks nothing, and nothing the client sends is a plaintext derived from a decryption.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <map>
#include <set>
#include <thread>

#include "attack/attack_run.hpp"
#include "attack/label_leakage.hpp"
#include "attack/session_view.hpp"
#include "beat_fixture.hpp"
#include "memory_transport.hpp"
#include "nn/client_front.hpp"
#include "split/protocols/he/he_client_crypto.hpp"
#include "split/protocols/he/he_protocol.hpp"
#include "split/protocols/he/he_remote_head.hpp"
#include "split/serve_session.hpp"
#include "split/server_view_file.hpp"
#include "split/trainer.hpp"
#include "test_data.hpp"

namespace hesplit::attack {
namespace {

constexpr std::size_t kBatch = 4;

ecg::BeatDataset recorded_he_session(const std::string& protocol, const std::filesystem::path& dir,
                                     std::size_t batch = kBatch, const std::string& adversary = "",
                                     const std::string& preset = "sealed-8192",
                                     std::size_t epochs = 1,
                                     split::TrainingResult* result = nullptr) {
  const ecg::BeatDataset data = test::synthetic_dataset(40, 16);
  ecg::write_beat_dataset(dir / "data.h5", data);
  test::MemoryLink link;
  split::ServerOptions server_options;
  server_options.record_dir = dir / "server-view";
  server_options.adversary = adversary;
  std::thread server([&] { split::serve_session(link.server, server_options); });
  nn::ClientFront front(0, 1e-3);
  {
    split::HeadParams params;
    params.classes = 5;
    params.batch_size = batch;
    split::HeSessionOptions he;
    he.preset = preset;
    split::HeRemoteHead head(link.client, params, protocol, he,
                             std::make_shared<split::HeClientCrypto>(preset, 256, 5));
    split::TrainOptions options;
    options.epochs = static_cast<int>(epochs);
    options.batch_size = batch;
    split::TrainingObserver quiet;
    const split::TrainingResult r = split::train(front, head, data, 5, options, quiet);
    if (result != nullptr) *result = r;
  }
  server.join();
  return data;
}

TEST(AttackPaper, EveryLabelIsReadFromTheClearLogitGradients) {
  const auto dir = test::scratch_dir("attack-paper-labels");
  const ecg::BeatDataset data = recorded_he_session(split::kPaperProtocol, dir);
  const SessionView view = load_session_view(find_view_files(dir).at(0), 0);
  EXPECT_EQ(view.protocol, "paper");
  ASSERT_EQ(view.batches.size(), 10u);
  EXPECT_GT(view.ciphertext_bytes_received, 0u);
  std::vector<float> g;
  std::vector<std::int64_t> labels;
  for (const ViewBatch& b : view.batches) {
    EXPECT_FALSE(b.activations.has_value());  // A travels encrypted
    ASSERT_TRUE(b.logit_grads.has_value());   // G does not
    g.insert(g.end(), b.logit_grads->data.begin(), b.logit_grads->data.end());
    for (std::size_t r = 0; r < kBatch; ++r) labels.push_back(data.train.y[b.batch * kBatch + r]);
  }
  const LabelLeakage l = label_leakage(g, labels, 5);
  EXPECT_EQ(l.samples, 40u);
  EXPECT_EQ(l.accuracy, 1.0);

  AttackOptions options;
  options.run_dir = dir;
  options.data = dir / "data.h5";
  options.out_dir = dir / "report";
  const nlohmann::json j = run_attacks(options);
  EXPECT_EQ(j["label_leakage"]["accuracy"].get<double>(), 1.0);
  const nlohmann::json& r = j["refresh_recovery"];
  std::printf("paper refresh recovery at batch 4: %s\n", r.dump().c_str());
  EXPECT_EQ(r["batches"].get<std::size_t>(), 10u);
  // With our default precision the refresh gives A back at batch 4 (measured 5.4e-5); a wrong
  // ground-truth replay or a wrong solve would give errors of order 1.
  EXPECT_LT(r["median_relative_error"].get<double>(), 1e-3);
  EXPECT_GT(r["median_pearson"].get<double>(), 0.999);
}

// A deviating paper server sends the client's own Enc(A) back in place of Enc(W' + M); the client,
// following the protocol, decrypts it and returns A in the clear.
TEST(AttackPaper, DecryptionOracleRecoversAAtBatch4And16) {
  for (const std::size_t batch : {std::size_t{4}, std::size_t{16}}) {
    const auto dir = test::scratch_dir("attack-paper-oracle-" + std::to_string(batch));
    recorded_he_session(split::kPaperProtocol, dir, batch, "decryption-oracle");
    AttackOptions options;
    options.run_dir = dir;
    options.data = dir / "data.h5";
    options.out_dir = dir / "report";
    const nlohmann::json j = run_attacks(options);
    const nlohmann::json& r = j["decryption_oracle"];
    std::printf("decryption oracle at batch %zu: %s\n", batch, r.dump().c_str());
    ASSERT_TRUE(r.contains("batches")) << r.dump();
    EXPECT_EQ(r["batches"].get<std::size_t>(), (40 + batch - 1) / batch);
    EXPECT_EQ(r["batch_size"].get<std::size_t>(), batch);
    EXPECT_LE(r["max_relative_error"].get<double>(), 1e-3);
  }
}

// The same deviating server at the artifact's scale 2^21 (PROTOCOL.md measured 0.6% on the
// artifact): the client still returns its A, to within the CKKS noise of that scale (the key
// switches of the block rotations at a 2^21 scale).
TEST(AttackPaper, DecryptionOracleAtTheArtifactScale) {
  const auto dir = test::scratch_dir("attack-paper-oracle-2-21");
  recorded_he_session(split::kPaperProtocol, dir, kBatch, "decryption-oracle", "paper-8192");
  AttackOptions options;
  options.run_dir = dir;
  options.data = dir / "data.h5";
  options.out_dir = dir / "report";
  const nlohmann::json r = run_attacks(options)["decryption_oracle"];
  std::printf("decryption oracle at batch 4, paper-8192: %s\n", r.dump().c_str());
  EXPECT_EQ(r["batches"].get<std::size_t>(), 10u);
  // Measured: median 1.2e-2, worst 1.3e-2 (at 2^40: 5e-9). A is recovered, noisier.
  EXPECT_LE(r["max_relative_error"].get<double>(), 5e-2);
  EXPECT_GT(r["relative_error"].get<double>(), 1e-4);
}

// The artifact's parameters (paper-8192: primes {40,21,21,21} + 40, A and eta G encoded at 2^21)
// against our default (sealed-8192: A at 2^40, eta G at 2^50), same data, seed and batches. Both
// train alike (the client's front learns from the clear dL/dA); the refresh gives A back at
// 2^40, while at 2^21 the CKKS noise on the refreshed weights (key switches of the update's trace
// at a 2^21 scale) is many times the SGD step and hides A, as PROTOCOL.md found on the artifact.
// Measured: relative error 4.9e-5 vs 21, median per-sample Pearson 1.0000 vs 0.04.
TEST(AttackPaper, ArtifactScaleTrainsAndBlursTheRefreshRecovery) {
  constexpr std::size_t kEpochs = 3;
  std::map<std::string, nlohmann::json> recovery;
  std::map<std::string, double> losses;
  for (const std::string preset : {"paper-8192", "sealed-8192"}) {
    const auto dir = test::scratch_dir("attack-paper-scale-" + preset);
    split::TrainingResult result;
    recorded_he_session(split::kPaperProtocol, dir, kBatch, "", preset, kEpochs, &result);
    ASSERT_EQ(result.epochs.size(), kEpochs);
    std::printf("%s train loss per epoch: %.4f %.4f %.4f\n", preset.c_str(),
                result.epochs[0].train_loss, result.epochs[1].train_loss,
                result.epochs[2].train_loss);
    EXPECT_LT(result.epochs.back().train_loss, 0.98 * result.epochs.front().train_loss) << preset;
    losses[preset] = result.epochs.back().train_loss;
    AttackOptions options;
    options.run_dir = dir;
    options.data = dir / "data.h5";
    options.out_dir = dir / "report";
    const nlohmann::json j = run_attacks(options);
    EXPECT_EQ(j["label_leakage"]["accuracy"].get<double>(), 1.0) << preset;
    recovery[preset] = j["refresh_recovery"];
    std::printf("%s refresh recovery: %s\n", preset.c_str(), j["refresh_recovery"].dump().c_str());
    EXPECT_EQ(j["refresh_recovery"]["ckks_preset"], preset);
    EXPECT_EQ(j["refresh_recovery"]["batches"].get<std::size_t>(), 10 * kEpochs);
  }
  const nlohmann::json& fine = recovery["sealed-8192"];
  const nlohmann::json& coarse = recovery["paper-8192"];
  EXPECT_NEAR(losses["paper-8192"], losses["sealed-8192"], 0.05);
  EXPECT_LT(fine["median_relative_error"].get<double>(), 1e-3);
  EXPECT_GT(fine["median_pearson"].get<double>(), 0.999);
  // At 2^21 the recovered A is noise: error above 1 (worse than answering zero), no correlation.
  EXPECT_GT(coarse["median_relative_error"].get<double>(), 1.0);
  EXPECT_LT(std::fabs(coarse["median_pearson"].get<double>()), 0.3);
}

TEST(AttackSealed, EveryAttackHasNoInputAndNoDecryptionLeavesTheClient) {
  const auto dir = test::scratch_dir("attack-sealed");
  recorded_he_session(split::kSealedProtocol, dir);
  const auto file = find_view_files(dir).at(0);
  // What the client sent: after Hello, per-batch and evaluation messages carry no clear tensor
  // and only seeded ciphertexts (c0 and a seed: a fresh encryption under the client's key, which
  // cannot carry the c1 of any ciphertext the server supplied), each seed new.
  std::set<std::string> blobs_seen;
  std::set<std::string> clear_fields;
  std::size_t ciphertexts = 0;
  split::for_each_view_record(file, [&](const split::ViewRecord& r) {
    if (r.origin != split::ViewOrigin::kReceived) return;
    const split::Message& m = r.message;
    if (m.kind == split::MessageKind::kHello) return;  // parameters and public keys
    EXPECT_TRUE(m.tensors.empty()) << split::describe(m);
    for (const auto& [key, value] : m.fields) clear_fields.insert(key);
    for (const split::Blob& b : m.blobs) {
      ASSERT_GE(b.bytes.size(), 8u);
      ASSERT_EQ(std::memcmp(b.bytes.data(), "HSCK", 4), 0);
      const unsigned type = static_cast<unsigned char>(b.bytes[6]) |
                            (static_cast<unsigned>(static_cast<unsigned char>(b.bytes[7])) << 8);
      EXPECT_EQ(type, 4u) << split::describe(m) << ": not a seeded (fresh) ciphertext";
      EXPECT_TRUE(blobs_seen.insert(b.bytes).second)
          << split::describe(m) << ": a repeated ciphertext";
      ++ciphertexts;
    }
  });
  EXPECT_GT(ciphertexts, 20u);
  // Clear fields: "rows" and "epochs" are public sizes. Nothing derived from a decryption (the
  // client's test accuracy stays out of Goodbye in the HE modes).
  EXPECT_EQ(clear_fields, (std::set<std::string>{"epochs", "rows"}));

  AttackOptions options;
  options.run_dir = dir;
  options.data = dir / "data.h5";
  options.out_dir = dir / "report";
  const nlohmann::json j = run_attacks(options);
  EXPECT_EQ(j["view"]["clear_values_received"].get<std::uint64_t>(), 0u);
  for (const char* attack :
       {"label_leakage", "inversion", "dcor_dtw", "decryption_oracle", "refresh_recovery"}) {
    EXPECT_EQ(j[attack]["input"], "none") << attack;
  }
  EXPECT_TRUE(j["label_leakage"]["accuracy"].is_null());
}

}  // namespace
}  // namespace hesplit::attack
