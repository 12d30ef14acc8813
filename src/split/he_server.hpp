#pragma once
// The server side of the HE protocols (PROTOCOL.md): `sealed` (W0 + Enc(Delta), ciphertexts in
// both passes, SGD on Enc(Delta)) and `paper` (the published artifact's flow with our packing:
// Enc(Z) down, G in the clear up, dL/dA in the clear down, Enc(dL/dW) on the server and a masked
// refresh with a fresh uniformly random mask per batch).
//
// What this code can hold: the parameters and the public keys of the client's public context
// (ckks::PublicContext has no field for a secret key), ciphertexts, and its own clear W0 (paper:
// W). No function here accepts or produces a secret key.
#include "split/message.hpp"
#include "split/session_server.hpp"

namespace hesplit::split {

// File names in the server's checkpoint folder.
inline constexpr const char* kSealedLayerFile = "server_layer.hsck";  // W0, b0 + Enc(Delta)
// paper's checkpoints: W, b in the clear and the pending refresh's mask M (vector_file.hpp).
inline constexpr const char* kPaperWeightFile = "paper_w.hsvd";
inline constexpr const char* kPaperBiasFile = "paper_b.hsvd";
inline constexpr const char* kPaperMaskFile = "paper_mask.hsvd";

SessionReport serve_sealed(Transport& transport, const Message& hello,
                           const ServerOptions& options);
SessionReport serve_paper(Transport& transport, const Message& hello, const ServerOptions& options);

}  // namespace hesplit::split
