#pragma once
// The server of the `paper` protocol: the published artifact's flow with our packing and CKKS
// (Enc(Z) down, G in the clear up, dL/dA in the clear down, Enc(dL/dW) on the server and a masked
// refresh with a fresh uniformly random mask per batch; docs/protocols.md).
#include "split/message.hpp"
#include "split/session/server_options.hpp"

namespace hesplit::split {

// paper's checkpoints: W, b in the clear and the pending refresh's mask M (vector_file.hpp).
inline constexpr const char* kPaperWeightFile = "paper_w.hsvd";
inline constexpr const char* kPaperBiasFile = "paper_b.hsvd";
inline constexpr const char* kPaperMaskFile = "paper_mask.hsvd";

SessionReport serve_paper(Transport& transport, const Message& hello, const ServerOptions& options);

}  // namespace hesplit::split
