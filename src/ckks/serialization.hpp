#pragma once
// Saving and loading CKKS objects in hesplit's binary format (docs/ckks.md, "Serialized format"):
// a versioned header bound to the parameter fingerprint, then bit-packed coefficients
// (ceil(log2 q_i) bits per coefficient of prime q_i), with seeded forms for fresh secret-key
// ciphertexts and key material.
//
// Every load_* validates the whole input before returning: magic, version, object type,
// fingerprint, sizes against the parameters (before anything is allocated, so memory stays
// proportional to the input), level range, every coefficient below its prime, canonical padding
// and reserved fields, no trailing bytes. Any defect throws SerializationError with the byte
// offset. save() throws std::invalid_argument for an object that violates its invariants.

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "ckks/ciphertext.hpp"
#include "ckks/context.hpp"
#include "ckks/keys.hpp"
#include "ckks/plaintext.hpp"
#include "ckks/seeded_ciphertext.hpp"
#include "ckks/serial_error.hpp"
#include "ckks/serial_format.hpp"

namespace hesplit::ckks {

using Bytes = std::vector<std::uint8_t>;

// Parameters alone (N, primes, digits, default scale, name): rebuilds a context on load and
// checks that its fingerprint is the one in the header.
Bytes save_parameters(const CkksContext& context);
std::shared_ptr<const CkksContext> load_parameters(std::span<const std::uint8_t> bytes,
                                                   const LoadOptions& options = {});

Bytes save(const CkksContext& context, const Plaintext& plain);
Bytes save(const CkksContext& context, const Ciphertext& cipher);
Bytes save(const CkksContext& context, const SeededCiphertext& cipher);
Bytes save(const CkksContext& context, const PublicKey& key);
Bytes save(const CkksContext& context, const SeededPublicKey& key);
Bytes save(const CkksContext& context, const RelinKeys& keys);
Bytes save(const CkksContext& context, const SeededRelinKeys& keys);
Bytes save(const CkksContext& context, const GaloisKeys& keys);
Bytes save(const CkksContext& context, const SeededGaloisKeys& keys);

Plaintext load_plaintext(const CkksContext& context, std::span<const std::uint8_t> bytes);
Ciphertext load_ciphertext(const CkksContext& context, std::span<const std::uint8_t> bytes);
SeededCiphertext load_seeded_ciphertext(const CkksContext& context,
                                        std::span<const std::uint8_t> bytes);
// A ciphertext in either form; a seeded one is expanded (c1 regenerated from its seed).
Ciphertext load_any_ciphertext(const CkksContext& context, std::span<const std::uint8_t> bytes);
PublicKey load_public_key(const CkksContext& context, std::span<const std::uint8_t> bytes);
SeededPublicKey load_seeded_public_key(const CkksContext& context,
                                       std::span<const std::uint8_t> bytes);
RelinKeys load_relin_keys(const CkksContext& context, std::span<const std::uint8_t> bytes);
SeededRelinKeys load_seeded_relin_keys(const CkksContext& context,
                                       std::span<const std::uint8_t> bytes);
GaloisKeys load_galois_keys(const CkksContext& context, std::span<const std::uint8_t> bytes);
SeededGaloisKeys load_seeded_galois_keys(const CkksContext& context,
                                         std::span<const std::uint8_t> bytes);

// The secret key, for the client's own files only: deliberately not an overload of save(), and no
// public-context function accepts it. Stored as its ternary coefficients (2 bits each); loading
// rejects anything that is not ternary.
Bytes save_secret_key(const CkksContext& context, const SecretKey& key);
SecretKey load_secret_key(const CkksContext& context, std::span<const std::uint8_t> bytes);

}  // namespace hesplit::ckks
