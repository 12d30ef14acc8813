#pragma once
// The largest serialized message each protocol can produce for given parameters, so that the
// transport can refuse anything larger before it is decoded (issue 9: "gRPC message size limits
// set to what the parameters need"). Counted as the protobuf size of the wire envelope, which is
// what gRPC's limits and split::Transport::limit_received_bytes compare against. Knows the
// protocols and CKKS; knows nothing of gRPC.
#include <cstddef>
#include <cstdint>
#include <string>

#include "split/message.hpp"

namespace hesplit::split {

// Bounds per direction: client -> server (Hello, activations, gradients, Goodbye) and
// server -> client (HelloAck, logits, input gradients, GoodbyeAck).
struct MessageBounds {
  std::size_t to_server = 0;
  std::size_t to_client = 0;
  // Where the figures come from, for error messages ("sealed, sealed-8192, 1024 rows").
  std::string basis;
};

// Per message, above its tensors and blobs: kind, ids, checksum, the text fields (Hello
// parameters, Goodbye metrics, key-switch counts), shapes, blob names and protobuf framing.
inline constexpr std::size_t kEnvelopeAllowance = std::size_t{64} << 10;

// What a session of `protocol` (plain | paper | sealed; `preset` names the CKKS parameters of
// the HE ones) needs when no message carries more than `rows` samples of `features` activations
// and `classes` logits. Throws std::invalid_argument for an unknown protocol or preset.
MessageBounds session_message_bounds(const std::string& protocol, const std::string& preset,
                                     std::size_t rows, std::size_t features, std::size_t classes);

// The bounds of the session a received Hello opens (its protocol, preset, features and classes),
// with `max_rows` samples per message at most (the server's limit). Hello fields out of range
// throw TransportError; the protocol servers check them again in detail.
MessageBounds hello_message_bounds(const Message& hello, std::int64_t max_rows);

// Classes a server's gRPC limit allows for (a plain session may ask for up to 1024; the HE
// layout takes 5). Logits are small beside activations, so this costs little.
inline constexpr std::size_t kServedClassesBound = 64;

// The largest over every protocol and preset a server accepts with `max_rows` samples per
// message, for the model's `features` and at most `classes` classes: its gRPC receive limit.
MessageBounds server_message_bounds(std::size_t max_rows, std::size_t features,
                                    std::size_t classes);

}  // namespace hesplit::split
