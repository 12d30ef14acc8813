#pragma once
// Little-endian byte writer and a bounds-checked reader that reports byte offsets in its errors.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "ckks/serial_error.hpp"

namespace hesplit::ckks {

class ByteWriter {
 public:
  void reserve(std::size_t bytes) { out_.reserve(bytes); }
  void u8(std::uint8_t v) { out_.push_back(v); }
  void u16(std::uint16_t v) { little_endian(v, 2); }
  void u32(std::uint32_t v) { little_endian(v, 4); }
  void u64(std::uint64_t v) { little_endian(v, 8); }
  void f64(double v);
  void bytes(std::span<const std::uint8_t> v) { out_.insert(out_.end(), v.begin(), v.end()); }
  // Overwrites 8 bytes already written at `offset` (used to fill in a length after the fact).
  void patch_u64(std::size_t offset, std::uint64_t v);

  std::size_t size() const noexcept { return out_.size(); }
  // Appends `count` zero bytes and returns them for in-place filling (bit packing).
  std::span<std::uint8_t> grow(std::size_t count);
  std::vector<std::uint8_t> take() && { return std::move(out_); }

 private:
  void little_endian(std::uint64_t v, int bytes);
  std::vector<std::uint8_t> out_;
};

// Reads from a borrowed byte span. Every read checks the remaining length first, so a short input
// throws SerializationError naming the field instead of reading past the end.
class ByteReader {
 public:
  explicit ByteReader(std::span<const std::uint8_t> in) : in_(in) {}

  std::uint8_t u8(std::string_view field) { return static_cast<std::uint8_t>(take_le(1, field)); }
  std::uint16_t u16(std::string_view field) {
    return static_cast<std::uint16_t>(take_le(2, field));
  }
  std::uint32_t u32(std::string_view field) {
    return static_cast<std::uint32_t>(take_le(4, field));
  }
  std::uint64_t u64(std::string_view field) { return take_le(8, field); }
  double f64(std::string_view field);
  std::span<const std::uint8_t> bytes(std::size_t count, std::string_view field);

  std::size_t offset() const noexcept { return offset_; }
  std::size_t remaining() const noexcept { return in_.size() - offset_; }
  // Throws unless at least `count` bytes remain: call before allocating for `count` bytes.
  void require(std::size_t count, std::string_view field) const;
  // Throws unless every byte has been consumed.
  void expect_end() const;
  [[noreturn]] void fail(std::string_view field, std::string_view reason) const {
    fail_at(offset_, field, reason);
  }
  [[noreturn]] static void fail_at(std::size_t offset, std::string_view field,
                                   std::string_view reason);

 private:
  std::uint64_t take_le(int bytes, std::string_view field);

  std::span<const std::uint8_t> in_;
  std::size_t offset_ = 0;
};

}  // namespace hesplit::ckks
