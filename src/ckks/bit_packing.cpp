#include "ckks/bit_packing.hpp"

#include <stdexcept>
#include <string>

namespace hesplit::ckks {
namespace {

// Wide enough that up to 7 pending bits plus one 62-bit value never overflow.
using Accumulator = unsigned __int128;

void check_bits(unsigned bits) {
  if (bits == 0 || bits > kMaxPackedBits) {
    throw std::invalid_argument("bit packing: width " + std::to_string(bits) + " not in [1, 62]");
  }
}

}  // namespace

void pack_bits(std::span<const std::uint64_t> values, unsigned bits, std::span<std::uint8_t> out) {
  check_bits(bits);
  if (out.size() != packed_bytes(values.size(), bits)) {
    throw std::invalid_argument("bit packing: output size does not match the row");
  }
  const std::uint64_t limit = std::uint64_t{1} << bits;
  Accumulator acc = 0;
  unsigned pending = 0;
  std::size_t pos = 0;
  for (const std::uint64_t v : values) {
    if (v >= limit) throw std::invalid_argument("bit packing: value wider than the row's width");
    acc |= Accumulator{v} << pending;
    pending += bits;
    while (pending >= 8) {
      out[pos++] = static_cast<std::uint8_t>(acc);
      acc >>= 8;
      pending -= 8;
    }
  }
  if (pending > 0) out[pos] = static_cast<std::uint8_t>(acc);
}

void write_packed_row(ByteWriter& writer, std::span<const std::uint64_t> values, unsigned bits) {
  pack_bits(values, bits, writer.grow(packed_bytes(values.size(), bits)));
}

void read_packed_row(ByteReader& reader, unsigned bits, std::uint64_t modulus,
                     std::span<std::uint64_t> out, std::string_view field) {
  check_bits(bits);
  const std::size_t start = reader.offset();
  const auto in = reader.bytes(packed_bytes(out.size(), bits), field);
  const std::uint64_t mask = (std::uint64_t{1} << bits) - 1;
  Accumulator acc = 0;
  unsigned have = 0;
  std::size_t pos = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    while (have < bits) {
      acc |= Accumulator{in[pos++]} << have;
      have += 8;
    }
    const std::uint64_t v = static_cast<std::uint64_t>(acc) & mask;
    if (v >= modulus) {
      ByteReader::fail_at(start + (i * bits) / 8, field,
                          "coefficient " + std::to_string(i) + " = " + std::to_string(v) +
                              " is not below its modulus " + std::to_string(modulus));
    }
    out[i] = v;
    acc >>= bits;
    have -= bits;
  }
  // Canonical form: the bits after the last value must be zero, so each object has one encoding.
  if (acc != 0) ByteReader::fail_at(start + in.size() - 1, field, "nonzero padding bits");
}

}  // namespace hesplit::ckks
