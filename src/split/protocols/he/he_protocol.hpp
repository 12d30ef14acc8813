#pragma once
// What the two HE protocols (paper, sealed) share on the wire: names, encoding scales, Hello
// fields, and the checks every received ciphertext passes before use (PROTOCOL.md, "Wire").
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "ckks/ciphertext.hpp"
#include "ckks/context.hpp"
#include "ckks/serialization.hpp"
#include "split/message.hpp"

namespace hesplit::split {

inline constexpr const char* kPaperProtocol = "paper";
inline constexpr const char* kSealedProtocol = "sealed";
inline constexpr const char* kDefaultCkksPreset = "sealed-8192";

// Encoding scales (docs/packing.md): A at 2^40, eta*G at 2^50 (small values, larger scale).
inline constexpr double kActivationScale = 1099511627776.0;   // 2^40
inline constexpr double kGradientScale = 1125899906842624.0;  // 2^50

// The encoding scales a parameter set supports. Presets whose default scale is 2^40 or more (the
// sealed presets) encode A at kActivationScale and eta*G at kGradientScale; the artifact's
// presets (paper-*, 21-bit primes, scale 2^21) encode both at their own scale, as the artifact
// does. paper serves both kinds; sealed serves only the former (its depth needs 2^40 primes).
struct HeScales {
  double activations = kActivationScale;
  double gradients = kGradientScale;
};
HeScales he_scales(const ckks::CkksContext& context);

// What the HE servers accept in Hello (the ring may hold less: SplitLayout says so by name).
inline constexpr std::int64_t kMaxHeFeatures = 1 << 16;
inline constexpr std::int64_t kMaxHeClasses = 64;

// A field of `message` that must be an unsigned decimal integer; throws TransportError naming
// the message and the key (never echoing the peer's text).
std::uint64_t unsigned_field(const Message& message, const std::string& key);

// Blob names.
inline constexpr const char* kPublicContextBlob = "public_context";
inline constexpr const char* kCiphertextBlob = "ct";

// Options of an HE session the client chooses and announces in Hello.
struct HeSessionOptions {
  std::string preset = kDefaultCkksPreset;
  bool flood = false;  // sealed: re-randomised replies + 2^-20 slot noise (no circuit privacy)
  std::string server_layer = "encrypted";  // sealed: encrypted | frozen
};

// Samples per ciphertext -> number of ciphertexts for `rows` samples.
std::size_t ciphertexts_for(std::size_t rows, std::size_t per_ciphertext);

// Ciphertexts as blobs named kCiphertextBlob, in order.
std::vector<Blob> to_blobs(std::span<const ckks::Bytes> ciphertexts);

// Loads and validates every ciphertext blob of `message` (exactly `count` of them): object type
// (a ciphertext or seeded ciphertext), parameter fingerprint, every coefficient below its prime
// (all by the ckks loader), then two components, `level` and `scale` (relative 1e-9). Both sides
// check the scale: decryption decodes with the ciphertext's own scale, so a client that accepted
// any scale would decode whatever a deviating server chose. Throws TransportError naming the
// message, the blob index and the field at fault.
std::vector<ckks::Ciphertext> receive_ciphertexts(const ckks::CkksContext& context,
                                                  const Message& message, std::size_t count,
                                                  std::size_t level, double scale);

// True when `bytes` starts like a serialized object of type 11 (secret key). Used by the tests
// that inspect what crossed the wire.
bool looks_like_secret_key(std::span<const std::uint8_t> bytes);

// Text form of a double that reads back exactly.
std::string he_number_text(double value);

}  // namespace hesplit::split
