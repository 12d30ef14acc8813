// Fuzz target: every loader of a serialized CKKS object bound to a context (plaintexts,
// ciphertexts in both forms, public/relinearisation/Galois keys in both forms, the secret key).
// The object type in the header picks the loader, so mutations of that field reach all of them;
// load_any_ciphertext and inspect_object see every input too.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>

#include "ckks/serialization.hpp"
#include "ckks_fixture.hpp"

namespace {

using namespace hesplit::ckks;

void load_by_type(const CkksContext& context, std::span<const std::uint8_t> bytes) {
  switch (inspect_object(bytes).type) {
    case ObjectType::kPlaintext:
      load_plaintext(context, bytes);
      break;
    case ObjectType::kCiphertext:
      load_ciphertext(context, bytes);
      break;
    case ObjectType::kSeededCiphertext:
      load_seeded_ciphertext(context, bytes);
      break;
    case ObjectType::kPublicKey:
      load_public_key(context, bytes);
      break;
    case ObjectType::kSeededPublicKey:
      load_seeded_public_key(context, bytes);
      break;
    case ObjectType::kRelinKeys:
      load_relin_keys(context, bytes);
      break;
    case ObjectType::kSeededRelinKeys:
      load_seeded_relin_keys(context, bytes);
      break;
    case ObjectType::kGaloisKeys:
      load_galois_keys(context, bytes);
      break;
    case ObjectType::kSeededGaloisKeys:
      load_seeded_galois_keys(context, bytes);
      break;
    case ObjectType::kSecretKey:
      load_secret_key(context, bytes);
      break;
    case ObjectType::kParameters:
    case ObjectType::kPublicContext:
      break;  // context-building loaders: fuzz/ckks_context.cpp
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::shared_ptr<const CkksContext> context = hesplit::fuzz::fuzz_context();
  const std::span<const std::uint8_t> bytes(data, size);
  // SerializationError is the documented outcome for bad bytes; anything else escapes and
  // aborts the run (libFuzzer reports the uncaught exception as a crash).
  try {
    load_by_type(*context, bytes);
  } catch (const SerializationError&) {
  }
  try {
    load_any_ciphertext(*context, bytes);
  } catch (const SerializationError&) {
  }
  return 0;
}
