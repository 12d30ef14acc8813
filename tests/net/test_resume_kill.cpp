// Faults in a real two-process run (issue 9): `kill -9` of the client, then separately of the
// server, at a random batch; a stalled peer (SIGSTOP) timing out. In every case the surviving side
// ends with a clear message and keeps its checkpoints, and `--resume` on both sides finishes the
// run with exactly the metrics, and the same model files, as an uninterrupted run with that seed.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "beat_fixture.hpp"
#include "child_process.hpp"
#include "report/run_summary.hpp"
#include "resume_fixture.hpp"
#include "split/session/checkpoint_store.hpp"
#include "test_data.hpp"

extern char** environ;

namespace hesplit::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class Resume : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(resume_fixture_dir("resume_kill_"));
    run_pair("reference", {}, {});
    const report::RunSummary reference = report::read_summary_json(*dir_ / "reference" / "client");
    for (const auto& epoch : reference.epochs) training_seconds_ += epoch.seconds;
  }
  static void TearDownTestSuite() { delete dir_; }

  static fs::path dir() { return *dir_; }
  static std::vector<std::string> server_args(const std::string& run) {
    return {"server", "--listen", "127.0.0.1:0", "--out", (dir() / run / "server").string()};
  }
  static std::vector<std::string> client_args(const std::string& run, const std::string& address,
                                              int seed = 5) {
    // clang-format off
    return {"client", "--mode", "plain", "--connect", address, "--data",
            (dir() / "fixture.h5").string(), "--epochs", std::to_string(kEpochs), "--batch", "4",
            "--seed", std::to_string(seed), "--checkpoint-every", std::to_string(kEvery), "--out",
            (dir() / run / "client").string(), "--no-busy-poll"};
    // clang-format on
  }
  static std::vector<std::string> plus(std::vector<std::string> args,
                                       const std::vector<std::string>& more) {
    args.insert(args.end(), more.begin(), more.end());
    return args;
  }
  // An uninterrupted (or resumed) pair of processes; both must succeed.
  static void run_pair(const std::string& run, const std::vector<std::string>& server_extra,
                       const std::vector<std::string>& client_extra) {
    Child server(plus(server_args(run), server_extra), dir() / (run + "-server"));
    const std::string address = address_of(server);
    Child client(plus(client_args(run, address), client_extra), dir() / (run + "-client"));
    ASSERT_EQ(client.wait(), 0) << client.err();
    ASSERT_EQ(server.wait(), 0) << server.err();
    // For the record: where the resumed run picked up.
    const std::string err = client.err();
    if (const auto at = err.find("resuming from"); at != std::string::npos) {
      std::cerr << "[ " << err.substr(at, err.find('\n', at) - at) << " ]" << std::endl;
    }
  }

  // Waits until the client's run has at least one checkpoint, then `delay`.
  static void wait_for_first_checkpoint(const std::string& run, Child& client) {
    const fs::path root = dir() / run / "client" / "checkpoints";
    for (int i = 0; i < 3000 && client.running(); ++i) {
      if (!split::CheckpointStore(root).available().empty()) return;
      std::this_thread::sleep_for(5ms);
    }
    FAIL() << "no client checkpoint appeared; stderr: " << client.err();
  }

  // Prints the newest checkpoint each side holds after a kill.
  static void report_checkpoints(const std::string& run) {
    auto newest = [](const fs::path& root) -> std::string {
      if (!fs::exists(root)) return "none";
      const auto held = split::CheckpointStore(root).available();
      return held.empty() ? "none" : split::to_string(held.front());
    };
    std::string server = "none";
    const fs::path server_root = dir() / run / "server" / "checkpoints";
    if (fs::exists(server_root)) {
      for (const auto& entry : fs::directory_iterator(server_root)) server = newest(entry.path());
    }
    std::cerr << "[ killed; newest checkpoint: client "
              << newest(dir() / run / "client" / "checkpoints") << ", server " << server << " ]"
              << std::endl;
  }

  static std::chrono::microseconds random_delay() {
    // Uniform over the first half of the reference run's training time (evaluations between
    // epochs add to the margin), so the kill lands at a random batch of a running session.
    std::random_device device;
    std::uniform_int_distribution<int> pick(0, static_cast<int>(training_seconds_ * 0.5e6));
    const std::chrono::microseconds delay(pick(device));
    std::cerr << "[ killing after " << delay.count() << " us ]" << std::endl;
    return delay;
  }

  static void expect_same_run(const std::string& run) {
    expect_same_metrics(report::read_summary_json(dir() / run / "client"),
                        report::read_summary_json(dir() / "reference" / "client"));
    // The model itself: both halves byte for byte.
    EXPECT_EQ(slurp(dir() / run / "client" / "client_front.pt"),
              slurp(dir() / "reference" / "client" / "client_front.pt"));
    EXPECT_EQ(slurp(dir() / run / "server" / "server_head.pt"),
              slurp(dir() / "reference" / "server" / "server_head.pt"));
  }

 private:
  static inline fs::path* dir_ = nullptr;
  static inline double training_seconds_ = 0;
};

