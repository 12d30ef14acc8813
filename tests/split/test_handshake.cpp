// What the server of each HE protocol receives: a Hello whose only blob is a public context
// (parameters, relinearisation key, exactly the packing's Galois keys; never a secret key), then
// per message type only ciphertexts (and, in paper, the clear values its flow defines) and public
// metadata. And: every malformed or foreign ciphertext is refused before use.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include "ckks/galois.hpp"
#include "ckks/keygen.hpp"
#include "ckks/params.hpp"
#include "ckks/serial_public_context.hpp"
#include "split/protocols/he/he_protocol.hpp"
#include "split/serve_session.hpp"
#include "split/transport.hpp"
#include "test_data.hpp"
#include "test_sealed_support.hpp"

namespace hesplit::test {
namespace {

std::span<const std::uint8_t> bytes_of(const split::Blob& blob) {
  return {reinterpret_cast<const std::uint8_t*>(blob.bytes.data()), blob.bytes.size()};
}

unsigned object_type(const split::Blob& blob) {
  return static_cast<unsigned char>(blob.bytes.at(6)) |
         (static_cast<unsigned>(static_cast<unsigned char>(blob.bytes.at(7))) << 8);
}

nn::FloatTensor ramp(std::int64_t rows, std::int64_t cols, double scale) {
  nn::FloatTensor t{{rows, cols}, {}};
  for (std::int64_t i = 0; i < rows * cols; ++i) {
    t.data.push_back(static_cast<float>(scale * std::cos(0.7 * static_cast<double>(i))));
  }
  return t;
}

// Runs two training batches and one evaluation through a session, then ends it.
std::vector<split::Message> session_messages(const std::string& protocol, HeSession& session) {
  for (std::uint64_t b = 0; b < 2; ++b) {
    session.head->forward({1, b}, ramp(20, 256, 0.5));
    session.head->backward({1, b}, ramp(20, 5, 0.1));
  }
  session.head->infer(ramp(3, 256, 0.5));
  session.finish();
  (void)protocol;
  return session.server_received();
}

// The secret key's own bytes (its ternary coefficients) must not occur in anything the server got.
void expect_no_secret_key_bytes(const HeSession& session,
                                const std::vector<split::Message>& messages) {
  const std::filesystem::path key = scratch_dir("handshake_key") / "client.key";
  session.crypto->save_secret_key(key);
  std::ifstream in(key, std::ios::binary);
  const std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The last 1 KiB of the file is ternary coefficient data.
  const std::string secret = all.substr(all.size() - 1024);
  for (const split::Message& m : messages) {
    for (const split::Blob& blob : m.blobs) {
      EXPECT_FALSE(split::looks_like_secret_key(bytes_of(blob))) << split::describe(m);
      EXPECT_EQ(blob.bytes.find(secret), std::string::npos) << split::describe(m);
    }
  }
}

void check_hello(const split::Message& hello, const HeSession& session, bool paper) {
  ASSERT_EQ(hello.kind, split::MessageKind::kHello);
  ASSERT_EQ(hello.blobs.size(), 1u);
  EXPECT_TRUE(hello.tensors.empty());
  EXPECT_EQ(object_type(hello.blobs[0]), 12u);  // public context
  const ckks::PublicContext pc = ckks::load_public_context(bytes_of(hello.blobs[0]));
  EXPECT_EQ(pc.context->fingerprint(), session.crypto->context().fingerprint());
  ASSERT_TRUE(pc.relin_keys.has_value());
  ASSERT_TRUE(pc.galois_keys.has_value());
  // Neither server encrypts (paper multiplies Enc(A) by its clear G); only sealed --flood would.
  EXPECT_FALSE(pc.public_key.has_value());
  // Exactly the packing's rotations (paper: without the backward's un-shifts) plus conjugation.
  const std::vector<int> steps = paper ? split::paper_galois_steps(session.crypto->layout())
                                       : split::sealed_galois_steps(session.crypto->layout());
  std::set<std::uint32_t> expected;
  for (const int s : steps) {
    expected.insert(ckks::galois_element_for_step(s, session.crypto->context().degree()));
  }
  expected.insert(static_cast<std::uint32_t>(2 * session.crypto->context().degree() - 1));
  std::set<std::uint32_t> got;
  for (const auto& [element, key] : pc.galois_keys->keys) got.insert(element);
  EXPECT_EQ(got, expected);
  EXPECT_EQ(got.size(), paper ? 13u : 16u);
  // Public metadata only.
  const std::set<std::string> allowed{"protocol", "wire_version", "seed",       "server_lr",
                                      "features", "classes",      "batch_size", "ckks_preset",
                                      "flood",    "server_layer"};
  for (const auto& [key, value] : hello.fields) EXPECT_TRUE(allowed.count(key)) << key;
}

TEST(Handshake, SealedServerReceivesOnlyPublicKeysAndCiphertexts) {
  HeSession session(split::kSealedProtocol, 0.01, 1);
  const std::vector<split::Message> messages = session_messages("sealed", session);
  ASSERT_FALSE(messages.empty());
  check_hello(messages.front(), session, false);
  expect_no_secret_key_bytes(session, messages);
  std::set<split::MessageKind> kinds;
  for (std::size_t i = 1; i < messages.size(); ++i) {
    const split::Message& m = messages[i];
    kinds.insert(m.kind);
    EXPECT_TRUE(m.tensors.empty()) << split::describe(m);  // nothing in the clear
    for (const auto& [key, value] : m.fields) EXPECT_EQ(key, "rows") << split::describe(m);
    if (m.kind == split::MessageKind::kGoodbye) continue;
    EXPECT_EQ(m.blobs.size(), 2u - (m.kind == split::MessageKind::kEvalActivations));
    for (const split::Blob& blob : m.blobs) {
      EXPECT_EQ(object_type(blob), 4u) << split::describe(m);  // fresh: seeded ciphertexts
    }
  }
  EXPECT_EQ(kinds, (std::set<split::MessageKind>{
                       split::MessageKind::kActivations, split::MessageKind::kLogitGrads,
                       split::MessageKind::kEvalActivations, split::MessageKind::kGoodbye}));
}

TEST(Handshake, PaperServerReceivesCiphertextsAndTheFlowsClearValues) {
  HeSession session(split::kPaperProtocol, 0.01, 1);
  const std::vector<split::Message> messages = session_messages("paper", session);
  check_hello(messages.front(), session, true);
  expect_no_secret_key_bytes(session, messages);
  for (std::size_t i = 1; i < messages.size(); ++i) {
    const split::Message& m = messages[i];
    for (const split::Blob& blob : m.blobs) EXPECT_EQ(object_type(blob), 4u);
    if (m.kind == split::MessageKind::kLogitGrads) {
      ASSERT_EQ(m.tensors.size(), 1u);  // G in the clear: the artifact's flow
      EXPECT_TRUE(m.blobs.empty());
    }
    // W' + M rides on every message after a backward.
    const bool after_backward = messages[i - 1].kind == split::MessageKind::kLogitGrads;
    if (m.kind != split::MessageKind::kLogitGrads) {
      EXPECT_EQ(m.tensors.size(), after_backward ? 1u : 0u) << split::describe(m);
    }
  }
}

TEST(Handshake, ForeignOrMalformedCiphertextsAreRefused) {
  const auto ours = std::make_shared<split::HeClientCrypto>("sealed-8192", 256, 5);
  const auto other = std::make_shared<split::HeClientCrypto>("sealed-16384", 256, 5);
  const packing::SlotVector slots(16, {0.25, 0.0});
  split::Message m{split::MessageKind::kActivations, 1, 0, {{"rows", "1"}}, {}, {}};
  const ckks::Bytes good = ours->encrypt_seeded(slots, split::kActivationScale);
  const auto load = [&](const ckks::Bytes& bytes, std::size_t level, double scale) {
    m.blobs = split::to_blobs(std::vector<ckks::Bytes>{bytes});
    return split::receive_ciphertexts(ours->context(), m, 1, level, scale);
  };
  EXPECT_NO_THROW(load(good, 2, split::kActivationScale));
  // Wrong parameter set (fingerprint), level, scale, count.
  EXPECT_THROW(
      load(other->encrypt_seeded(slots, split::kActivationScale), 2, split::kActivationScale),
      split::TransportError);
  EXPECT_THROW(load(good, 1, split::kActivationScale), split::TransportError);
  EXPECT_THROW(load(good, 2, split::kGradientScale), split::TransportError);
  m.blobs = split::to_blobs(std::vector<ckks::Bytes>{good, good});
  EXPECT_THROW(split::receive_ciphertexts(ours->context(), m, 1, 2, split::kActivationScale),
               split::TransportError);
  // A coefficient at or above its prime (the last coefficient bits set to ones).
  ckks::Bytes bad = good;
  for (std::size_t i = bad.size() - 8; i < bad.size(); ++i) bad[i] = 0xff;
  EXPECT_THROW(load(bad, 2, split::kActivationScale), split::TransportError);
  // Truncated.
  const ckks::Bytes cut(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(good.size() / 2));
  EXPECT_THROW(load(cut, 2, split::kActivationScale), split::TransportError);
}

TEST(Handshake, ServerRefusesAHelloWithoutEvaluationKeys) {
  Queue to_server, to_client;
  QueueTransport client(to_server, to_client, nullptr);
  QueueTransport server(to_client, to_server, nullptr);
  split::Message hello{split::MessageKind::kHello,
                       0,
                       0,
                       {{"protocol", "sealed"},
                        {"wire_version", split::kWireVersion},
                        {"seed", "0"},
                        {"server_lr", "0.01"},
                        {"features", "256"},
                        {"classes", "5"},
                        {"batch_size", "4"},
                        {"flood", "0"},
                        {"server_layer", "encrypted"}},
                       {},
                       {}};
  client.send(hello);
  try {
    split::serve_session(server, split::ServerOptions{});
    FAIL() << "accepted a Hello without a public context";
  } catch (const split::TransportError& e) {
    EXPECT_NE(std::string(e.what()).find("public_context"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace hesplit::test
