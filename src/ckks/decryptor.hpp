#pragma once
// Decryption: m = c0 + c1 s (+ c2 s^2) over the ciphertext's level, in NTT form.

#include <memory>

#include "ckks/ciphertext.hpp"
#include "ckks/context.hpp"
#include "ckks/keys.hpp"
#include "ckks/plaintext.hpp"

namespace hesplit::ckks {

class Decryptor {
 public:
  Decryptor(std::shared_ptr<const CkksContext> context, SecretKey secret_key);

  Plaintext decrypt(const Ciphertext& cipher) const;

 private:
  std::shared_ptr<const CkksContext> context_;
  SecretKey secret_;
};

}  // namespace hesplit::ckks
