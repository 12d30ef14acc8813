// A real two-process sealed run: `hesplit server` and `hesplit client --mode sealed` on a small
// HDF5 fixture over loopback gRPC. The loss falls; the server keeps only its encrypted layer;
// `hesplit release` decrypts it on the client's side and `hesplit evaluate` reproduces the
// accuracy the encrypted forward pass measured.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "beat_fixture.hpp"
#include "child_process.hpp"
#include "ecg/beat_dataset.hpp"
#include "report/run_summary.hpp"
#include "split/server_view_file.hpp"
#include "test_data.hpp"

namespace hesplit::test {
namespace {

namespace fs = std::filesystem;

// Everything the server process received, read back from its recorded view: the Hello carries
// the parameters and public evaluation keys only (one public-context object), and every later
// message carries fresh seeded ciphertexts, no clear tensor, and only public sizes as fields.
void expect_server_received_only_ciphertexts(const fs::path& view_dir) {
  std::vector<fs::path> views;
  for (const auto& entry : fs::directory_iterator(view_dir)) views.push_back(entry.path());
  ASSERT_EQ(views.size(), 1u) << "one recorded session expected in " << view_dir;
  const auto object_type = [](const split::Blob& blob) -> unsigned {
    if (blob.bytes.size() < 8 || std::memcmp(blob.bytes.data(), "HSCK", 4) != 0) return 0;
    return static_cast<unsigned char>(blob.bytes[6]) |
           (static_cast<unsigned>(static_cast<unsigned char>(blob.bytes[7])) << 8);
  };
  const auto public_sizes = std::set<std::string>{"epochs", "rows"};
  std::size_t hellos = 0;
  std::size_t ciphertexts = 0;
  split::for_each_view_record(views.front(), [&](const split::ViewRecord& r) {
    if (r.origin != split::ViewOrigin::kReceived) return;
    const split::Message& m = r.message;
    EXPECT_TRUE(m.tensors.empty()) << split::describe(m) << ": a clear tensor reached the server";
    if (m.kind == split::MessageKind::kHello) {
      ++hellos;
      ASSERT_EQ(m.blobs.size(), 1u);
      EXPECT_EQ(object_type(m.blobs[0]), 12u) << "the Hello must hold a public context only";
      return;
    }
    for (const auto& [key, value] : m.fields) {
      EXPECT_TRUE(public_sizes.contains(key)) << split::describe(m) << ": clear field " << key;
    }
    for (const split::Blob& b : m.blobs) {
      EXPECT_EQ(object_type(b), 4u) << split::describe(m) << ": not a fresh seeded ciphertext";
      ++ciphertexts;
    }
  });
  EXPECT_EQ(hellos, 1u);
  EXPECT_GE(ciphertexts, 2u * 40u);  // Enc(A) and Enc(eta G) for each of the 40 batches
}

TEST(SealedTwoProcess, LossFallsServerHoldsOnlyCiphertextsReleaseAndEvaluateAgree) {
  const fs::path dir = scratch_dir("sealed_two_process_" + std::to_string(::getpid()));
  const fs::path fixture = dir / "fixture.h5";
  ecg::write_beat_dataset(fixture, synthetic_dataset(160, 48));
  const fs::path server_dir = dir / "server";
  const fs::path run = dir / "client";
  const fs::path view_dir = dir / "server-view";
  Child server({"server", "--listen", "127.0.0.1:0", "--out", server_dir.string(),
                "--record-server-view", view_dir.string()},
               dir / "server");
  const std::string address = address_of(server);
  // clang-format off
  Child client({"client", "--mode", "sealed", "--connect", address, "--data", fixture.string(),
                "--epochs", "4", "--batch", "16", "--seed", "3", "--out", run.string()},
               dir / "client");
  // clang-format on
  ASSERT_EQ(client.wait(), 0) << client.err();
  ASSERT_EQ(server.wait(), 0) << server.err();

  const report::RunSummary summary = report::read_summary_json(run);
  EXPECT_EQ(summary.mode, "sealed");
  ASSERT_EQ(summary.epochs.size(), 4u);
  for (std::size_t e = 1; e < summary.epochs.size(); ++e) {
    EXPECT_LT(summary.epochs[e].train_loss, summary.epochs[e - 1].train_loss) << "epoch " << e + 1;
  }
  ASSERT_TRUE(summary.ckks.has_value());
  EXPECT_EQ(summary.ckks->ring_dimension, 8192u);
  EXPECT_EQ(summary.ckks->security_bits, 128);
  EXPECT_EQ(summary.ckks->moduli_bits, (std::vector<int>{50, 50, 40, 60}));
  // 10 batches of 16 per epoch: forward 10 + backward 7 + update 24 key switches each (the last
  // update of an epoch is reported with the next epoch's first reply).
  EXPECT_EQ(summary.epochs[1].key_switches, 10u * 41u);

  // The server's folder: its encrypted layer and nothing in the clear about the client.
  std::vector<std::string> server_files;
  for (const auto& entry : fs::directory_iterator(server_dir)) {
    server_files.push_back(entry.path().filename().string());
  }
  EXPECT_EQ(server_files, std::vector<std::string>{"server_layer.hsck"});
  EXPECT_NE((server.out() + server.err()).find("sealed session ended"), std::string::npos)
      << server.err();

  expect_server_received_only_ciphertexts(view_dir);

  Child release(
      {"release", "--run", run.string(), "--layer", (server_dir / "server_layer.hsck").string()},
      dir / "release");
  ASSERT_EQ(release.wait(), 0) << release.err();
  Child evaluate({"evaluate", "--run", run.string(), "--data", fixture.string()}, dir / "evaluate");
  ASSERT_EQ(evaluate.wait(), 0) << evaluate.err();
  char expected[64];
  std::snprintf(expected, sizeof expected, "test accuracy %.2f%%", 100.0 * summary.test_accuracy);
  EXPECT_NE(evaluate.out().find(expected), std::string::npos) << evaluate.out();
}

}  // namespace
}  // namespace hesplit::test

namespace hesplit::test {
namespace {

// summary.json used to state scale 2^40 whatever the preset; the artifact's presets encode at 2^21.
TEST(RunSummary, StatesThePresetsOwnScale) {
  const fs::path dir = scratch_dir("summary_scale_" + std::to_string(::getpid()));
  const fs::path fixture = dir / "fixture.h5";
  ecg::write_beat_dataset(fixture, synthetic_dataset(32, 16));
  for (const auto& [preset, scale] : std::vector<std::pair<std::string, double>>{
           {"paper-8192", 2097152.0}, {"sealed-8192", 1099511627776.0}}) {
    const fs::path run = dir / preset;
    // clang-format off
    Child train({"train", "--mode", "paper", "--ckks", preset, "--data", fixture.string(),
                 "--epochs", "1", "--batch", "16", "--out", run.string()}, dir / preset);
    // clang-format on
    ASSERT_EQ(train.wait(), 0) << train.err();
    const report::RunSummary summary = report::read_summary_json(run);
    ASSERT_TRUE(summary.ckks.has_value());
    EXPECT_EQ(summary.ckks->scale, scale) << preset;
    EXPECT_EQ(summary.ckks->security_bits, 128);
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace hesplit::test
