// Fuzz target: the loaders that rebuild a context from bytes: parameters and the public context a
// client hands the server (parameters + seeded public, relinearisation and Galois keys).
// Insecure parameter sets are allowed so that the small seeds load and mutations explore the
// parameter validation itself; a deployed server additionally restricts the fingerprints.
#include <cstddef>
#include <cstdint>
#include <span>

#include "ckks/serial_public_context.hpp"
#include "ckks/serialization.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hesplit::ckks;
  const std::span<const std::uint8_t> bytes(data, size);
  const LoadOptions options = LoadOptions::insecure_for_tests();
  try {
    load_parameters(bytes, options);
  } catch (const SerializationError&) {
  }
  try {
    load_public_context(bytes, options);
  } catch (const SerializationError&) {
  }
  return 0;
}
