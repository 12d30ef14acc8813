// Issue 20 (high): `hesplit release` and `hesplit evaluate` against a server that hands back a
// crafted layer file. Before the fix, release decrypted whatever ciphertexts the file held and
// wrote the result for the server: a file with (c0, c1) = (0, 1) returned the canonical embedding
// of the secret key, one with the client's own Enc(A) returned the activations. Now the client
// publishes W0 (from the seed) + its own Delta and only checks the server's file, refusing any
// that does not hold this run's Delta. Every test runs the real `hesplit` binary on real files.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>

#include "beat_fixture.hpp"
#include "child_process.hpp"
#include "ckks/evaluator.hpp"
#include "ckks/serialization.hpp"
#include "ecg/beat_dataset.hpp"
#include "nn/server_head.hpp"
#include "packing/encrypted_layer.hpp"
#include "report/run_summary.hpp"
#include "split/protocols/he/he_client_crypto.hpp"
#include "split/protocols/he/he_protocol.hpp"
#include "split/protocols/sealed/own_delta.hpp"
#include "split/protocols/sealed/sealed_layer_file.hpp"
#include "test_data.hpp"

namespace hesplit::test {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kFeatures = 256;
constexpr std::size_t kClasses = 5;

// One real sealed run (`hesplit train`, in-process server over loopback gRPC), shared by the
// tests: the run directory holds the key, the client's Delta and the server's layer file.
class ReleaseAttack : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(scratch_dir("release_attack_" + std::to_string(::getpid())));
    const fs::path fixture = *dir_ / "fixture.h5";
    ecg::write_beat_dataset(fixture, synthetic_dataset(96, 32));
    // clang-format off
    Child train({"train", "--mode", "sealed", "--data", fixture.string(), "--epochs", "2",
                 "--batch", "16", "--seed", "5", "--out", run().string()}, *dir_ / "train");
    // clang-format on
    ASSERT_EQ(train.wait(), 0) << train.err();
    ASSERT_TRUE(fs::exists(run() / "server_layer.hsck"));
    fs::copy_file(run() / "server_layer.hsck", *dir_ / "honest_layer.hsck");
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
  }
  void SetUp() override {
    fs::copy_file(*dir_ / "honest_layer.hsck", layer_file(), fs::copy_options::overwrite_existing);
    fs::remove(run() / "server_head.pt");
  }

  static fs::path run() { return *dir_ / "run"; }
  static fs::path layer_file() { return run() / "server_layer.hsck"; }
  static split::HeClientCrypto crypto() {
    return split::HeClientCrypto::load(run() / "client_secret.key", kFeatures, kClasses);
  }
  static nn::ServerHead initial() { return nn::ServerHead(kFeatures, kClasses, 5, 0.01); }

  // The honest layer with ciphertext `index` replaced, written where release looks for it.
  static void plant(std::size_t index, ckks::Ciphertext forged) {
    const split::HeClientCrypto keys = crypto();
    split::SealedLayerState state = split::load_sealed_layer(layer_file(), keys.context());
    state.delta.at(index) = std::move(forged);
    split::save_sealed_layer(layer_file(), keys.context(), state);
  }

  // The ciphertext shape and metadata Delta diagonals have (level L-1, Delta's scale).
  static ckks::Ciphertext like_delta(const split::HeClientCrypto& keys) {
    const split::SealedLayerState state = split::load_sealed_layer(layer_file(), keys.context());
    return state.delta.front();
  }

  static Child release(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args{"release", "--run", run().string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return Child(args, *dir_ / "release");
  }

  static fs::path* dir_;
};

fs::path* ReleaseAttack::dir_ = nullptr;

// What the released file must hold: W0 + the client's own Delta, whatever the server's file says.
void expect_released_own_delta(const fs::path& run) {
  const nn::ServerHead released = nn::ServerHead::load(run / "server_head.pt", 0.0);
  const split::OwnDelta own = split::load_own_delta(run, kClasses, kFeatures);
  const nn::ServerHead w0(kFeatures, kClasses, 5, 0.01);
  const std::vector<float> w = released.weight().data;
  ASSERT_EQ(w.size(), own.weight.size());
  double changed = 0.0;
  for (std::size_t i = 0; i < w.size(); ++i) {
    const double want = static_cast<double>(w0.weight().data[i]) + own.weight[i];
    EXPECT_NEAR(w[i], want, 1e-6 * (1.0 + std::fabs(want))) << "weight " << i;
    changed = std::max(changed, std::fabs(own.weight[i]));
  }
  EXPECT_GT(changed, 1e-4) << "the run trained nothing: the check would prove nothing";
  for (std::size_t i = 0; i < kClasses; ++i) {
    EXPECT_NEAR(released.bias().data[i], w0.bias().data[i] + own.bias[i], 1e-6);
  }
}

TEST_F(ReleaseAttack, TheHonestLayerIsCheckedAndTheClientsOwnDeltaReleased) {
  Child r = release();
  ASSERT_EQ(r.wait(), 0) << r.err();
  EXPECT_NE(r.out().find("checked"), std::string::npos) << r.out();
  // The honest layer's deviation, as printed ("within 1.13e-10"): CKKS noise only.
  const auto within = r.out().find("within ");
  ASSERT_NE(within, std::string::npos);
  EXPECT_LT(std::stod(r.out().substr(within + 7)), 1e-8) << r.out();
  expect_released_own_delta(run());
}

