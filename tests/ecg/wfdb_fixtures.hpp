#pragma once
// Small WFDB files written by the tests themselves: headers as text, signal files packed in
// formats 212 and 16, annotation files word by word.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace hesplit::test {

using Bytes = std::vector<unsigned char>;

inline void write_text(const std::filesystem::path& file, const std::string& text) {
  std::ofstream(file, std::ios::binary) << text;
}

inline void write_bytes(const std::filesystem::path& file, const Bytes& bytes) {
  std::ofstream out(file, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

// Interleaved samples (frame by frame) in format 212: pairs in three bytes, a final odd sample in
// two bytes.
inline Bytes pack212(const std::vector<std::int32_t>& samples) {
  Bytes out;
  for (std::size_t i = 0; i < samples.size(); i += 2) {
    const auto a = static_cast<std::uint32_t>(samples[i]) & 0xFFF;
    const auto b = i + 1 < samples.size() ? static_cast<std::uint32_t>(samples[i + 1]) & 0xFFF : 0;
    out.push_back(static_cast<unsigned char>(a & 0xFF));
    out.push_back(static_cast<unsigned char>(((a >> 8) & 0x0F) | ((b >> 4) & 0xF0)));
    if (i + 1 < samples.size()) out.push_back(static_cast<unsigned char>(b & 0xFF));
  }
  return out;
}

inline Bytes pack16(const std::vector<std::int32_t>& samples) {
  Bytes out;
  for (const auto s : samples) {
    const auto v = static_cast<std::uint16_t>(static_cast<std::int16_t>(s));
    out.push_back(static_cast<unsigned char>(v & 0xFF));
    out.push_back(static_cast<unsigned char>(v >> 8));
  }
  return out;
}

// 16-bit sum of a signal's samples, as a header states it.
inline std::int32_t checksum(const std::vector<std::int32_t>& samples) {
  std::uint32_t sum = 0;
  for (const auto s : samples) sum += static_cast<std::uint32_t>(s);
  return static_cast<std::int16_t>(static_cast<std::uint16_t>(sum & 0xFFFF));
}

// Builds an MIT annotation file.
class AnnotationWriter {
 public:
  AnnotationWriter& word(int code, int data) {
    const auto w = static_cast<std::uint16_t>((code << 10) | (data & 0x3FF));
    bytes_.push_back(static_cast<unsigned char>(w & 0xFF));
    bytes_.push_back(static_cast<unsigned char>(w >> 8));
    return *this;
  }
  AnnotationWriter& annotation(int code, int delta) { return word(code, delta); }
  AnnotationWriter& skip(std::int32_t interval) {
    word(59, 0);
    const auto u = static_cast<std::uint32_t>(interval);
    const std::uint32_t high = u >> 16;
    const std::uint32_t low = u & 0xFFFF;
    for (const std::uint32_t half : {high, low}) {
      bytes_.push_back(static_cast<unsigned char>(half & 0xFF));
      bytes_.push_back(static_cast<unsigned char>(half >> 8));
    }
    return *this;
  }
  AnnotationWriter& num(int n) { return word(60, n); }
  AnnotationWriter& sub(int s) { return word(61, s); }
  AnnotationWriter& chn(int c) { return word(62, c); }
  AnnotationWriter& aux(const std::string& text) {
    word(63, static_cast<int>(text.size()));
    // Byte by byte: GCC 12 -O3 warns falsely (-Wstringop-overflow) on a range insert here.
    for (const char c : text) bytes_.push_back(static_cast<unsigned char>(c));
    if (text.size() % 2 == 1) bytes_.push_back(0);
    return *this;
  }
  AnnotationWriter& end() { return word(0, 0); }
  const Bytes& bytes() const { return bytes_; }

 private:
  Bytes bytes_;
};

}  // namespace hesplit::test
