#pragma once
// What a protocol role needs from the network: send and receive typed messages, and count the
// bytes. src/net implements it over a gRPC stream; nothing here knows about gRPC.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "split/message.hpp"

namespace hesplit::split {

// Serialized bytes and messages that crossed the transport, counted at the sender and receiver.
struct Traffic {
  std::uint64_t bytes_sent = 0;
  std::uint64_t bytes_received = 0;
  std::uint64_t messages_sent = 0;
  std::uint64_t messages_received = 0;
};

// Any transport failure: timeouts, size limits, malformed or corrupted messages.
class TransportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The peer went away (process ended, connection dropped, stream cancelled).
class PeerDisconnected : public TransportError {
 public:
  using TransportError::TransportError;
};

class Transport {
 public:
  virtual ~Transport() = default;
  virtual void send(const Message& message) = 0;
  // Blocks for the next message; throws PeerDisconnected when the peer is gone.
  virtual Message receive() = 0;
  virtual Traffic traffic() const = 0;
  // From now on, refuse any received message whose serialized size exceeds `bytes`, with an
  // error that names the limit and `basis` (what it was derived from, see message_bounds.hpp).
  // Called once the Hello has fixed the session's parameters. Transports that do not serialize
  // (in-memory test queues) have no size to bound and ignore it.
  virtual void limit_received_bytes(std::size_t /*bytes*/, const std::string& /*basis*/) {}
};

// The error a transport raises for a message above its session's limit.
std::string oversized_message_text(std::size_t size, std::size_t limit, const std::string& basis);

// A Hello field that must be an integer in [low, high]; a TransportError names the field otherwise.
std::int64_t bounded_hello_integer(const Message& hello, const std::string& key, std::int64_t low,
                                   std::int64_t high);

// Receives one message and checks its kind, epoch and batch, with an error that names both.
Message expect(Transport& transport, MessageKind kind);

}  // namespace hesplit::split
