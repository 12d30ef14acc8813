#include "split/transport.hpp"

namespace hesplit::split {

Message expect(Transport& transport, MessageKind kind) {
  Message message = transport.receive();
  if (message.kind != kind) {
    throw TransportError("protocol error: expected " + to_string(kind) + ", received " +
                         describe(message));
  }
  return message;
}

}  // namespace hesplit::split