TEST_F(ReleaseAttack, AKeyEmbeddingLayerIsRefusedAndNothingIsWritten) {
  // (c0, c1) = (0, 1): decrypts to s itself, whose decoding is the key's canonical embedding.
  const split::HeClientCrypto keys = crypto();
  ckks::Ciphertext forged = like_delta(keys);
  forged.components[0].set_zero();
  for (std::uint64_t& w : forged.components[1].words()) w = 1;  // NTT form of the constant 1
  ckks::Ciphertext at_scale_one = forged;
  at_scale_one.scale = 1.0;
  // The attack is real: at scale 1 this decrypts to the embedding of s, entries of size ~1-100.
  const packing::SlotVector leaked = keys.decrypt(at_scale_one);
  double energy = 0.0;
  for (const auto& v : leaked) energy += std::norm(v);
  ASSERT_GT(energy, static_cast<double>(leaked.size()));
  plant(0, std::move(at_scale_one));
  {
    Child r = release();
    EXPECT_NE(r.wait(), 0) << r.out();
    EXPECT_NE(r.err().find("scale; nothing was released"), std::string::npos) << r.err();
    EXPECT_FALSE(fs::exists(run() / "server_head.pt")) << "a decryption left the client";
  }
  // At Delta's own scale the level and scale checks pass; the content check refuses it.
  plant(0, std::move(forged));
  Child r = release();
  EXPECT_NE(r.wait(), 0) << r.out();
  EXPECT_NE(r.err().find("diagonal 0 differs from this client's own Delta"), std::string::npos)
      << r.err();
  EXPECT_FALSE(fs::exists(run() / "server_head.pt")) << "a decryption left the client";
}

TEST_F(ReleaseAttack, TheClientsOwnActivationsReplayedAsDeltaAreRefused) {
  // The server's copy of Enc(A) (any batch it received), switched down to Delta's level and
  // relabelled with Delta's scale: before the fix, release returned A in the clear.
  const split::HeClientCrypto keys = crypto();
  std::vector<double> a(16 * kFeatures);
  for (std::size_t i = 0; i < a.size(); ++i)
    a[i] = 0.5 + 0.4 * std::sin(0.37 * static_cast<double>(i));
  const ckks::Bytes sent =
      keys.encrypt_seeded(keys.codec().pack_activations(a, 16), split::kActivationScale);
  ckks::Ciphertext replayed = ckks::load_any_ciphertext(keys.context(), sent);
  const ckks::Ciphertext model = like_delta(keys);
  ckks::Evaluator(keys.context_ptr()).mod_switch_to_inplace(replayed, model.level);
  replayed.scale = model.scale;
  plant(2, std::move(replayed));

  Child r = release();
  EXPECT_NE(r.wait(), 0) << r.out();
  EXPECT_NE(r.err().find("diagonal 2 differs"), std::string::npos) << r.err();
  EXPECT_FALSE(fs::exists(run() / "server_head.pt"));

  Child e({"evaluate", "--run", run().string(), "--data", (*dir_ / "fixture.h5").string()},
          *dir_ / "evaluate");
  EXPECT_NE(e.wait(), 0) << e.out();
  EXPECT_NE(e.err().find("differs from this client's own Delta"), std::string::npos) << e.err();
}

TEST_F(ReleaseAttack, ACraftedScaleOrForeignW0IsRefused) {
  const split::HeClientCrypto keys = crypto();
  {
    ckks::Ciphertext scaled = like_delta(keys);
    scaled.scale /= 1048576.0;  // decodes Delta 2^20 times larger
    plant(1, std::move(scaled));
    Child r = release();
    EXPECT_NE(r.wait(), 0);
    EXPECT_NE(r.err().find("scale"), std::string::npos) << r.err();
  }
  fs::copy_file(*dir_ / "honest_layer.hsck", layer_file(), fs::copy_options::overwrite_existing);
  split::SealedLayerState state = split::load_sealed_layer(layer_file(), keys.context());
  state.w0[7] += 0.5f;
  split::save_sealed_layer(layer_file(), keys.context(), state);
  Child r = release();
  EXPECT_NE(r.wait(), 0);
  EXPECT_NE(r.err().find("not this run's initial weights"), std::string::npos) << r.err();
  EXPECT_FALSE(fs::exists(run() / "server_head.pt"));
}

TEST_F(ReleaseAttack, WithoutTheServersFileReleaseNeedsNothingFromTheServer) {
  // --no-check: the crafted file is never read; the output is the client's own W0 + Delta.
  const split::HeClientCrypto keys = crypto();
  ckks::Ciphertext forged = like_delta(keys);
  forged.components[0].set_zero();
  plant(0, std::move(forged));
  Child r = release({"--no-check"});
  ASSERT_EQ(r.wait(), 0) << r.err();
  expect_released_own_delta(run());
}

}  // namespace
}  // namespace hesplit::test

namespace hesplit::test {
namespace {

TEST(ReleaseFrozen, TheFrozenLayerMustStayZeroAndTheClientsDeltaIsReleased) {
  const fs::path dir = scratch_dir("release_frozen_" + std::to_string(::getpid()));
  const fs::path fixture = dir / "fixture.h5";
  ecg::write_beat_dataset(fixture, synthetic_dataset(64, 16));
  const fs::path run = dir / "run";
  // clang-format off
  Child train({"train", "--mode", "sealed", "--server-layer", "frozen", "--data",
               fixture.string(), "--epochs", "1", "--batch", "16", "--seed", "5", "--out",
               run.string()}, dir / "train");
  // clang-format on
  ASSERT_EQ(train.wait(), 0) << train.err();
  Child r({"release", "--run", run.string()}, dir / "release");
  ASSERT_EQ(r.wait(), 0) << r.err();
  EXPECT_NE(r.out().find("within 0.00e+00"), std::string::npos) << r.out();
  expect_released_own_delta(run);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace hesplit::test
