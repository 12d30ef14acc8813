#pragma once
// The client's CKKS state for the HE protocols: parameters, the secret key (which never leaves
// this object except into the client's own key file), encoder, seeded secret-key encryption,
// decryption, and the slot codec of the split-layer packing (docs/packing.md).
#include <complex>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ckks/context.hpp"
#include "ckks/decryptor.hpp"
#include "ckks/encoder.hpp"
#include "ckks/encryptor.hpp"
#include "ckks/keygen.hpp"
#include "ckks/serialization.hpp"
#include "packing/client_codec.hpp"
#include "packing/layout.hpp"
#include "split/message.hpp"

namespace hesplit::split {

class HeClientCrypto {
 public:
  // Fresh keys for the named preset.
  HeClientCrypto(const std::string& preset, std::size_t features, std::size_t classes);
  // Keys reloaded from the client's key file (release, evaluate).
  HeClientCrypto(std::shared_ptr<const ckks::CkksContext> context, ckks::SecretKey secret,
                 std::size_t features, std::size_t classes);

  const ckks::CkksContext& context() const noexcept { return *context_; }
  const std::shared_ptr<const ckks::CkksContext>& context_ptr() const noexcept { return context_; }
  const packing::SplitLayout& layout() const noexcept { return layout_; }
  const packing::SplitClientCodec& codec() const noexcept { return codec_; }

  // Parameters + seeded relinearisation key + seeded Galois keys for exactly `steps` (and
  // conjugation) + optionally the seeded public key. Never the secret key.
  ckks::Bytes public_context(std::span<const int> steps, bool with_public_key) const;

  // Seeded secret-key encryption at the top level: only c0 and a 32-byte seed travel.
  ckks::Bytes encrypt_seeded(const packing::SlotVector& slots, double scale) const;
  // Decrypts and decodes all slots.
  packing::SlotVector decrypt(const ckks::Ciphertext& cipher) const;

  // The client's key file (in its run directory; never sent anywhere). Written atomically (temp
  // file created 0600, fsync, rename): a crash never leaves half a key or a readable copy behind.
  void save_secret_key(const std::filesystem::path& file) const;
  // 32 hex digits naming the secret key: the first 128 bits of SHA-256 over a domain label and the
  // serialized key. One-way, so it may travel in Hello; a resumed session's server compares it with
  // its checkpoint's, and refuses a client that comes back with another key (issue 9).
  std::string key_id() const;
  static HeClientCrypto load(const std::filesystem::path& key_file, std::size_t features,
                             std::size_t classes);

 private:
  HeClientCrypto(std::shared_ptr<const ckks::CkksContext> context,
                 std::optional<ckks::SecretKey> secret, std::size_t features, std::size_t classes);

  std::shared_ptr<const ckks::CkksContext> context_;
  ckks::KeyGenerator keygen_;
  ckks::CkksEncoder encoder_;
  ckks::Encryptor encryptor_;
  ckks::Decryptor decryptor_;
  packing::SplitLayout layout_;
  packing::SplitClientCodec codec_;
};

// Rotation steps the server of each protocol needs (conjugation is always added):
// sealed: the whole packing; paper: the packing without the backward's un-shifts (its backward
// runs in the clear).
std::vector<int> sealed_galois_steps(const packing::SplitLayout& layout);
std::vector<int> paper_galois_steps(const packing::SplitLayout& layout);

}  // namespace hesplit::split
