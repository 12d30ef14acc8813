// Issue 20: what a malicious server can make a real `hesplit client --mode sealed` process do.
// The server here is hostile by construction (a session handler over real gRPC on loopback that
// deviates from the protocol); the client is the real binary. Before the fix the client decrypted
// Enc(Z) at whatever scale the server put on it: a crafted scale decodes to anything (values the
// server chose, or non-finite ones), and the client's reaction tells the server about them.
#include <gtest/gtest.h>
#include <unistd.h>

#include <functional>

#include "beat_fixture.hpp"
#include "child_process.hpp"
#include "ckks/evaluator.hpp"
#include "ckks/serial_public_context.hpp"
#include "ckks/serialization.hpp"
#include "ecg/beat_dataset.hpp"
#include "net/options.hpp"
#include "net/session_server.hpp"
#include "split/protocols/he/he_protocol.hpp"
#include "test_data.hpp"

namespace hesplit::test {
namespace {

namespace fs = std::filesystem;

std::span<const std::uint8_t> bytes_of(const split::Blob& blob) {
  return {reinterpret_cast<const std::uint8_t*>(blob.bytes.data()), blob.bytes.size()};
}

// Answers the Hello, then replies to the first activations with the client's own Enc(A) switched
// to level 0 and relabelled by `forge` (the server's choice of scale).
void hostile_session(split::Transport& transport,
                     const std::function<void(ckks::Ciphertext&)>& forge) {
  const split::Message hello = transport.receive();
  const ckks::PublicContext pc = ckks::load_public_context(bytes_of(hello.blobs.at(0)));
  transport.send(split::Message{split::MessageKind::kHelloAck,
                                0,
                                0,
                                {{"protocol", "sealed"},
                                 {"features", hello.field("features")},
                                 {"classes", hello.field("classes")}},
                                {},
                                {}});
  const split::Message activations = transport.receive();
  std::vector<ckks::Bytes> replies;
  for (const split::Blob& blob : activations.blobs) {
    ckks::Ciphertext a = ckks::load_any_ciphertext(*pc.context, bytes_of(blob));
    ckks::Evaluator(pc.context).mod_switch_to_inplace(a, 0);
    forge(a);
    replies.push_back(ckks::save(*pc.context, a));
  }
  split::Message logits{split::MessageKind::kLogits,
                        activations.epoch,
                        activations.batch,
                        {{"rotations", "0"}, {"relinearizations", "0"}},
                        {},
                        split::to_blobs(replies)};
  transport.send(logits);
  try {
    transport.receive();  // the client should end the session here
  } catch (const std::exception&) {
  }
}

class HostileServer : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = scratch_dir("hostile_server_" + std::to_string(::getpid()));
    fixture_ = dir_ / "fixture.h5";
    ecg::write_beat_dataset(fixture_, synthetic_dataset(48, 16));
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs the real client against the hostile server; returns the client's exit status.
  int run_client(const std::function<void(ckks::Ciphertext&)>& forge, std::string& err) {
    net::SessionServer server(
        "127.0.0.1:0", [&](split::Transport& t) { hostile_session(t, forge); }, net::NetOptions{});
    // clang-format off
    Child client({"client", "--mode", "sealed", "--connect",
                  "127.0.0.1:" + std::to_string(server.port()), "--data", fixture_.string(),
                  "--epochs", "1", "--batch", "16", "--out", (dir_ / "run").string()},
                 dir_ / "client");
    // clang-format on
    const int code = client.wait();
    err = client.err();
    server.shutdown();
    return code;
  }

  fs::path dir_;
  fs::path fixture_;
};

TEST_F(HostileServer, LogitsAtACraftedScaleAreRefusedByTheClient) {
  std::string err;
  const int code = run_client([](ckks::Ciphertext& c) { c.scale = 1e-30; }, err);
  EXPECT_NE(code, 0);
  EXPECT_NE(err.find("scale"), std::string::npos) << err;
  EXPECT_NE(err.find("logits"), std::string::npos) << err;
}

TEST_F(HostileServer, LogitsAtTheActivationsOwnScaleAreRefusedToo) {
  // Enc(A) untouched but for the level: its scale 2^40 is not the logits' scale.
  std::string err;
  const int code = run_client([](ckks::Ciphertext&) {}, err);
  EXPECT_NE(code, 0);
  EXPECT_NE(err.find("scale"), std::string::npos) << err;
}

}  // namespace
}  // namespace hesplit::test
