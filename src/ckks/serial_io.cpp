#include "ckks/serial_io.hpp"

#include <bit>
#include <string>

namespace hesplit::ckks {

void ByteWriter::little_endian(std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

void ByteWriter::f64(double v) { u64(std::bit_cast<std::uint64_t>(v)); }

void ByteWriter::patch_u64(std::size_t offset, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out_.at(offset + i) = static_cast<std::uint8_t>(v >> (8 * i));
}

std::span<std::uint8_t> ByteWriter::grow(std::size_t count) {
  const std::size_t start = out_.size();
  out_.resize(start + count, 0);
  return std::span<std::uint8_t>(out_).subspan(start, count);
}

double ByteReader::f64(std::string_view field) { return std::bit_cast<double>(u64(field)); }

std::span<const std::uint8_t> ByteReader::bytes(std::size_t count, std::string_view field) {
  require(count, field);
  const auto out = in_.subspan(offset_, count);
  offset_ += count;
  return out;
}

void ByteReader::require(std::size_t count, std::string_view field) const {
  if (count > remaining()) {
    fail(field, "truncated: needs " + std::to_string(count) + " bytes, " +
                    std::to_string(remaining()) + " left");
  }
}

void ByteReader::expect_end() const {
  if (remaining() != 0) {
    fail("end of object", std::to_string(remaining()) + " unexpected trailing bytes");
  }
}

void ByteReader::fail_at(std::size_t offset, std::string_view field, std::string_view reason) {
  throw SerializationError(offset, std::string(field) + ": " + std::string(reason));
}

std::uint64_t ByteReader::take_le(int bytes, std::string_view field) {
  require(static_cast<std::size_t>(bytes), field);
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= std::uint64_t{in_[offset_ + i]} << (8 * i);
  offset_ += static_cast<std::size_t>(bytes);
  return v;
}

}  // namespace hesplit::ckks
