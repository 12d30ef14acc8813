#pragma once
// Encryption with the public key, or with the secret key in seeded form. Each call draws fresh
// randomness from OpenSSL, so an Encryptor can be shared between threads.

#include <memory>
#include <optional>

#include "ckks/ciphertext.hpp"
#include "ckks/context.hpp"
#include "ckks/keys.hpp"
#include "ckks/plaintext.hpp"
#include "ckks/seeded_ciphertext.hpp"

namespace hesplit::ckks {

class Encryptor {
 public:
  Encryptor(std::shared_ptr<const CkksContext> context, PublicKey public_key);
  Encryptor(std::shared_ptr<const CkksContext> context, SecretKey secret_key);

  // (pk_b u + e0 + m, pk_a u + e1), u ternary, at the plaintext's level. Needs a public key.
  Ciphertext encrypt(const Plaintext& plain) const;
  // (-a s + e + m, a) with a = uniform(seed). Needs the secret key.
  SeededCiphertext encrypt_symmetric_seeded(const Plaintext& plain) const;
  Ciphertext encrypt_symmetric(const Plaintext& plain) const;
  // Encryption of zero at a level and scale (public key if present, else secret key).
  Ciphertext encrypt_zero(std::size_t level, double scale) const;

 private:
  std::shared_ptr<const CkksContext> context_;
  std::optional<PublicKey> public_key_;
  std::optional<SecretKey> secret_key_;
};

}  // namespace hesplit::ckks
