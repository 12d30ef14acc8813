#pragma once
// The server of the `sealed` protocol (docs/protocols.md): W0 in the clear and Enc(Delta) under
// the client's key, ciphertexts in both passes, SGD on Enc(Delta); it never holds a secret key.
#include "split/message.hpp"
#include "split/session/server_options.hpp"

namespace hesplit::split {

// The server's layer file in its checkpoint folder: W0, b0 + Enc(Delta) (sealed_layer_file.hpp).
inline constexpr const char* kSealedLayerFile = "server_layer.hsck";

SessionReport serve_sealed(Transport& transport, const Message& hello,
                           const ServerOptions& options);

}  // namespace hesplit::split
