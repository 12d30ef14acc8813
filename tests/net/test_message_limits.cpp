// Message size limits derived from the protocols' parameters (issue 9): the bounds hold the real
// largest messages (serialized here, not assumed), and a message one byte above a bound is
// refused with a clear error on both sides of a real gRPC session, while one of exactly the bound
// goes through.
#include <gtest/gtest.h>

#include <cstdint>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "net/client_connection.hpp"
#include "net/codec.hpp"
#include "net/session_server.hpp"
#include "split/protocols/he/he_client_crypto.hpp"
#include "split/protocols/he/he_protocol.hpp"
#include "split/protocols/plain/plain_client.hpp"
#include "split/serve_session.hpp"
#include "split/session/message_bounds.hpp"
#include "test_tls_support.hpp"

namespace hesplit::test {
namespace {

constexpr std::size_t kFeatures = 256;
constexpr std::size_t kClasses = 5;

std::size_t wire_size(const split::Message& message) {
  return net::detail::encode(message).ByteSizeLong();
}

// A tensor of `rows` x `columns` floats with varied values (no zero runs to favour).
nn::FloatTensor tensor(std::size_t rows, std::size_t columns) {
  nn::FloatTensor t{{static_cast<std::int64_t>(rows), static_cast<std::int64_t>(columns)}, {}};
  t.data.resize(rows * columns);
  for (std::size_t i = 0; i < t.data.size(); ++i) t.data[i] = 0.001f * static_cast<float>(i % 997);
  return t;
}

// The Hello of an HE client as HeRemoteHead builds it: its real public context (relinearisation
// key, Galois keys of the protocol's steps and conjugation, the public key when flooding).
split::Message he_hello(const split::HeClientCrypto& crypto, const std::string& preset,
                        bool sealed) {
  const std::vector<int> steps = sealed ? split::sealed_galois_steps(crypto.layout())
                                        : split::paper_galois_steps(crypto.layout());
  const ckks::Bytes context = crypto.public_context(steps, sealed);
  split::Message hello;
  hello.kind = split::MessageKind::kHello;
  hello.fields = {{"protocol", sealed ? split::kSealedProtocol : split::kPaperProtocol},
                  {"wire_version", split::kWireVersion},
                  {"seed", "18446744073709551615"},
                  {"server_lr", "0.01"},
                  {"features", std::to_string(kFeatures)},
                  {"classes", std::to_string(kClasses)},
                  {"batch_size", "4096"},
                  {"ckks_preset", preset},
                  {"flood", sealed ? "1" : "0"},
                  {"server_layer", "encrypted"},
                  {"key_id", std::string(32, 'f')}};
  hello.blobs.push_back({split::kPublicContextBlob, std::string(context.begin(), context.end())});
  return hello;
}

TEST(MessageBounds, SealedHelloAt16384FitsItsBound) {
  const split::HeClientCrypto crypto("sealed-16384", kFeatures, kClasses);
  const split::MessageBounds bounds = split::session_message_bounds(
      split::kSealedProtocol, "sealed-16384", 1024, kFeatures, kClasses);
  const std::size_t sealed = wire_size(he_hello(crypto, "sealed-16384", true));
  const std::size_t paper = wire_size(he_hello(crypto, "sealed-16384", false));
  EXPECT_LE(sealed, bounds.to_server);
  EXPECT_LE(paper, bounds.to_server);
  // Derived, not generous: the Hello is within 2% of the bound (64 KiB of field allowance aside).
  EXPECT_GE(static_cast<double>(sealed), 0.98 * static_cast<double>(bounds.to_server - 65536))
      << "Hello " << sealed << " B, bound " << bounds.to_server << " B";
  std::cout << "sealed-16384 Hello: " << sealed << " B, bound " << bounds.to_server << " B\n";
}

TEST(MessageBounds, HeActivationsFitTheirBound) {
  // The client's Enc(A) for a whole evaluation chunk: one seeded ciphertext per
  // samples_per_ciphertext rows, as HeRemoteHead sends them.
  const std::size_t rows = 1024;
  const split::HeClientCrypto crypto("sealed-8192", kFeatures, kClasses);
  const std::size_t per = crypto.layout().samples_per_ciphertext();
  std::vector<double> a(per * kFeatures);
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = 0.25 + 1e-4 * static_cast<double>(i % 389);
  const ckks::Bytes one =
      crypto.encrypt_seeded(crypto.codec().pack_activations(a, per), split::kActivationScale);
  split::Message message{split::MessageKind::kEvalActivations, 0, 0, {{"rows", "1024"}}, {}, {}};
  for (std::size_t i = 0; i < split::ciphertexts_for(rows, per); ++i) {
    message.blobs.push_back({split::kCiphertextBlob, std::string(one.begin(), one.end())});
  }
  const split::MessageBounds bounds = split::session_message_bounds(
      split::kSealedProtocol, "sealed-8192", rows, kFeatures, kClasses);
  EXPECT_LE(wire_size(message), bounds.to_server);
}

TEST(MessageBounds, PlainActivationsAtMaxRowsFitTheirBound) {
  const std::size_t rows = static_cast<std::size_t>(split::kDefaultMaxRows);
  const split::MessageBounds bounds =
      split::session_message_bounds(split::kPlainProtocol, "", rows, kFeatures, kClasses);
  const split::Message activations{split::MessageKind::kActivations, 7, 123456, {},
                                   {tensor(rows, kFeatures)},        {}};
  const split::Message input_grads{split::MessageKind::kInputGrads, 7, 123456, {},
                                   {tensor(rows, kFeatures)},       {}};
  EXPECT_LE(wire_size(activations), bounds.to_server);
  EXPECT_LE(wire_size(input_grads), bounds.to_client);
  // Derived, not generous: beyond the real message only the allowance for text fields remains.
  EXPECT_LE(bounds.to_server - wire_size(activations), split::kEnvelopeAllowance + 64);
  // The server's gRPC limit covers every protocol and preset at its row limit.
  const split::MessageBounds server =
      split::server_message_bounds(rows, kFeatures, split::kServedClassesBound);
  EXPECT_GE(server.to_server, bounds.to_server);
  EXPECT_GE(server.to_server, split::session_message_bounds(split::kSealedProtocol, "sealed-16384",
                                                            rows, kFeatures, kClasses)
                                  .to_server);
  EXPECT_LT(server.to_server, std::size_t{1} << 31) << "beyond gRPC's 2 GiB limit";
  std::cout << "server at " << rows << " rows: " << server.to_server << " B in, "
            << server.to_client << " B out\n";
  for (const std::string preset : {"sealed-8192", "sealed-16384", "paper-8192"}) {
    const auto he =
        split::session_message_bounds(split::kSealedProtocol, preset, 1024, kFeatures, kClasses);
    std::cout << he.basis << ": " << he.to_server << " B to the server, " << he.to_client
              << " B to the client\n";
  }
  std::cout << bounds.basis << ": " << bounds.to_server << " B\n";
}

// A message of exactly `size` serialized bytes: `base` padded with a text field. The envelope's
// checksum is a varint whose width depends on the content, so a few lengths and fill characters
// are tried.
split::Message message_of_size(const split::Message& base, std::size_t size) {
  split::Message m = base;
  m.fields["pad"] = "";
  const std::size_t empty = wire_size(m);
  if (empty <= size) {
    for (char fill = 'a'; fill <= 'z'; ++fill) {
      for (std::size_t length = size - empty; length + 40 > size - empty && length > 0; --length) {
        m.fields["pad"] = std::string(length, fill);
        if (wire_size(m) == size) return m;
      }
    }
  }
  ADD_FAILURE() << "cannot build a message of exactly " << size << " bytes";
  return base;
}

std::map<std::string, std::string> plain_hello_fields() {
  return {{"protocol", split::kPlainProtocol},
          {"wire_version", split::kWireVersion},
          {"seed", "0"},
          {"server_lr", "0.01"},
          {"features", std::to_string(kFeatures)},
          {"classes", std::to_string(kClasses)},
          {"batch_size", "4"}};
}

struct Exchange {
  std::string client_error;
  std::string server_error;
};

// A plain session with a real server (serve_session, 64 rows at most): Hello, then activations
// padded to `size` bytes.
Exchange send_activations_of_size(std::size_t size) {
  split::ServerOptions roles;
  roles.max_rows = 64;
  net::SessionServer server(
      "127.0.0.1:0", [&](split::Transport& t) { split::serve_session(t, roles); },
      net::NetOptions{});
  Exchange exchange;
  exchange.client_error = error_of([&] {
    net::ClientConnection connection("127.0.0.1:" + std::to_string(server.port()),
                                     net::NetOptions{});
    connection.send({split::MessageKind::kHello, 0, 0, plain_hello_fields(), {}, {}});
    split::expect(connection, split::MessageKind::kHelloAck);
    connection.send(message_of_size(
        {split::MessageKind::kActivations, 0, 0, {}, {tensor(64, kFeatures)}, {}}, size));
    split::expect(connection, split::MessageKind::kLogits);
    connection.send({split::MessageKind::kGoodbye, 0, 0, {}, {}, {}});
    split::expect(connection, split::MessageKind::kGoodbyeAck);
    connection.close();
  });
  exchange.server_error = outcome_error(server.wait_for_session());
  return exchange;
}

TEST(MessageLimits, ServerRefusesOneByteAboveTheSessionBound) {
  const split::MessageBounds bounds =
      split::session_message_bounds(split::kPlainProtocol, "", 64, kFeatures, kClasses);
  const Exchange at = send_activations_of_size(bounds.to_server);
  EXPECT_EQ(at.client_error, "(no error)");
  EXPECT_EQ(at.server_error, "(no error)");

  const Exchange over = send_activations_of_size(bounds.to_server + 1);
  const std::string expected = "refused a message of " + std::to_string(bounds.to_server + 1) +
                               " bytes: this session's limit is " +
                               std::to_string(bounds.to_server) + " bytes";
  for (const std::string& e : {over.client_error, over.server_error}) {
    EXPECT_NE(e.find(expected), std::string::npos) << e;
    EXPECT_NE(e.find("plain, 64 rows of 256 features, 5 classes"), std::string::npos) << e;
  }
}

// The server sends one message of `size` bytes to a client whose limits are the plain
// session's at 64 rows (as `hesplit client` sets them).
std::string client_receives_message_of_size(std::size_t size) {
  const split::MessageBounds bounds =
      split::session_message_bounds(split::kPlainProtocol, "", 64, kFeatures, kClasses);
  net::SessionServer server(
      "127.0.0.1:0",
      [&](split::Transport& t) {
        t.receive();
        t.send(message_of_size({split::MessageKind::kLogits, 0, 0, {}, {tensor(64, kClasses)}, {}},
                               size));
        t.receive();
      },
      net::NetOptions{});
  net::NetOptions options;
  options.max_receive_bytes = bounds.to_client;
  options.max_send_bytes = bounds.to_server;
  options.message_limit_basis = bounds.basis;
  const std::string error = error_of([&] {
    net::ClientConnection connection("127.0.0.1:" + std::to_string(server.port()), options);
    connection.send({split::MessageKind::kActivations, 0, 0, {}, {tensor(64, kFeatures)}, {}});
    split::expect(connection, split::MessageKind::kLogits);
    connection.send({split::MessageKind::kGoodbye, 0, 0, {}, {}, {}});
    connection.close();
  });
  server.wait_for_session();
  return error;
}

TEST(MessageLimits, ClientRefusesOneByteAboveItsBound) {
  const split::MessageBounds bounds =
      split::session_message_bounds(split::kPlainProtocol, "", 64, kFeatures, kClasses);
  EXPECT_EQ(client_receives_message_of_size(bounds.to_client), "(no error)");
  const std::string over = client_receives_message_of_size(bounds.to_client + 1);
  EXPECT_NE(over.find("this client accepts at most " + std::to_string(bounds.to_client) +
                      " bytes: plain, 64 rows"),
            std::string::npos)
      << over;
  EXPECT_NE(over.find(std::to_string(bounds.to_client + 1)), std::string::npos) << over;
}

TEST(MessageLimits, ASessionLimitBelowGrpcsIsEnforcedByTheClient) {
  const std::size_t limit = 4096;
  net::SessionServer server(
      "127.0.0.1:0",
      [&](split::Transport& t) {
        t.receive();
        t.send(message_of_size({split::MessageKind::kLogits, 0, 0, {}, {}, {}}, limit + 1));
        t.receive();
      },
      net::NetOptions{});
  const std::string error = error_of([&] {
    net::ClientConnection connection("127.0.0.1:" + std::to_string(server.port()),
                                     net::NetOptions{});
    connection.limit_received_bytes(limit, "a test bound");
    connection.send({split::MessageKind::kActivations, 0, 0, {}, {tensor(1, kFeatures)}, {}});
    split::expect(connection, split::MessageKind::kLogits);
  });
  server.wait_for_session();
  EXPECT_NE(error.find("refused a message of 4097 bytes: this session's limit is 4096 bytes, the "
                       "largest message its parameters need (a test bound)"),
            std::string::npos)
      << error;
}

}  // namespace
}  // namespace hesplit::test
