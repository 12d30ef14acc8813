#pragma once
// Bodies (what follows the header) of each serialized object type, shared by the single-object
// functions of serialization.hpp and the public-context export. Readers bound every size by the
// parameters and the remaining bytes before allocating, and range-check every coefficient.

#include <memory>

#include "ckks/ciphertext.hpp"
#include "ckks/context.hpp"
#include "ckks/keys.hpp"
#include "ckks/plaintext.hpp"
#include "ckks/seeded_ciphertext.hpp"
#include "ckks/serial_format.hpp"
#include "ckks/serial_io.hpp"

namespace hesplit::ckks {

// Limits on parameter blocks read from untrusted bytes (far above every preset).
inline constexpr std::size_t kMaxLoadedDegree = std::size_t{1} << 16;
inline constexpr std::size_t kMaxLoadedDataPrimes = 40;
inline constexpr std::size_t kMaxLoadedSpecialPrimes = 8;
inline constexpr std::size_t kMaxParametersName = 64;

void write_parameters_body(ByteWriter& w, const CkksContext& context);
std::shared_ptr<const CkksContext> read_parameters_body(ByteReader& r, const LoadOptions& options);
// Header of a whole object of type `expected` that starts with a parameter block (parameters,
// public context), then the block: accepted fingerprint, context built, fingerprint matching.
std::shared_ptr<const CkksContext> read_header_and_parameters(ByteReader& r, ObjectType expected,
                                                              const LoadOptions& options);

void write_plaintext_body(ByteWriter& w, const CkksContext& context, const Plaintext& plain);
Plaintext read_plaintext_body(ByteReader& r, const CkksContext& context);

void write_ciphertext_body(ByteWriter& w, const CkksContext& context, const Ciphertext& cipher);
Ciphertext read_ciphertext_body(ByteReader& r, const CkksContext& context);

void write_seeded_ciphertext_body(ByteWriter& w, const CkksContext& context,
                                  const SeededCiphertext& cipher);
SeededCiphertext read_seeded_ciphertext_body(ByteReader& r, const CkksContext& context);

void write_public_key_body(ByteWriter& w, const CkksContext& context, const PublicKey& key);
PublicKey read_public_key_body(ByteReader& r, const CkksContext& context);

void write_seeded_public_key_body(ByteWriter& w, const CkksContext& context,
                                  const SeededPublicKey& key);
SeededPublicKey read_seeded_public_key_body(ByteReader& r, const CkksContext& context);

void write_kswitch_key_body(ByteWriter& w, const CkksContext& context, const KSwitchKey& key);
KSwitchKey read_kswitch_key_body(ByteReader& r, const CkksContext& context);

void write_seeded_kswitch_key_body(ByteWriter& w, const CkksContext& context,
                                   const SeededKSwitchKey& key);
SeededKSwitchKey read_seeded_kswitch_key_body(ByteReader& r, const CkksContext& context);

void write_galois_keys_body(ByteWriter& w, const CkksContext& context, const GaloisKeys& keys);
GaloisKeys read_galois_keys_body(ByteReader& r, const CkksContext& context);

void write_seeded_galois_keys_body(ByteWriter& w, const CkksContext& context,
                                   const SeededGaloisKeys& keys);
SeededGaloisKeys read_seeded_galois_keys_body(ByteReader& r, const CkksContext& context);

void write_secret_key_body(ByteWriter& w, const CkksContext& context, const SecretKey& key);
SecretKey read_secret_key_body(ByteReader& r, const CkksContext& context);

}  // namespace hesplit::ckks
