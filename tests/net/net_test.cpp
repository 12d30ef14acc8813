// The plain protocol over real gRPC streams (server and client in threads of this process).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "beat_fixture.hpp"
#include "net/client_connection.hpp"
#include "net/session_server.hpp"
#include "nn/server_head.hpp"
#include "split/local_head.hpp"
#include "split/protocols/plain/plain_client.hpp"
#include "split/serve_session.hpp"
#include "split/trainer.hpp"
#include "test_data.hpp"

namespace hesplit::net {
namespace {

using split::Message;
using split::MessageKind;

std::string loopback(const SessionServer& server) {
  return "127.0.0.1:" + std::to_string(server.port());
}

template <typename Fn>
std::string error_of(Fn&& fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

std::string outcome_error(const SessionOutcome& outcome) {
  return error_of([&] {
    if (outcome.error) std::rethrow_exception(outcome.error);
  });
}

split::HeadParams params_for(const split::TrainOptions& options) {
  return {options.seed, options.server_lr, nn::kSplitFeatures, 5, options.batch_size};
}

// The client's network calls on an I/O thread, both threads spinning for each other (as
// `--busy-poll` does for plain).
NetOptions with_io_thread() {
  NetOptions options;
  options.busy_wait = std::chrono::microseconds(2000);
  return options;
}

void expect_plain_matches_local(const NetOptions& client_options) {
  const ecg::BeatDataset data = test::synthetic_dataset(90, 40);
  split::TrainOptions options;
  options.epochs = 2;
  options.batch_size = 4;
  options.eval_chunk = 16;
  split::TrainingObserver observer;

  nn::ClientFront local_front(options.seed, options.client_lr);
  split::LocalHead local_head(
      nn::ServerHead(nn::kSplitFeatures, 5, options.seed, options.server_lr), std::nullopt);
  const split::TrainingResult local =
      split::train(local_front, local_head, data, 5, options, observer);

  const auto dir = test::scratch_dir("net_plain");
  split::ServerOptions server_options;
  server_options.checkpoint_dir = dir;
  SessionServer server(
      "127.0.0.1:0", [&](split::Transport& t) { split::serve_session(t, server_options); },
      NetOptions{});
  nn::ClientFront front(options.seed, options.client_lr);
  split::TrainingResult plain;
  {
    ClientConnection connection(loopback(server), client_options);
    split::PlainRemoteHead head(connection, params_for(options));
    plain = split::train(front, head, data, 5, options, observer);
    connection.close();
  }
  const SessionOutcome outcome = server.wait_for_session();
  EXPECT_FALSE(outcome.error) << outcome_error(outcome);

  ASSERT_EQ(plain.epochs.size(), local.epochs.size());
  for (std::size_t e = 0; e < plain.epochs.size(); ++e) {
    EXPECT_EQ(plain.epochs[e].train_loss, local.epochs[e].train_loss);
    EXPECT_EQ(plain.epochs[e].train_accuracy, local.epochs[e].train_accuracy);
    EXPECT_EQ(plain.epochs[e].test_accuracy, local.epochs[e].test_accuracy);
    // At least the float payloads: A up (23 batches x 4 x 256), G up, Z and dL/dA down.
    EXPECT_GT(plain.epochs[e].bytes_client_to_server, 90u * (256 + 5) * 4);
    EXPECT_GT(plain.epochs[e].bytes_server_to_client, 90u * (256 + 5) * 4);
  }
  EXPECT_EQ(plain.confusion_matrix, local.confusion_matrix);
  EXPECT_TRUE(std::filesystem::exists(dir / split::kServerCheckpoint));
  // The server's saved layer is the one the client trained against.
  split::LocalHead reloaded(nn::ServerHead::load(dir / split::kServerCheckpoint, 0.0),
                            std::nullopt);
  EXPECT_EQ(split::evaluate(front, reloaded, data.test, 5, 16).accuracy(), plain.test_accuracy);
}

TEST(PlainOverGrpc, MatchesLocalBitForBitAndCountsBytes) { expect_plain_matches_local({}); }

TEST(PlainOverGrpc, WithAnIoThreadMatchesLocalBitForBit) {
  expect_plain_matches_local(with_io_thread());
}

TEST(PlainOverGrpc, PortInUseIsAClearError) {
  SessionServer first(
      "127.0.0.1:0", [](split::Transport&) {}, NetOptions{});
  const std::string message = error_of([&] {
    SessionServer second(
        loopback(first), [](split::Transport&) {}, NetOptions{});
  });
  EXPECT_NE(message.find("in use"), std::string::npos) << message;
  EXPECT_NE(message.find(std::to_string(first.port())), std::string::npos) << message;
}

TEST(PlainOverGrpc, NoServerIsAClearError) {
  std::string address;
  {
    SessionServer gone(
        "127.0.0.1:0", [](split::Transport&) {}, NetOptions{});
    address = loopback(gone);
  }
  NetOptions options;
  options.connect_timeout = std::chrono::milliseconds(300);
  const std::string message = error_of([&] { ClientConnection connection(address, options); });
  EXPECT_NE(message.find("cannot connect"), std::string::npos) << message;
  EXPECT_NE(message.find(address), std::string::npos) << message;
}

void expect_server_side_errors_reach_the_client(const NetOptions& client_options) {
  SessionServer server(
      "127.0.0.1:0", [](split::Transport& t) { split::serve_session(t, split::ServerOptions{}); },
      NetOptions{});
  ClientConnection connection(loopback(server), client_options);
  connection.send(
      Message{MessageKind::kHello, 0, 0, {{"protocol", "nope"}, {"wire_version", "1"}}, {}, {}});
  const std::string message = error_of([&] { connection.receive(); });
  EXPECT_NE(message.find("unknown protocol \"nope\""), std::string::npos) << message;
  EXPECT_NE(outcome_error(server.wait_for_session()).find("unknown protocol"), std::string::npos);
}

TEST(PlainOverGrpc, ServerSideErrorsReachTheClient) {
  expect_server_side_errors_reach_the_client({});
}

TEST(PlainOverGrpc, WithAnIoThreadServerSideErrorsReachTheClient) {
  expect_server_side_errors_reach_the_client(with_io_thread());
}

TEST(PlainOverGrpc, WrongShapesAreRefusedByTheServer) {
  SessionServer server(
      "127.0.0.1:0", [](split::Transport& t) { split::serve_session(t, split::ServerOptions{}); },
      NetOptions{});
  ClientConnection connection(loopback(server), NetOptions{});
  split::PlainRemoteHead head(connection, split::HeadParams{});
  const std::string message = error_of([&] {
    head.forward({1, 0}, nn::FloatTensor{{2, 100}, std::vector<float>(200)});
  });
  EXPECT_NE(message.find("activations (epoch 1, batch 0)"), std::string::npos) << message;
  server.wait_for_session();
}

TEST(PlainOverGrpc, ClientVanishingMidEpochIsReportedByTheServer) {
  SessionServer server(
      "127.0.0.1:0", [](split::Transport& t) { split::serve_session(t, split::ServerOptions{}); },
      NetOptions{});
  {
    ClientConnection connection(loopback(server), NetOptions{});
    split::PlainRemoteHead head(connection, split::HeadParams{});
    head.forward({1, 0}, nn::FloatTensor{{4, 256}, std::vector<float>(1024, 0.1f)});
  }  // connection dropped without Goodbye
  const std::string message = outcome_error(server.wait_for_session());
  EXPECT_NE(message.find("client disconnected before the end of the session"), std::string::npos)
      << message;
}

void expect_server_vanishing_reported_by_the_client(const NetOptions& client_options) {
  auto server = std::make_unique<SessionServer>(
      "127.0.0.1:0", [](split::Transport& t) { split::serve_session(t, split::ServerOptions{}); },
      NetOptions{});
  ClientConnection connection(loopback(*server), client_options);
  split::PlainRemoteHead head(connection, split::HeadParams{});
  head.forward({1, 0}, nn::FloatTensor{{4, 256}, std::vector<float>(1024, 0.1f)});
  server.reset();  // shuts down, cancelling the session
  const std::string message = error_of([&] {
    head.backward({1, 0}, nn::FloatTensor{{4, 5}, std::vector<float>(20, 0.f)});
  });
  EXPECT_NE(message.find("disconnected"), std::string::npos) << message;
}

TEST(PlainOverGrpc, ServerVanishingMidEpochIsReportedByTheClient) {
  expect_server_vanishing_reported_by_the_client({});
}

TEST(PlainOverGrpc, WithAnIoThreadServerVanishingIsReportedByTheClient) {
  expect_server_vanishing_reported_by_the_client(with_io_thread());
}

TEST(PlainOverGrpc, WithAnIoThreadAClientLeavingAStalledServerDoesNotHang) {
  // A server that reads nothing: the client's queued sends fill the flow-control windows and the
  // I/O thread blocks on a write. Dropping the connection must cancel that write, not wait on it.
  std::atomic<bool> client_gone = false;
  SessionServer stalled(
      "127.0.0.1:0",
      [&](split::Transport&) {
        const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (!client_gone && std::chrono::steady_clock::now() < give_up) {
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
      },
      NetOptions{});
  const auto start = std::chrono::steady_clock::now();
  {
    ClientConnection connection(loopback(stalled), with_io_thread());
    const Message big{MessageKind::kActivations,
                      1,
                      0,
                      {},
                      {nn::FloatTensor{{1024, 256}, std::vector<float>(1024 * 256, 0.5f)}},
                      {}};
    for (int i = 0; i < 16; ++i) connection.send(big);  // 16 MiB: far beyond the windows
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  client_gone = true;
  stalled.wait_for_session();
}

TEST(PlainOverGrpc, SilentPeersTimeOutOnBothSides) {
  NetOptions quick;
  quick.message_timeout = std::chrono::milliseconds(300);
  // A server that accepts the session and then says nothing. Its own timeout is longer than the
  // client's: with equal ones, a loaded machine could let the server give up first, and the client
  // would see a cancelled session instead of its own timeout.
  NetOptions patient = quick;
  patient.message_timeout = std::chrono::milliseconds(3000);
  SessionServer mute(
      "127.0.0.1:0",
      [](split::Transport& t) {
        t.receive();
        t.receive();
      },
      patient);
  {
    ClientConnection connection(loopback(mute), quick);
    connection.send(Message{MessageKind::kHello, 0, 0, {}, {}, {}});
    const auto start = std::chrono::steady_clock::now();
    const std::string message = error_of([&] { connection.receive(); });
    EXPECT_NE(message.find("sent nothing for 300 ms"), std::string::npos) << message;
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  }
  // The mute server's second receive: its client is gone or silent, either way a clear error.
  EXPECT_NE(outcome_error(mute.wait_for_session()), "(no error)");

  // A client that connects and then says nothing.
  SessionServer server(
      "127.0.0.1:0", [](split::Transport& t) { split::serve_session(t, split::ServerOptions{}); },
      quick);
  ClientConnection idle(loopback(server), quick);
  idle.send(Message{MessageKind::kHello,
                    0,
                    0,
                    {{"protocol", "plain"},
                     {"wire_version", "1"},
                     {"seed", "0"},
                     {"server_lr", "0.01"},
                     {"features", "256"},
                     {"classes", "5"},
                     {"batch_size", "4"}},
                    {},
                    {}});
  idle.receive();  // hello-ack; then silence
  const std::string message = outcome_error(server.wait_for_session());
  EXPECT_NE(message.find("sent nothing for 300 ms"), std::string::npos) << message;
}

}  // namespace
}  // namespace hesplit::net
