#pragma once
// What a client hands the server: parameters and public evaluation keys. The type has no place
// for a secret key and its loader knows no secret-key encoding, so an export cannot leak it.

#include <memory>
#include <optional>
#include <span>

#include "ckks/context.hpp"
#include "ckks/keys.hpp"
#include "ckks/serialization.hpp"

namespace hesplit::ckks {

struct PublicContext {
  std::shared_ptr<const CkksContext> context;
  std::optional<SeededPublicKey> public_key;
  std::optional<SeededRelinKeys> relin_keys;
  // Exactly the rotation steps (and conjugation) the protocol needs.
  std::optional<SeededGaloisKeys> galois_keys;
};

Bytes save_public_context(const PublicContext& exported);
// Rebuilds the context from the parameter block (refusing insecure sets unless options allow
// them), checks the header's fingerprint against it, then reads the keys present.
PublicContext load_public_context(std::span<const std::uint8_t> bytes,
                                  const LoadOptions& options = {});

}  // namespace hesplit::ckks
