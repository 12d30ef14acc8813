#include "split/transport.hpp"

namespace hesplit::split {

std::int64_t bounded_hello_integer(const Message& hello, const std::string& key, std::int64_t low,
                                   std::int64_t high) {
  const double value = hello.number_field(key);
  if (!(value >= static_cast<double>(low) && value <= static_cast<double>(high)) ||
      value != static_cast<double>(static_cast<std::int64_t>(value))) {
    throw TransportError("hello: \"" + key + "\" must be an integer in [" + std::to_string(low) +
                         ", " + std::to_string(high) + "]");
  }
  return static_cast<std::int64_t>(value);
}

std::string oversized_message_text(std::size_t size, std::size_t limit, const std::string& basis) {
  return "refused a message of " + std::to_string(size) + " bytes: this session's limit is " +
         std::to_string(limit) + " bytes, the largest message its parameters need (" + basis + ")";
}

Message expect(Transport& transport, MessageKind kind) {
  Message message = transport.receive();
  if (message.kind != kind) {
    throw TransportError("protocol error: expected " + to_string(kind) + ", received " +
                         describe(message));
  }
  return message;
}

}  // namespace hesplit::split
