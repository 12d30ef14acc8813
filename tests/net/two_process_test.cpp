// Real processes: the build's `hesplit server` and `hesplit client` (and `hesplit train`) on an
// HDF5 fixture, talking gRPC over loopback.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "beat_fixture.hpp"
#include "child_process.hpp"
#include "report/run_summary.hpp"
#include "test_data.hpp"

namespace hesplit::test {
namespace {

namespace fs = std::filesystem;

using Process = Child;

class TwoProcess : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // One folder per process: ctest may run these tests in parallel, one process each.
    dir_ = new fs::path(scratch_dir("two_process_" + std::to_string(::getpid())));
    ecg::write_beat_dataset(*dir_ / "fixture.h5", synthetic_dataset(160, 80));
  }
  static void TearDownTestSuite() { delete dir_; }
  static fs::path dir() { return *dir_; }
  static std::string fixture() { return (*dir_ / "fixture.h5").string(); }
  static std::vector<std::string> training_args(const std::string& run) {
    // clang-format off
    return {"--data", fixture(), "--epochs", "6", "--batch", "8", "--seed", "3",
            "--out", (dir() / run).string()};
    // clang-format on
  }

 private:
  static inline fs::path* dir_ = nullptr;
};

TEST_F(TwoProcess, ServerAndClientProcessesTrainAndTheLossFalls) {
  Process server({"server", "--listen", "127.0.0.1:0", "--out", (dir() / "split").string()},
                 dir() / "server");
  const std::string address = address_of(server);
  auto args = training_args("split");
  args.insert(args.begin(), {"client", "--mode", "plain", "--connect", address});
  Process client(args, dir() / "client");
  ASSERT_EQ(client.wait(), 0) << client.err();
  ASSERT_EQ(server.wait(), 0) << server.err();

  const report::RunSummary summary = report::read_summary_json(dir() / "split");
  ASSERT_EQ(summary.epochs.size(), 6u);
  for (std::size_t e = 1; e < summary.epochs.size(); ++e) {
    EXPECT_LT(summary.epochs[e].train_loss, summary.epochs[e - 1].train_loss) << "epoch " << e + 1;
  }
  EXPECT_EQ(summary.mode, "plain");
  EXPECT_LT(summary.epochs.back().train_loss, 0.7 * summary.epochs.front().train_loss);
  EXPECT_GT(summary.epochs.front().bytes_client_to_server, 160u * 256 * 4);
  EXPECT_GT(summary.epochs.front().bytes_server_to_client, 160u * 256 * 4);
  EXPECT_TRUE(fs::exists(dir() / "split" / "metrics.csv"));
  EXPECT_TRUE(fs::exists(dir() / "split" / "report.html"));

  // Both halves reload: `hesplit evaluate` reproduces the final test accuracy.
  Process evaluate({"evaluate", "--run", (dir() / "split").string()}, dir() / "evaluate");
  ASSERT_EQ(evaluate.wait(), 0) << evaluate.err();
  char expected[64];
  std::snprintf(expected, sizeof expected, "test accuracy %.2f%%", 100.0 * summary.test_accuracy);
  EXPECT_NE(evaluate.out().find(expected), std::string::npos) << evaluate.out();
}

TEST_F(TwoProcess, SameSeedGivesIdenticalMetricsAndPlainEqualsLocal) {
  std::vector<report::RunSummary> runs;
  for (const std::string name : {"plain_a", "plain_b", "local"}) {
    auto args = training_args(name);
    args.insert(args.begin(), {"train", "--mode", name == "local" ? "local" : "plain"});
    Process train(args, dir() / name);
    ASSERT_EQ(train.wait(), 0) << train.err();
    runs.push_back(report::read_summary_json(dir() / name));
  }
  for (const report::RunSummary& run : {runs[1], runs[2]}) {
    ASSERT_EQ(run.epochs.size(), runs[0].epochs.size());
    for (std::size_t e = 0; e < run.epochs.size(); ++e) {
      EXPECT_EQ(run.epochs[e].train_loss, runs[0].epochs[e].train_loss);
      EXPECT_EQ(run.epochs[e].train_accuracy, runs[0].epochs[e].train_accuracy);
      EXPECT_EQ(run.epochs[e].test_accuracy, runs[0].epochs[e].test_accuracy);
    }
    EXPECT_EQ(run.confusion_matrix, runs[0].confusion_matrix);
  }
  EXPECT_EQ(runs[1].epochs[0].bytes_client_to_server, runs[0].epochs[0].bytes_client_to_server);
  EXPECT_EQ(runs[2].epochs[0].bytes_client_to_server, 0u);
}

