// Handshake refusals: a client and a server that do not agree on the wire version or the protocol
// end the session at Hello, and the error on both sides names both sides' values.
#include <gtest/gtest.h>

#include "split/protocols/he/he_client_crypto.hpp"
#include "split/protocols/he/he_remote_head.hpp"
#include "split/serve_session.hpp"
#include "test_tls_support.hpp"

namespace hesplit::test {
namespace {

struct Refusal {
  std::string client_error;
  std::string server_error;
};

// Sends `hello` from a raw client and waits for the reply the server gives.
Refusal handshake(const std::map<std::string, std::string>& fields) {
  split::ServerOptions roles;
  net::SessionServer server(
      "127.0.0.1:0", [&](split::Transport& t) { split::serve_session(t, roles); },
      net::NetOptions{});
  Refusal refusal;
  refusal.client_error = error_of([&] {
    net::ClientConnection connection("127.0.0.1:" + std::to_string(server.port()),
                                     net::NetOptions{});
    connection.send(split::Message{split::MessageKind::kHello, 0, 0, fields, {}, {}});
    split::expect(connection, split::MessageKind::kHelloAck);
  });
  refusal.server_error = outcome_error(server.wait_for_session());
  return refusal;
}

std::map<std::string, std::string> plain_hello() {
  return {{"protocol", split::kPlainProtocol},
          {"wire_version", split::kWireVersion},
          {"seed", "0"},
          {"server_lr", "0.01"},
          {"features", "256"},
          {"classes", "5"},
          {"batch_size", "4"}};
}

TEST(HandshakeMismatch, WireVersionNamesBothSides) {
  auto hello = plain_hello();
  hello["wire_version"] = "999";
  const Refusal r = handshake(hello);
  for (const std::string& e : {r.client_error, r.server_error}) {
    EXPECT_NE(e.find("wire version 999"), std::string::npos) << e;
    EXPECT_NE(e.find(std::string("this server ") + split::kWireVersion), std::string::npos) << e;
  }
  EXPECT_NE(r.client_error.find("ended the session"), std::string::npos) << r.client_error;
}

TEST(HandshakeMismatch, UnknownProtocolIsNamed) {
  auto hello = plain_hello();
  hello["protocol"] = "telepathy";
  const Refusal r = handshake(hello);
  for (const std::string& e : {r.client_error, r.server_error}) {
    EXPECT_NE(e.find("telepathy"), std::string::npos) << e;
  }
}

TEST(HandshakeMismatch, AHelloWithoutAVersionIsRefused) {
  auto hello = plain_hello();
  hello.erase("wire_version");
  const Refusal r = handshake(hello);
  EXPECT_NE(r.client_error.find("wire_version"), std::string::npos) << r.client_error;
}

TEST(HandshakeMismatch, CkksParameterSetNamesBothSides) {
  split::ServerOptions roles;
  net::SessionServer server(
      "127.0.0.1:0", [&](split::Transport& t) { split::serve_session(t, roles); },
      net::NetOptions{});
  const std::string e = error_of([&] {
    net::ClientConnection connection("127.0.0.1:" + std::to_string(server.port()),
                                     net::NetOptions{});
    split::HeSessionOptions he;
    he.preset = "seal-8192";  // a valid 128-bit set this server does not serve
    auto crypto = std::make_shared<split::HeClientCrypto>(he.preset, 256, 5);
    split::HeRemoteHead head(connection, {0, 0.01, 256, 5, 16}, split::kSealedProtocol, he, crypto);
  });
  EXPECT_NE(e.find("client preset \"seal-8192\""), std::string::npos) << e;
  EXPECT_NE(e.find("this server serves sealed-8192, sealed-16384"), std::string::npos) << e;
  EXPECT_NE(outcome_error(server.wait_for_session()).find("seal-8192"), std::string::npos);
}

TEST(HandshakeMismatch, NoServerIsAClearError) {
  net::NetOptions options;
  options.connect_timeout = std::chrono::milliseconds(300);
  const std::string e = error_of([&] { net::ClientConnection c("127.0.0.1:1", options); });
  EXPECT_NE(e.find("cannot connect to a hesplit server at 127.0.0.1:1 within 300 ms"),
            std::string::npos)
      << e;
}

}  // namespace
}  // namespace hesplit::test
