#include "ckks/serial_poly.hpp"

#include <algorithm>
#include <bit>
#include <stdexcept>
#include <string>

#include "ckks/bit_packing.hpp"
#include "ckks/validate.hpp"

namespace hesplit::ckks {

void read_form(ByteReader& reader, std::uint8_t expected, std::string_view field) {
  const std::size_t at = reader.offset();
  const std::uint8_t form = reader.u8(field);
  if (form != expected) {
    ByteReader::fail_at(at, field,
                        "representation " + std::to_string(form) + ", expected " +
                            std::to_string(expected) +
                            (expected == kFormNtt ? " (NTT form)" : " (ternary coefficients)"));
  }
}

void write_seed(ByteWriter& writer, const Seed& seed) { writer.bytes(seed); }

Seed read_seed(ByteReader& reader, std::string_view field) {
  const auto bytes = reader.bytes(Seed{}.size(), field);
  Seed seed{};
  std::copy(bytes.begin(), bytes.end(), seed.begin());
  return seed;
}

unsigned packed_limb_bits(const CkksContext& context, std::size_t i) {
  return static_cast<unsigned>(std::bit_width(context.key_modulus(i).value()));
}

std::size_t packed_poly_bytes(const CkksContext& context, std::size_t limbs) {
  std::size_t total = 0;
  for (std::size_t i = 0; i < limbs; ++i) {
    total += packed_bytes(context.degree(), packed_limb_bits(context, i));
  }
  return total;
}

void write_poly(ByteWriter& writer, const CkksContext& context, const RnsPoly& poly,
                std::size_t limbs) {
  check_poly(context, poly, limbs, "polynomial to serialize");
  for (std::size_t i = 0; i < limbs; ++i) {
    write_packed_row(writer, poly.limb(i), packed_limb_bits(context, i));
  }
}

RnsPoly read_poly(ByteReader& reader, const CkksContext& context, std::size_t limbs,
                  std::string_view field) {
  if (limbs == 0 || limbs > context.key_basis_size()) {
    throw std::logic_error("read_poly: limb count outside the key basis");
  }
  reader.require(packed_poly_bytes(context, limbs), field);
  RnsPoly poly(context.degree(), limbs);
  for (std::size_t i = 0; i < limbs; ++i) {
    const std::string limb_field = std::string(field) + " limb " + std::to_string(i);
    read_packed_row(reader, packed_limb_bits(context, i), context.key_modulus(i).value(),
                    poly.limb(i), limb_field);
  }
  return poly;
}

}  // namespace hesplit::ckks