TEST_F(Resume, ClientKilledAtARandomBatchResumesToTheSameResult) {
  const std::string run = "kill-client";
  {
    Child server(server_args(run), dir() / (run + "-server"));
    const std::string address = address_of(server);
    Child client(client_args(run, address), dir() / (run + "-client"));
    wait_for_first_checkpoint(run, client);
    std::this_thread::sleep_for(random_delay());
    client.signal(SIGKILL);
    EXPECT_EQ(client.wait(), 128 + SIGKILL);
    report_checkpoints(run);
    EXPECT_NE(server.wait(), 0);
    EXPECT_NE(server.err().find("client disconnected before the end of the session"),
              std::string::npos)
        << server.err();
  }
  ASSERT_FALSE(fs::exists(dir() / run / "client" / "summary.json")) << "killed too late";
  // Both sides kept checkpoints.
  EXPECT_FALSE(split::CheckpointStore(dir() / run / "client" / "checkpoints").available().empty());
  run_pair(run, {}, {"--resume"});
  expect_same_run(run);
}

TEST_F(Resume, ServerKilledAtARandomBatchResumesToTheSameResult) {
  const std::string run = "kill-server";
  {
    Child server(server_args(run), dir() / (run + "-server"));
    const std::string address = address_of(server);
    Child client(client_args(run, address), dir() / (run + "-client"));
    wait_for_first_checkpoint(run, client);
    std::this_thread::sleep_for(random_delay());
    server.signal(SIGKILL);
    EXPECT_EQ(server.wait(), 128 + SIGKILL);
    report_checkpoints(run);
    EXPECT_NE(client.wait(), 0);
    EXPECT_NE(client.err().find("disconnected"), std::string::npos) << client.err();
  }
  ASSERT_FALSE(fs::exists(dir() / run / "client" / "summary.json")) << "killed too late";
  run_pair(run, {}, {"--resume"});
  expect_same_run(run);
}

TEST_F(Resume, AStalledServerTimesOutAndTheClientKeepsItsCheckpoints) {
  const std::string run = "stall-server";
  {
    Child server(server_args(run), dir() / (run + "-server"));
    const std::string address = address_of(server);
    Child client(plus(client_args(run, address), {"--message-timeout", "1"}),
                 dir() / (run + "-client"));
    wait_for_first_checkpoint(run, client);
    expect_client_gives_up_on_a_stalled_server(server, client);
  }
  EXPECT_FALSE(split::CheckpointStore(dir() / run / "client" / "checkpoints").available().empty());
  run_pair(run, {}, {"--resume"});
  expect_same_run(run);
}

TEST_F(Resume, AStalledClientTimesOutAndTheServerKeepsItsCheckpoints) {
  const std::string run = "stall-client";
  {
    Child server(plus(server_args(run), {"--message-timeout", "1"}), dir() / (run + "-server"));
    const std::string address = address_of(server);
    Child client(client_args(run, address), dir() / (run + "-client"));
    wait_for_first_checkpoint(run, client);
    client.signal(SIGSTOP);
    EXPECT_NE(server.wait(), 0);
    EXPECT_NE(server.err().find("sent nothing for 1000 ms; session cancelled"), std::string::npos)
        << server.err();
    client.signal(SIGKILL);
  }
  run_pair(run, {}, {"--resume"});
  expect_same_run(run);
}

TEST_F(Resume, ResumingWithDifferentSettingsIsRefusedNamingBoth) {
  const std::string run = "kill-then-change";
  {
    Child server(server_args(run), dir() / (run + "-server"));
    const std::string address = address_of(server);
    Child client(client_args(run, address), dir() / (run + "-client"));
    wait_for_first_checkpoint(run, client);
    client.signal(SIGKILL);
    client.wait();
    server.wait();
  }
  Child client(plus(client_args(run, "127.0.0.1:1", 6), {"--resume"}), dir() / (run + "-client2"));
  EXPECT_NE(client.wait(), 0);
  EXPECT_NE(client.err().find("was made with seed = 5, this command asks for seed = 6"),
            std::string::npos)
      << client.err();
}

}  // namespace
}  // namespace hesplit::test
