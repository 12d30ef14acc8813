#pragma once
// Key generation: a uniform ternary secret and everything derived from it. Evaluation keys are
// produced in seeded form first (what the client sends) and expanded on demand.

#include <cstdint>
#include <memory>
#include <span>

#include "ckks/context.hpp"
#include "ckks/keys.hpp"

namespace hesplit::ckks {

class KeyGenerator {
 public:
  // Fresh secret key from OpenSSL randomness.
  explicit KeyGenerator(std::shared_ptr<const CkksContext> context);
  // Existing secret key (validated).
  KeyGenerator(std::shared_ptr<const CkksContext> context, SecretKey secret);

  const SecretKey& secret_key() const noexcept { return secret_; }

  SeededPublicKey create_public_key_seeded() const;
  PublicKey create_public_key() const;
  SeededRelinKeys create_relin_keys_seeded() const;
  RelinKeys create_relin_keys() const;
  // Keys for exactly these rotation steps (duplicates and multiples of N/2 collapse; 0 is
  // ignored), plus conjugation if asked.
  SeededGaloisKeys create_galois_keys_seeded(std::span<const int> steps, bool conjugation) const;
  GaloisKeys create_galois_keys(std::span<const int> steps, bool conjugation) const;
  // Keys for explicit Galois elements (odd, < 2N).
  SeededGaloisKeys create_galois_keys_seeded_for(std::span<const std::uint32_t> elements) const;

 private:
  // Key switching from `target` to `destination` (both NTT form over the key basis).
  SeededKSwitchKey create_kswitch_key(const RnsPoly& target, const RnsPoly& destination) const;

  std::shared_ptr<const CkksContext> context_;
  SecretKey secret_;
};

}  // namespace hesplit::ckks
