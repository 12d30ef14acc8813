#include "split/serve_session.hpp"

#include <optional>
#include <stdexcept>

#include "nn/torch_threads.hpp"
#include "split/protocols/plain/plain_client.hpp"
#include "split/protocols/registry.hpp"
#include "split/recording_transport.hpp"
#include "split/session/message_bounds.hpp"

namespace hesplit::split {

namespace {

// Before any further message: nothing larger than this session's parameters need is accepted.
// A Hello whose parameters are out of range gets no bound here: the protocol's server refuses it
// with its own, more specific message before reading anything else.
void limit_to_hello(Transport& transport, const Message& hello, std::int64_t max_rows) {
  std::optional<MessageBounds> bounds;
  try {
    bounds = hello_message_bounds(hello, max_rows);
  } catch (const std::runtime_error&) {  // missing or malformed field, unknown preset
    return;
  } catch (const std::invalid_argument&) {
    return;
  }
  transport.limit_received_bytes(bounds->to_server, bounds->basis);
}

}  // namespace

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
  if (const ProtocolEntry* entry = find_protocol(protocol)) {
    limit_to_hello(transport, hello, options.max_rows);
    try {
      return entry->serve(transport, hello, options);
    } catch (const PeerDisconnected& e) {
      throw PeerDisconnected(std::string("client disconnected before the end of the session: ") +
                             e.what());
    }
  }
  throw TransportError("client asked for unknown protocol \"" + protocol + "\"");
}

}  // namespace hesplit::split
