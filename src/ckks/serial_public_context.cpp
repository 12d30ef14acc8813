// Body: parameter block | u8 contents (bit 0 public key, bit 1 relinearisation keys, bit 2 Galois
// keys; other bits zero) | the seeded bodies of the keys present, in that order.

#include "ckks/serial_public_context.hpp"

#include <stdexcept>
#include <string>

#include "ckks/serial_bodies.hpp"
#include "ckks/validate.hpp"

namespace hesplit::ckks {
namespace {

constexpr std::uint8_t kHasPublicKey = 1;
constexpr std::uint8_t kHasRelinKeys = 2;
constexpr std::uint8_t kHasGaloisKeys = 4;
constexpr std::uint8_t kKnownContents = kHasPublicKey | kHasRelinKeys | kHasGaloisKeys;

}  // namespace

Bytes save_public_context(const PublicContext& exported) {
  if (!exported.context) throw std::invalid_argument("public context: no parameters");
  const CkksContext& context = *exported.context;
  ByteWriter w;
  const std::size_t header = begin_object(w, ObjectType::kPublicContext, context.fingerprint());
  write_parameters_body(w, context);
  w.u8(static_cast<std::uint8_t>((exported.public_key ? kHasPublicKey : 0) |
                                 (exported.relin_keys ? kHasRelinKeys : 0) |
                                 (exported.galois_keys ? kHasGaloisKeys : 0)));
  if (exported.public_key) write_seeded_public_key_body(w, context, *exported.public_key);
  if (exported.relin_keys) write_seeded_kswitch_key_body(w, context, exported.relin_keys->key);
  if (exported.galois_keys) write_seeded_galois_keys_body(w, context, *exported.galois_keys);
  end_object(w, header);
  return std::move(w).take();
}

PublicContext load_public_context(std::span<const std::uint8_t> bytes, const LoadOptions& options) {
  ByteReader r(bytes);
  PublicContext out;
  out.context = read_header_and_parameters(r, ObjectType::kPublicContext, options);
  const CkksContext& context = *out.context;
  const std::size_t contents_at = r.offset();
  const std::uint8_t contents = r.u8("contents");
  if ((contents & ~kKnownContents) != 0) {
    ByteReader::fail_at(contents_at, "contents", "unknown bits set");
  }
  if (contents & kHasPublicKey) out.public_key = read_seeded_public_key_body(r, context);
  if (contents & kHasRelinKeys)
    out.relin_keys = SeededRelinKeys{read_seeded_kswitch_key_body(r, context)};
  if (contents & kHasGaloisKeys) out.galois_keys = read_seeded_galois_keys_body(r, context);
  r.expect_end();
  return out;
}

}  // namespace hesplit::ckks
