#pragma once
// The typed messages every protocol exchanges: a kind, the epoch and batch they belong to, named
// text fields (parameters, metrics), float tensors (activations, logits, gradients) and opaque
// byte blobs (ciphertexts and public keys of the HE protocols). A checksum over all of it travels
// with each message (see checksum.hpp).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "nn/float_tensor.hpp"

namespace hesplit::split {

enum class MessageKind : std::uint32_t {
  kHello = 1,            // C -> S: protocol name and parameters (later CKKS params, public keys)
  kHelloAck = 2,         // S -> C: accepted parameters
  kActivations = 3,      // C -> S: A (training forward)
  kLogits = 4,           // S -> C: Z
  kLogitGrads = 5,       // C -> S: G = dL/dZ
  kInputGrads = 6,       // S -> C: dL/dA
  kEvalActivations = 7,  // C -> S: A (no training)
  kEvalLogits = 8,       // S -> C: Z
  kGoodbye = 9,          // C -> S: final metrics, end of session
  kGoodbyeAck = 10,      // S -> C: server state saved
};
inline constexpr std::uint32_t kMaxMessageKind = 10;

std::string to_string(MessageKind kind);

struct Blob {
  std::string name;
  std::string bytes;
  bool operator==(const Blob&) const = default;
};

struct Message {
  MessageKind kind = MessageKind::kHello;
  std::uint32_t epoch = 0;
  std::uint64_t batch = 0;
  std::map<std::string, std::string> fields;
  std::vector<nn::FloatTensor> tensors;
  std::vector<Blob> blobs;
  bool operator==(const Message&) const = default;

  // The field's value, or an error naming the message and the field.
  const std::string& field(const std::string& key) const;
  double number_field(const std::string& key) const;
  // The single tensor a message of this kind carries, or an error.
  const nn::FloatTensor& only_tensor() const;
};

// Where a message sits in the session, for error messages ("logits of epoch 2, batch 17").
std::string describe(const Message& message);

}  // namespace hesplit::split
