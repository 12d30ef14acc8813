// Several independent client sessions on one server at the same time: each session has its own
// server layer (from its own Hello) and its own checkpoint; 4 concurrent clients with different
// seeds and data must each get exactly the results of their solo run (no cross-talk).
#include <gtest/gtest.h>

#include <condition_variable>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "split/serve_session.hpp"
#include "test_data.hpp"
#include "test_tls_support.hpp"

namespace hesplit::test {
namespace {

constexpr int kClients = 4;

// Counts sessions held at once and, when asked, holds each new session until `gate` sessions
// are open together (proof that the server holds them concurrently; a timeout fails instead of
// hanging when it cannot).
class SessionGate {
 public:
  explicit SessionGate(int gate) : gate_(gate) {}
  bool enter() {
    std::unique_lock lock(mutex_);
    ++open_;
    peak_ = std::max(peak_, open_);
    changed_.notify_all();
    return changed_.wait_for(lock, std::chrono::seconds(30), [&] { return peak_ >= gate_; });
  }
  void leave() {
    const std::lock_guard lock(mutex_);
    --open_;
  }
  int peak() const {
    const std::lock_guard lock(mutex_);
    return peak_;
  }

 private:
  const int gate_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  int open_ = 0;
  int peak_ = 0;
};

struct ClientRun {
  split::TrainingResult result;
  std::string error;
  std::string server_checkpoint;
};

// Each client: own seed, own data, own checkpoint folder (named in its Hello's seed).
split::TrainOptions options_of(int client) {
  split::TrainOptions options = small_training(static_cast<std::uint64_t>(100 + client));
  options.epochs = 2;
  options.max_batches = 8;
  return options;
}

ecg::BeatDataset data_of(int client) {
  ecg::BeatDataset data = synthetic_dataset(40 + 4 * static_cast<std::size_t>(client), 16);
  return data;
}

std::vector<ClientRun> run_clients(int clients, bool concurrently, const fs::path& dir) {
  net::NetOptions net_options;
  net_options.max_concurrent_sessions = kClients;
  SessionGate gate(concurrently ? clients : 1);
  net::SessionServer server(
      "127.0.0.1:0",
      [&](split::Transport& t) {
        const bool together = gate.enter();
        // The session's own folder, chosen from the seed its Hello carries.
        split::ServerOptions roles;
        const split::Message hello = t.receive();
        roles.checkpoint_dir = dir / ("seed" + hello.field("seed"));
        fs::create_directories(*roles.checkpoint_dir);
        struct Replay final : split::Transport {
          split::Transport& inner;
          std::optional<split::Message> first;
          Replay(split::Transport& i, split::Message m) : inner(i), first(std::move(m)) {}
          void send(const split::Message& m) override { inner.send(m); }
          split::Message receive() override {
            if (first) {
              split::Message m = std::move(*first);
              first.reset();
              return m;
            }
            return inner.receive();
          }
          split::Traffic traffic() const override { return inner.traffic(); }
        } replay(t, hello);
        split::serve_session(replay, roles);
        gate.leave();
        if (!together) throw std::runtime_error("sessions were not held concurrently");
      },
      net_options);
  const std::string address = "127.0.0.1:" + std::to_string(server.port());
  std::vector<ClientRun> runs(static_cast<std::size_t>(clients));
  auto client = [&](int c) {
    runs[static_cast<std::size_t>(c)].error = error_of([&] {
      runs[static_cast<std::size_t>(c)].result =
          train_plain_client(address, net::NetOptions{}, data_of(c), options_of(c));
    });
  };
  if (concurrently) {
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c) threads.emplace_back(client, c);
    for (std::thread& t : threads) t.join();
  } else {
    for (int c = 0; c < clients; ++c) client(c);
  }
  for (int c = 0; c < clients; ++c) {
    const net::SessionOutcome outcome = server.wait_for_session();
    EXPECT_FALSE(outcome.error) << outcome_error(outcome);
  }
  for (int c = 0; c < clients; ++c) {
    runs[static_cast<std::size_t>(c)].server_checkpoint =
        slurp(dir / ("seed" + std::to_string(options_of(c).seed)) / split::kServerCheckpoint);
  }
  if (concurrently) {
    EXPECT_EQ(gate.peak(), clients);
  }
  return runs;
}

TEST(Load, FourConcurrentClientsEachGetTheirSoloResults) {
  const std::vector<ClientRun> solo = run_clients(kClients, false, scratch_dir("net_load_solo"));
  const std::vector<ClientRun> together =
      run_clients(kClients, true, scratch_dir("net_load_together"));
  for (int c = 0; c < kClients; ++c) {
    SCOPED_TRACE("client " + std::to_string(c));
    const auto i = static_cast<std::size_t>(c);
    ASSERT_EQ(solo[i].error, "(no error)");
    ASSERT_EQ(together[i].error, "(no error)");
    expect_same_results(together[i].result, solo[i].result);
    EXPECT_EQ(together[i].result.epochs[1].bytes_client_to_server,
              solo[i].result.epochs[1].bytes_client_to_server);
    ASSERT_FALSE(solo[i].server_checkpoint.empty());
    EXPECT_EQ(together[i].server_checkpoint, solo[i].server_checkpoint);
  }
  // The clients really differ, so cross-talk would show.
  EXPECT_NE(solo[0].result.epochs[0].train_loss, solo[1].result.epochs[0].train_loss);
  EXPECT_NE(solo[0].server_checkpoint, solo[1].server_checkpoint);
}

}  // namespace
}  // namespace hesplit::test
