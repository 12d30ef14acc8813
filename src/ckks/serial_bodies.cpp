// Bodies of plaintexts and ciphertexts: a 16-byte level record, then the polynomials.
//   u32 level | u8 component count | u8 form (1 = NTT) | u16 reserved (0) | f64 scale
// A seeded ciphertext has the 32-byte seed after the record and only c0.

#include <cmath>
#include <string>

#include "ckks/serial_bodies.hpp"
#include "ckks/serial_poly.hpp"

namespace hesplit::ckks {
namespace {

struct LevelRecord {
  std::size_t level = 0;
  std::size_t components = 0;
  double scale = 0.0;
};

void write_level_record(ByteWriter& w, std::size_t level, std::size_t components, double scale) {
  w.u32(static_cast<std::uint32_t>(level));
  w.u8(static_cast<std::uint8_t>(components));
  w.u8(kFormNtt);
  w.u16(0);
  w.f64(scale);
}

LevelRecord read_level_record(ByteReader& r, const CkksContext& context, std::size_t min_components,
                              std::size_t max_components) {
  LevelRecord rec;
  const std::size_t level_at = r.offset();
  rec.level = r.u32("level");
  if (rec.level > context.max_level()) {
    ByteReader::fail_at(level_at, "level",
                        std::to_string(rec.level) + " exceeds the parameters' maximum level " +
                            std::to_string(context.max_level()));
  }
  const std::size_t count_at = r.offset();
  rec.components = r.u8("component count");
  if (rec.components < min_components || rec.components > max_components) {
    ByteReader::fail_at(count_at, "component count",
                        std::to_string(rec.components) + " not in [" +
                            std::to_string(min_components) + ", " + std::to_string(max_components) +
                            "]");
  }
  read_form(r, kFormNtt, "representation");
  const std::size_t reserved_at = r.offset();
  if (r.u16("reserved") != 0) ByteReader::fail_at(reserved_at, "reserved", "must be zero");
  const std::size_t scale_at = r.offset();
  rec.scale = r.f64("scale");
  if (!(rec.scale > 0.0) || !std::isfinite(rec.scale)) {
    ByteReader::fail_at(scale_at, "scale", "must be positive and finite");
  }
  return rec;
}

}  // namespace

void write_plaintext_body(ByteWriter& w, const CkksContext& context, const Plaintext& plain) {
  write_level_record(w, plain.level, 1, plain.scale);
  write_poly(w, context, plain.poly, plain.level + 1);
}

Plaintext read_plaintext_body(ByteReader& r, const CkksContext& context) {
  const LevelRecord rec = read_level_record(r, context, 1, 1);
  Plaintext plain;
  plain.level = rec.level;
  plain.scale = rec.scale;
  plain.poly = read_poly(r, context, rec.level + 1, "plaintext");
  return plain;
}

void write_ciphertext_body(ByteWriter& w, const CkksContext& context, const Ciphertext& cipher) {
  write_level_record(w, cipher.level, cipher.size(), cipher.scale);
  for (const RnsPoly& c : cipher.components) write_poly(w, context, c, cipher.level + 1);
}

Ciphertext read_ciphertext_body(ByteReader& r, const CkksContext& context) {
  const LevelRecord rec = read_level_record(r, context, 2, 3);
  // All components must be present before any is allocated.
  r.require(rec.components * packed_poly_bytes(context, rec.level + 1), "ciphertext components");
  Ciphertext cipher;
  cipher.level = rec.level;
  cipher.scale = rec.scale;
  for (std::size_t i = 0; i < rec.components; ++i) {
    cipher.components.push_back(
        read_poly(r, context, rec.level + 1, "ciphertext c" + std::to_string(i)));
  }
  return cipher;
}

void write_seeded_ciphertext_body(ByteWriter& w, const CkksContext& context,
                                  const SeededCiphertext& cipher) {
  write_level_record(w, cipher.level, 2, cipher.scale);
  write_seed(w, cipher.seed);
  write_poly(w, context, cipher.c0, cipher.level + 1);
}

SeededCiphertext read_seeded_ciphertext_body(ByteReader& r, const CkksContext& context) {
  const LevelRecord rec = read_level_record(r, context, 2, 2);
  SeededCiphertext cipher;
  cipher.level = rec.level;
  cipher.scale = rec.scale;
  cipher.seed = read_seed(r, "seed of c1");
  cipher.c0 = read_poly(r, context, rec.level + 1, "ciphertext c0");
  return cipher;
}

}  // namespace hesplit::ckks
