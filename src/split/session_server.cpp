#include "split/session_server.hpp"

#include "nn/torch_threads.hpp"
#include "split/he_protocol.hpp"
#include "split/he_server.hpp"
#include "split/plain_client.hpp"
#include "split/plain_server.hpp"
#include "split/recording_transport.hpp"

namespace hesplit::split {

SessionReport serve_session(Transport& transport, const ServerOptions& options) {
  if (options.record_dir && options.recorder == nullptr) {
    // --record-server-view: the same session, with every message written to a view file.
    ServerViewWriter writer(*options.record_dir);
    RecordingTransport recording(transport, writer);
    ServerOptions recorded = options;
    recorded.recorder = &writer;
    return serve_session(recording, recorded);
  }
  nn::set_torch_threads(options.torch_threads);
  const Message hello = expect(transport, MessageKind::kHello);
  if (hello.field("wire_version") != kWireVersion) {
    throw TransportError("client speaks wire version " + hello.field("wire_version") +
                         ", this server " + kWireVersion);
  }
  const std::string& protocol = hello.field("protocol");
  // One line per protocol: the server of the protocol the client's Hello names.
  using Serve = SessionReport (*)(Transport&, const Message&, const ServerOptions&);
  const Serve serve = protocol == kPlainProtocol    ? &serve_plain
                      : protocol == kSealedProtocol ? &serve_sealed
                      : protocol == kPaperProtocol  ? &serve_paper
                                                    : nullptr;
  if (serve != nullptr) {
    try {
      return serve(transport, hello, options);
    } catch (const PeerDisconnected& e) {
      throw PeerDisconnected(std::string("client disconnected before the end of the session: ") +
                             e.what());
    }
  }
  throw TransportError("client asked for unknown protocol \"" + protocol + "\"");
}

}  // namespace hesplit::split
