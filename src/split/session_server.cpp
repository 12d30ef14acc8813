#include "split/session_server.hpp"

#include "nn/torch_threads.hpp"
#include "split/plain_client.hpp"
#include "split/plain_server.hpp"

namespace hesplit::split {

SessionReport serve_session(Transport& transport, const ServerOptions& options) {
  nn::set_torch_threads(options.torch_threads);
  const Message hello = expect(transport, MessageKind::kHello);
  if (hello.field("wire_version") != kWireVersion) {
    throw TransportError("client speaks wire version " + hello.field("wire_version") +
                         ", this server " + kWireVersion);
  }
  const std::string& protocol = hello.field("protocol");
  // The HE protocols (paper, sealed) register here next to plain.
  if (protocol == kPlainProtocol) {
    try {
      return serve_plain(transport, hello, options);
    } catch (const PeerDisconnected& e) {
      throw PeerDisconnected(std::string("client disconnected before the end of the session: ") +
                             e.what());
    }
  }
  throw TransportError("client asked for unknown protocol \"" + protocol + "\"");
}

}  // namespace hesplit::split
