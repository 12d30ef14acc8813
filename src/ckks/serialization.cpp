#include "ckks/serialization.hpp"

#include <stdexcept>
#include <string>

#include "ckks/seeded.hpp"
#include "ckks/serial_bodies.hpp"
#include "ckks/validate.hpp"

namespace hesplit::ckks {
namespace {

template <class WriteBody>
Bytes save_object(ObjectType type, const ParamsFingerprint& fingerprint, WriteBody write_body) {
  ByteWriter w;
  const std::size_t header = begin_object(w, type, fingerprint);
  write_body(w);
  end_object(w, header);
  return std::move(w).take();
}

// Header for `context`, body, no trailing bytes, and the library's own invariant check as a last
// line of defence (it cannot fail after the body checks, but a loader must never hand out an
// object the evaluator would reject).
template <class ReadBody, class Check>
auto load_object(const CkksContext& context, std::span<const std::uint8_t> bytes, ObjectType type,
                 ReadBody read_body, Check check) {
  ByteReader r(bytes);
  read_header_for(r, type, context);
  auto object = read_body(r);
  r.expect_end();
  try {
    check(object);
  } catch (const std::invalid_argument& e) {
    throw SerializationError(kHeaderBytes, e.what());
  }
  return object;
}

void check_seeded_galois(const CkksContext& context, const SeededGaloisKeys& keys) {
  for (const auto& [elt, key] : keys.keys) {
    if (elt % 2 == 0 || elt >= 2 * context.degree()) {
      throw std::invalid_argument("Galois element " + std::to_string(elt) + " invalid");
    }
    check_seeded_kswitch_key(context, key);
  }
}

}  // namespace

Bytes save_parameters(const CkksContext& context) {
  return save_object(ObjectType::kParameters, context.fingerprint(),
                     [&](ByteWriter& w) { write_parameters_body(w, context); });
}

std::shared_ptr<const CkksContext> load_parameters(std::span<const std::uint8_t> bytes,
                                                   const LoadOptions& options) {
  ByteReader r(bytes);
  auto context = read_header_and_parameters(r, ObjectType::kParameters, options);
  r.expect_end();
  return context;
}

Bytes save(const CkksContext& context, const Plaintext& plain) {
  check_plaintext(context, plain);
  return save_object(ObjectType::kPlaintext, context.fingerprint(),
                     [&](ByteWriter& w) { write_plaintext_body(w, context, plain); });
}

Bytes save(const CkksContext& context, const Ciphertext& cipher) {
  check_ciphertext(context, cipher);
  return save_object(ObjectType::kCiphertext, context.fingerprint(),
                     [&](ByteWriter& w) { write_ciphertext_body(w, context, cipher); });
}

Bytes save(const CkksContext& context, const SeededCiphertext& cipher) {
  check_seeded_ciphertext(context, cipher);
  return save_object(ObjectType::kSeededCiphertext, context.fingerprint(),
                     [&](ByteWriter& w) { write_seeded_ciphertext_body(w, context, cipher); });
}

Bytes save(const CkksContext& context, const PublicKey& key) {
  return save_object(ObjectType::kPublicKey, context.fingerprint(),
                     [&](ByteWriter& w) { write_public_key_body(w, context, key); });
}

Bytes save(const CkksContext& context, const SeededPublicKey& key) {
  return save_object(ObjectType::kSeededPublicKey, context.fingerprint(),
                     [&](ByteWriter& w) { write_seeded_public_key_body(w, context, key); });
}

Bytes save(const CkksContext& context, const RelinKeys& keys) {
  return save_object(ObjectType::kRelinKeys, context.fingerprint(),
                     [&](ByteWriter& w) { write_kswitch_key_body(w, context, keys.key); });
}

Bytes save(const CkksContext& context, const SeededRelinKeys& keys) {
  return save_object(ObjectType::kSeededRelinKeys, context.fingerprint(),
                     [&](ByteWriter& w) { write_seeded_kswitch_key_body(w, context, keys.key); });
}

Bytes save(const CkksContext& context, const GaloisKeys& keys) {
  return save_object(ObjectType::kGaloisKeys, context.fingerprint(),
                     [&](ByteWriter& w) { write_galois_keys_body(w, context, keys); });
}

Bytes save(const CkksContext& context, const SeededGaloisKeys& keys) {
  return save_object(ObjectType::kSeededGaloisKeys, context.fingerprint(),
                     [&](ByteWriter& w) { write_seeded_galois_keys_body(w, context, keys); });
}

Bytes save_secret_key(const CkksContext& context, const SecretKey& key) {
  return save_object(ObjectType::kSecretKey, context.fingerprint(),
                     [&](ByteWriter& w) { write_secret_key_body(w, context, key); });
}

Plaintext load_plaintext(const CkksContext& context, std::span<const std::uint8_t> bytes) {
  return load_object(
      context, bytes, ObjectType::kPlaintext,
      [&](ByteReader& r) { return read_plaintext_body(r, context); },
      [&](const Plaintext& p) { check_plaintext(context, p); });
}

Ciphertext load_ciphertext(const CkksContext& context, std::span<const std::uint8_t> bytes) {
  return load_object(
      context, bytes, ObjectType::kCiphertext,
      [&](ByteReader& r) { return read_ciphertext_body(r, context); },
      [&](const Ciphertext& c) { check_ciphertext(context, c); });
}

SeededCiphertext load_seeded_ciphertext(const CkksContext& context,
                                        std::span<const std::uint8_t> bytes) {
  return load_object(
      context, bytes, ObjectType::kSeededCiphertext,
      [&](ByteReader& r) { return read_seeded_ciphertext_body(r, context); },
      [&](const SeededCiphertext& c) { check_seeded_ciphertext(context, c); });
}

Ciphertext load_any_ciphertext(const CkksContext& context, std::span<const std::uint8_t> bytes) {
  if (inspect_object(bytes).type == ObjectType::kSeededCiphertext) {
    return expand_ciphertext(context, load_seeded_ciphertext(context, bytes));
  }
  return load_ciphertext(context, bytes);
}

PublicKey load_public_key(const CkksContext& context, std::span<const std::uint8_t> bytes) {
  return load_object(
      context, bytes, ObjectType::kPublicKey,
      [&](ByteReader& r) { return read_public_key_body(r, context); },
      [&](const PublicKey& k) { check_public_key(context, k); });
}

SeededPublicKey load_seeded_public_key(const CkksContext& context,
                                       std::span<const std::uint8_t> bytes) {
  return load_object(
      context, bytes, ObjectType::kSeededPublicKey,
      [&](ByteReader& r) { return read_seeded_public_key_body(r, context); },
      [&](const SeededPublicKey& k) { check_seeded_public_key(context, k); });
}

RelinKeys load_relin_keys(const CkksContext& context, std::span<const std::uint8_t> bytes) {
  return load_object(
      context, bytes, ObjectType::kRelinKeys,
      [&](ByteReader& r) { return RelinKeys{read_kswitch_key_body(r, context)}; },
      [&](const RelinKeys& k) { check_relin_keys(context, k); });
}

SeededRelinKeys load_seeded_relin_keys(const CkksContext& context,
                                       std::span<const std::uint8_t> bytes) {
  return load_object(
      context, bytes, ObjectType::kSeededRelinKeys,
      [&](ByteReader& r) { return SeededRelinKeys{read_seeded_kswitch_key_body(r, context)}; },
      [&](const SeededRelinKeys& k) { check_seeded_kswitch_key(context, k.key); });
}

GaloisKeys load_galois_keys(const CkksContext& context, std::span<const std::uint8_t> bytes) {
  return load_object(
      context, bytes, ObjectType::kGaloisKeys,
      [&](ByteReader& r) { return read_galois_keys_body(r, context); },
      [&](const GaloisKeys& k) { check_galois_keys(context, k); });
}

SeededGaloisKeys load_seeded_galois_keys(const CkksContext& context,
                                         std::span<const std::uint8_t> bytes) {
  return load_object(
      context, bytes, ObjectType::kSeededGaloisKeys,
      [&](ByteReader& r) { return read_seeded_galois_keys_body(r, context); },
      [&](const SeededGaloisKeys& k) { check_seeded_galois(context, k); });
}

SecretKey load_secret_key(const CkksContext& context, std::span<const std::uint8_t> bytes) {
  return load_object(
      context, bytes, ObjectType::kSecretKey,
      [&](ByteReader& r) { return read_secret_key_body(r, context); },
      [&](const SecretKey& k) { check_secret_key(context, k); });
}

}  // namespace hesplit::ckks
