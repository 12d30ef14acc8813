#pragma once
// The end of a sealed run on the client (`hesplit release`, `hesplit evaluate`). What the client
// hands the server is W_T = W0 + Delta with W0, b0 rebuilt from the run's seed and Delta the
// client's own copy (own_delta.hpp): nothing in it is a decryption. The server's encrypted layer
// file is only checked against that copy, in this process: a server that put anything else in
// its file (the client's own Enc(A), a crafted (c0, c1) that decrypts to the key's embedding) is
// refused, and the decryptions never leave.
#include <stdexcept>
#include <string>
#include <vector>

#include "nn/server_head.hpp"
#include "split/protocols/he/he_client_crypto.hpp"
#include "split/protocols/sealed/own_delta.hpp"
#include "split/protocols/sealed/sealed_layer_file.hpp"

namespace hesplit::split {

// The server's layer file does not hold what this client's run says it must.
class LayerMismatch : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Largest |decrypted - expected| accepted over every slot of the server's Delta ciphertexts. An
// honest layer is off by CKKS noise only: 1.1e-10 after 12 updates at sealed-8192 (measured,
// ReleaseAttack tests); even growing linearly that stays below 3e-7 after the 33,000 updates of
// 10 epochs at batch 4. A forgery must match this client's Delta to 1e-6 in every slot, padding
// included, and even then release writes the client's own Delta, not the decryption.
inline constexpr double kLayerTolerance = 1e-6;

// Checks `state` (read from `source`) against the client's run: sizes and W0, b0 equal to
// `initial`'s, every ciphertext at Delta's level and scale, and every slot of the decrypted Delta
// diagonals and delta within `tolerance` of `expected` in the packing's layout (zero where the
// layout holds no weight; `expected` is zero for the frozen server layer). Throws LayerMismatch
// naming the file and the first defect; returns the largest deviation.
double verify_server_layer(const HeClientCrypto& crypto, const SealedLayerState& state,
                           const nn::ServerHead& initial, const OwnDelta& expected,
                           const std::string& source, double tolerance = kLayerTolerance);

// W0 + Delta and b0 + delta as a plaintext head (the released layer).
nn::ServerHead released_head(const nn::ServerHead& initial, const OwnDelta& delta);

}  // namespace hesplit::split
