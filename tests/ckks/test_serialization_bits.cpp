// Bit packing and the bounds-checked byte reader underneath every CKKS serializer.

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

#include "ckks/bit_packing.hpp"
#include "ckks/serial_io.hpp"

namespace hesplit::ckks {
namespace {

// Deterministic test data (not for cryptography): splitmix64.
std::uint64_t next_value(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Reference unpacking, one bit at a time, independent of the accumulator implementation.
std::uint64_t bit_at(const std::vector<std::uint8_t>& bytes, std::size_t bit) {
  return (bytes[bit / 8] >> (bit % 8)) & 1U;
}

TEST(BitPacking, MatchesBitByBitLayoutForEveryWidth) {
  std::uint64_t state = 1;
  for (unsigned bits = 1; bits <= kMaxPackedBits; ++bits) {
    for (const std::size_t count :
         {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{129}}) {
      std::vector<std::uint64_t> values(count);
      for (auto& v : values) v = next_value(state) >> (64 - bits);
      ByteWriter writer;
      write_packed_row(writer, values, bits);
      const auto bytes = std::move(writer).take();
      ASSERT_EQ(bytes.size(), (count * bits + 7) / 8);
      for (std::size_t i = 0; i < count; ++i) {
        std::uint64_t v = 0;
        for (unsigned b = 0; b < bits; ++b) v |= bit_at(bytes, i * bits + b) << b;
        ASSERT_EQ(v, values[i]) << "bits " << bits << " index " << i;
      }
      std::vector<std::uint64_t> back(count);
      ByteReader reader(bytes);
      read_packed_row(reader, bits, std::numeric_limits<std::uint64_t>::max(), back, "row");
      reader.expect_end();
      EXPECT_EQ(back, values) << "bits " << bits;
    }
  }
}

TEST(BitPacking, RejectsValueAtOrAboveModulusWithItsOffset) {
  const std::uint64_t q = 97;  // 7 bits
  std::vector<std::uint64_t> values(16, 5);
  values[9] = 100;  // fits 7 bits but is >= q
  ByteWriter writer;
  writer.u32(0xdeadbeef);  // a prefix, so offsets are relative to the whole buffer
  write_packed_row(writer, values, 7);
  const auto bytes = std::move(writer).take();
  ByteReader reader(bytes);
  reader.u32("prefix");
  std::vector<std::uint64_t> back(16);
  try {
    read_packed_row(reader, 7, q, back, "c0");
    FAIL() << "accepted a coefficient above its modulus";
  } catch (const SerializationError& e) {
    EXPECT_EQ(e.offset(), 4 + (9 * 7) / 8);
    EXPECT_NE(std::string(e.what()).find("coefficient 9"), std::string::npos) << e.what();
  }
  values[9] = 96;  // q - 1 is fine
  ByteWriter ok;
  write_packed_row(ok, values, 7);
  const auto good = std::move(ok).take();
  ByteReader good_reader(good);
  EXPECT_NO_THROW(read_packed_row(good_reader, 7, q, back, "c0"));
}

TEST(BitPacking, RejectsNonzeroPaddingAndTruncation) {
  const std::vector<std::uint64_t> values{1, 2, 3};  // 3 x 5 bits = 15 bits: one pad bit
  ByteWriter writer;
  write_packed_row(writer, values, 5);
  auto bytes = std::move(writer).take();
  ASSERT_EQ(bytes.size(), 2U);
  std::vector<std::uint64_t> back(3);
  bytes[1] |= 0x80;
  ByteReader padded(bytes);
  EXPECT_THROW(read_packed_row(padded, 5, 32, back, "row"), SerializationError);
  bytes[1] &= 0x7f;
  bytes.pop_back();
  ByteReader truncated(bytes);
  EXPECT_THROW(read_packed_row(truncated, 5, 32, back, "row"), SerializationError);
}

TEST(ByteReader, ReportsOffsetsOfTruncationAndTrailingBytes) {
  ByteWriter writer;
  writer.u16(0x1234);
  writer.u64(0x0102030405060708ULL);
  writer.f64(-2.5);
  const auto bytes = std::move(writer).take();
  ByteReader reader(bytes);
  EXPECT_EQ(reader.u16("a"), 0x1234);
  EXPECT_EQ(reader.u64("b"), 0x0102030405060708ULL);
  EXPECT_EQ(reader.f64("c"), -2.5);
  reader.expect_end();
  ByteReader short_reader(std::span<const std::uint8_t>(bytes).first(5));
  short_reader.u16("a");
  try {
    short_reader.u64("b");
    FAIL() << "read past the end";
  } catch (const SerializationError& e) {
    EXPECT_EQ(e.offset(), 2U);
    EXPECT_NE(std::string(e.what()).find("b: truncated"), std::string::npos) << e.what();
  }
  ByteReader trailing(bytes);
  trailing.u16("a");
  EXPECT_THROW(trailing.expect_end(), SerializationError);
}

}  // namespace
}  // namespace hesplit::ckks
