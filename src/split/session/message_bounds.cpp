#include "split/session/message_bounds.hpp"

#include <algorithm>
#include <stdexcept>

#include "ckks/context.hpp"
#include "ckks/params.hpp"
#include "ckks/serial_poly.hpp"
#include "packing/layout.hpp"
#include "split/protocols/he/he_client_crypto.hpp"
#include "split/protocols/he/he_protocol.hpp"
#include "split/protocols/plain/plain_client.hpp"
#include "split/transport.hpp"

namespace hesplit::split {

namespace {

// Above its polynomials, a serialized CKKS object has a 48-byte header, a 16-byte level record
// or a form byte, digit count and 32-byte seed: 128 bytes cover each of them.
constexpr std::size_t kObjectAllowance = 128;
// The parameter block of a public context: a few scalars and the primes (8 bytes each).
constexpr std::size_t kParameterBlockAllowance = 1024;
// Protobuf framing of one blob or tensor inside the envelope: tags, length varints, the name.
constexpr std::size_t kEntryAllowance = 32;

std::size_t tensor_bytes(std::size_t rows, std::size_t columns) {
  return rows * columns * sizeof(float) + kEntryAllowance;
}

// A full ciphertext (two components) at the top level: the largest any HE message carries.
std::size_t ciphertext_bytes(const ckks::CkksContext& context) {
  return kObjectAllowance + 2 * ckks::packed_poly_bytes(context, context.max_level() + 1) +
         kEntryAllowance;
}

// Parameters, seeded public key, seeded relinearisation key and `galois_keys` seeded Galois keys
// (each a seed and dnum polynomials over the whole key basis), as save_public_context writes.
std::size_t public_context_bytes(const ckks::CkksContext& context, std::size_t galois_keys) {
  const std::size_t key_poly = ckks::packed_poly_bytes(context, context.key_basis_size());
  const std::size_t kswitch_key = kObjectAllowance + context.dnum() * key_poly;
  return kObjectAllowance + kParameterBlockAllowance + (kObjectAllowance + key_poly) +
         (1 + galois_keys) * kswitch_key + kEntryAllowance;
}

MessageBounds plain_bounds(std::size_t rows, std::size_t features, std::size_t classes) {
  // Activations and input gradients are rows x features, logits and their gradients rows x
  // classes; Hello, HelloAck and Goodbye carry text fields only.
  const std::size_t largest = tensor_bytes(rows, std::max(features, classes));
  return {kEnvelopeAllowance + largest, kEnvelopeAllowance + largest, ""};
}

MessageBounds he_bounds(const std::string& preset, std::size_t rows, std::size_t features,
                        std::size_t classes) {
  const auto context = ckks::CkksContext::create(ckks::preset(preset));
  const packing::SplitLayout layout(context->slot_count(), features, classes);
  // Batch messages of either HE protocol: Enc(A), Enc(eta G), Enc(Z), Enc(dL/dA) (one ciphertext
  // per samples_per_ciphertext rows) or the shifts() refresh ciphertexts, beside clear tensors
  // (paper: G rows x classes, dL/dA rows x features, W' + M classes x features).
  const std::size_t ciphertexts =
      std::max(ciphertexts_for(rows, layout.samples_per_ciphertext()), layout.shifts());
  const std::size_t batch = kEnvelopeAllowance + ciphertexts * ciphertext_bytes(*context) +
                            tensor_bytes(rows, features) + tensor_bytes(rows, classes) +
                            tensor_bytes(classes, features);
  // Hello: the public context with the Galois keys of the larger step set (and conjugation).
  const std::size_t steps =
      std::max(sealed_galois_steps(layout).size(), paper_galois_steps(layout).size());
  const std::size_t hello = kEnvelopeAllowance + public_context_bytes(*context, steps + 1);
  return {std::max(hello, batch), batch, ""};
}

std::size_t hello_size(const Message& hello, const std::string& key, std::int64_t high) {
  return static_cast<std::size_t>(bounded_hello_integer(hello, key, 1, high));
}

}  // namespace

MessageBounds session_message_bounds(const std::string& protocol, const std::string& preset,
                                     std::size_t rows, std::size_t features, std::size_t classes) {
  MessageBounds bounds;
  if (protocol == kPlainProtocol) {
    bounds = plain_bounds(rows, features, classes);
    bounds.basis = protocol;
  } else if (protocol == kPaperProtocol || protocol == kSealedProtocol) {
    bounds = he_bounds(preset, rows, features, classes);
    bounds.basis = protocol + ", " + preset;
  } else {
    throw std::invalid_argument("no message bounds for unknown protocol \"" + protocol + "\"");
  }
  bounds.basis += ", " + std::to_string(rows) + " rows of " + std::to_string(features) +
                  " features, " + std::to_string(classes) + " classes";
  return bounds;
}

MessageBounds hello_message_bounds(const Message& hello, std::int64_t max_rows) {
  const std::string& protocol = hello.field("protocol");
  const bool he = protocol == kPaperProtocol || protocol == kSealedProtocol;
  // The same ranges the protocol servers enforce (plain: features up to 2^16, classes up to 2^10;
  // HE: kMaxHeFeatures and kMaxHeClasses, then what the ring holds).
  const std::size_t features =
      hello_size(hello, "features", he ? kMaxHeFeatures : std::int64_t{1} << 16);
  const std::size_t classes =
      hello_size(hello, "classes", he ? kMaxHeClasses : std::int64_t{1} << 10);
  const std::string preset = he ? hello.field("ckks_preset") : std::string();
  try {
    return session_message_bounds(protocol, preset, static_cast<std::size_t>(max_rows), features,
                                  classes);
  } catch (const std::invalid_argument& e) {
    throw TransportError(std::string("hello: ") + e.what());
  }
}

MessageBounds server_message_bounds(std::size_t max_rows, std::size_t features,
                                    std::size_t classes) {
  MessageBounds all = session_message_bounds(kPlainProtocol, "", max_rows, features, classes);
  const std::size_t he_classes = std::min(classes, static_cast<std::size_t>(kMaxHeClasses));
  for (const std::string& preset : ckks::preset_names()) {
    // Both HE protocols produce the same bounds for a preset (he_bounds covers the larger of
    // their messages).
    const MessageBounds he =
        session_message_bounds(kSealedProtocol, preset, max_rows, features, he_classes);
    all.to_server = std::max(all.to_server, he.to_server);
    all.to_client = std::max(all.to_client, he.to_client);
  }
  all.basis = "every protocol and preset, " + std::to_string(max_rows) + " rows of " +
              std::to_string(features) + " features, up to " + std::to_string(classes) + " classes";
  return all;
}

}  // namespace hesplit::split