// --busy-poll spins a network I/O thread beside the LibTorch threads; with no CPU left for it the
// spinning would stall LibTorch's workers, so the client turns it off and says why. Run with
// --threads equal to the CPUs this process may use (off), and with one fewer (on, silent).
TEST_F(TwoProcess, BusyPollNeedsACpuBeyondTheTrainingThreads) {
  cpu_set_t set;
  CPU_ZERO(&set);
  ASSERT_EQ(sched_getaffinity(0, sizeof(set), &set), 0);
  const int cpus = CPU_COUNT(&set);
  const std::string notice = "--busy-poll is off for this run";
  for (const int threads : {cpus, cpus - 1}) {
    if (threads < 1) continue;
    const std::string name = "busy_poll_threads_" + std::to_string(threads);
    auto args = training_args(name);
    args.insert(args.begin(), {"train", "--mode", "plain", "--max-batches", "3", "--threads",
                               std::to_string(threads)});
    Process train(args, dir() / name);
    ASSERT_EQ(train.wait(), 0) << train.err();
    EXPECT_EQ(train.err().find(notice) != std::string::npos, threads == cpus) << train.err();
  }
}

TEST_F(TwoProcess, ServerDyingMidEpochIsAClearErrorForTheClient) {
  Process server({"server", "--listen", "127.0.0.1:0", "--exit-after-batches", "5"},
                 dir() / "dying_server");
  const std::string address = address_of(server);
  auto args = training_args("server_died");
  args.insert(args.begin(), {"client", "--mode", "plain", "--connect", address});
  Process client(args, dir() / "orphan_client");
  EXPECT_EQ(server.wait(), 75);
  EXPECT_EQ(client.wait(), 1);
  const std::string err = client.err();
  EXPECT_NE(err.find("hesplit: error: server " + address + " disconnected"), std::string::npos)
      << err;
}

TEST_F(TwoProcess, ClientDyingMidEpochIsAClearErrorForTheServer) {
  Process server({"server", "--listen", "127.0.0.1:0"}, dir() / "orphan_server");
  const std::string address = address_of(server);
  auto args = training_args("client_died");
  args.insert(args.begin(),
              {"client", "--mode", "plain", "--connect", address, "--exit-after-batches", "5"});
  Process client(args, dir() / "dying_client");
  EXPECT_EQ(client.wait(), 75);
  EXPECT_EQ(server.wait(), 1);
  const std::string err = server.err();
  EXPECT_NE(err.find("hesplit: error: client disconnected before the end of the session"),
            std::string::npos)
      << err;
}

TEST_F(TwoProcess, PortInUseAndBadDatasetsAreClearErrors) {
  Process first({"server", "--listen", "127.0.0.1:0"}, dir() / "first_server");
  const std::string address = address_of(first);
  Process second({"server", "--listen", address}, dir() / "second_server");
  EXPECT_EQ(second.wait(), 1);
  EXPECT_NE(second.err().find("cannot listen on " + address + ": the port is in use"),
            std::string::npos)
      << second.err();

  Process missing({"train", "--mode", "local", "--data", (dir() / "absent.h5").string()},
                  dir() / "missing");
  EXPECT_EQ(missing.wait(), 1);
  EXPECT_NE(missing.err().find("absent.h5"), std::string::npos) << missing.err();

  { std::ofstream(dir() / "garbage.h5") << "this is not HDF5"; }
  Process garbage({"train", "--mode", "local", "--data", (dir() / "garbage.h5").string()},
                  dir() / "garbage");
  EXPECT_EQ(garbage.wait(), 1);
  EXPECT_NE(garbage.err().find("garbage.h5"), std::string::npos) << garbage.err();
}

// With no --data, train uses the cached default split; a cache it cannot read (an older file
// format, a torn write) is prepared again from the MIT-BIH records instead of ending the run.
TEST_F(TwoProcess, UnreadableDefaultCacheIsPreparedAgain) {
  const std::optional<fs::path> mitdb = mitdb_dir();
  if (!mitdb) GTEST_SKIP() << kNoMitdbMessage;
  const fs::path cache = dir() / "cache" / "paper.h5";
  fs::create_directories(cache.parent_path());
  { std::ofstream(cache) << "an older or torn cache file"; }
  Process train({"train", "--mode", "local", "--mitdb", mitdb->string(), "--cache", cache.string(),
                 "--epochs", "1", "--max-batches", "2", "--out", (dir() / "cache_run").string()},
                dir() / "cache_run_log");
  ASSERT_EQ(train.wait(), 0) << train.err();
  EXPECT_NE(train.err().find("cannot use the cached split"), std::string::npos) << train.err();
  EXPECT_EQ(ecg::read_beat_dataset(cache).train.size(), 13245u);
}

}  // namespace
}  // namespace hesplit::test
