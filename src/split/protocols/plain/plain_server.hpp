#pragma once
// The server side of the `plain` protocol: answers activations with logits and logit gradients
// with dL/dA, then takes its SGD step (after the reply has left, so the client does not wait).
#include "split/message.hpp"
#include "split/session/server_options.hpp"

namespace hesplit::split {

SessionReport serve_plain(Transport& transport, const Message& hello, const ServerOptions& options);

}  // namespace hesplit::split
