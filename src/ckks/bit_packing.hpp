#pragma once
// Dense bit packing of residues: each value takes exactly `bits` bits, least significant first,
// one continuous little-endian bit stream per row; the last byte's unused high bits are zero.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "ckks/serial_io.hpp"

namespace hesplit::ckks {

inline constexpr unsigned kMaxPackedBits = 62;

// Bytes taken by `count` values of `bits` bits each (bits in [1, kMaxPackedBits]).
constexpr std::size_t packed_bytes(std::size_t count, unsigned bits) {
  return (count * bits + 7) / 8;
}

// Packs `values` (each must be < 2^bits) into `out`, which must hold packed_bytes(...) bytes.
void pack_bits(std::span<const std::uint64_t> values, unsigned bits, std::span<std::uint8_t> out);

// Appends the packed row to `writer`.
void write_packed_row(ByteWriter& writer, std::span<const std::uint64_t> values, unsigned bits);

// Reads one packed row of out.size() values into `out`. Throws SerializationError, with the byte
// offset of the offending value, if a value is not below `modulus` or the padding bits are not
// zero. Nothing is allocated: `out` is the caller's (already size-checked) storage.
void read_packed_row(ByteReader& reader, unsigned bits, std::uint64_t modulus,
                     std::span<std::uint64_t> out, std::string_view field);

}  // namespace hesplit::ckks
