#pragma once
// The server role: reads the client's Hello, picks the protocol it names from the registry
// (protocols/registry.hpp) and serves the session until Goodbye. Transport-agnostic; src/net calls
// it once per gRPC stream.
#include "split/session/server_options.hpp"
#include "split/transport.hpp"

namespace hesplit::split {

SessionReport serve_session(Transport& transport, const ServerOptions& options);

}  // namespace hesplit::split
