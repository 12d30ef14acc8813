// A real plain session (client and server roles over in-memory queues) recorded with the server
// view, then attacked offline as `hesplit attack` does.
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "attack/attack_run.hpp"
#include "attack/label_leakage.hpp"
#include "attack/session_view.hpp"
#include "beat_fixture.hpp"
#include "memory_transport.hpp"
#include "nn/client_front.hpp"
#include "split/protocols/plain/plain_client.hpp"
#include "split/serve_session.hpp"
#include "split/trainer.hpp"
#include "test_data.hpp"

namespace hesplit::attack {
namespace {

constexpr std::size_t kBatch = 4;

// Trains `batches` plain batches of a synthetic dataset with the server recording its view into
// dir/server-view; writes the client's front and summary.json-like dataset pointer into dir.
ecg::BeatDataset recorded_plain_session(const std::filesystem::path& dir, std::size_t batches) {
  const ecg::BeatDataset data = test::synthetic_dataset(200, 120);
  ecg::write_beat_dataset(dir / "data.h5", data);
  test::MemoryLink link;
  split::ServerOptions server_options;
  server_options.record_dir = dir / "server-view";
  std::thread server([&] { split::serve_session(link.server, server_options); });
  nn::ClientFront front(0, 1e-3);
  {
    split::HeadParams params;
    params.classes = 5;
    params.batch_size = kBatch;
    split::PlainRemoteHead head(link.client, params);
    split::TrainOptions options;
    options.epochs = 2;
    options.batch_size = kBatch;
    options.max_batches = batches;
    split::TrainingObserver quiet;
    split::train(front, head, data, 5, options, quiet);
  }
  server.join();
  front.save(dir / "client_front.pt");
  std::ofstream(dir / "summary.json")
      << nlohmann::json{{"dataset", (dir / "data.h5").string()}}.dump();
  return data;
}

TEST(AttackPlain, RecordedViewHoldsEveryClearBatchAndLeaksEveryLabel) {
  const auto dir = test::scratch_dir("attack-plain-view");
  const ecg::BeatDataset data = recorded_plain_session(dir, 25);
  const auto files = find_view_files(dir);
  ASSERT_EQ(files.size(), 1u);
  const SessionView view = load_session_view(files[0], 0);
  EXPECT_EQ(view.protocol, "plain");
  EXPECT_EQ(view.batch_size, kBatch);
  EXPECT_EQ(view.classes, 5u);
  EXPECT_EQ(view.last_epoch, 2u);
  ASSERT_EQ(view.batches.size(), 50u);
  EXPECT_EQ(view.ciphertext_bytes_received, 0u);
  std::vector<float> g;
  std::vector<std::int64_t> labels;
  for (const ViewBatch& b : view.batches) {
    ASSERT_TRUE(b.logit_grads.has_value());
    EXPECT_EQ(b.activations.has_value(), b.epoch == 2);  // A kept for the last epoch only
    g.insert(g.end(), b.logit_grads->data.begin(), b.logit_grads->data.end());
    for (std::size_t r = 0; r < kBatch; ++r) labels.push_back(data.train.y[b.batch * kBatch + r]);
  }
  const LabelLeakage l = label_leakage(g, labels, 5);
  EXPECT_EQ(l.samples, 200u);
  EXPECT_EQ(l.accuracy, 1.0);  // every label, from the clear logit gradients
  EXPECT_EQ(l.auc, 1.0);
}

TEST(AttackPlain, ReportHasTheIssueKeysAndASelfContainedPage) {
  const auto dir = test::scratch_dir("attack-plain-report");
  recorded_plain_session(dir, 25);
  AttackOptions options;
  options.run_dir = dir;
  options.out_dir = dir / "report";
  options.inversion.epochs = 5;
  options.similarity_samples = 60;
  const nlohmann::json j = run_attacks(options);
  for (const char* key :
       {"label_leakage", "decryption_oracle", "refresh_recovery", "inversion", "dcor_dtw"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["label_leakage"]["mode"], "plain");
  EXPECT_EQ(j["label_leakage"]["accuracy"].get<double>(), 1.0);
  EXPECT_TRUE(j["label_leakage"].contains("auc"));
  for (const char* key : {"mode", "batch_size", "relative_error"})
    EXPECT_TRUE(j["decryption_oracle"].contains(key));
  for (const char* key : {"mode", "batch_size", "median_relative_error", "median_pearson"}) {
    EXPECT_TRUE(j["refresh_recovery"].contains(key));
  }
  ASSERT_TRUE(j["inversion"].contains("N"));
  EXPECT_TRUE(j["inversion"]["N"].contains("mse"));
  EXPECT_TRUE(j["inversion"]["N"].contains("pearson"));
  EXPECT_EQ(j["dcor_dtw"]["samples"].get<std::size_t>(), 60u);
  std::ifstream in(dir / "report" / "report.html");
  const std::string html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("href="), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
  std::ifstream json_file(dir / "report" / "report.json");
  EXPECT_EQ(nlohmann::json::parse(json_file), j);
}

}  // namespace
}  // namespace hesplit::attack
