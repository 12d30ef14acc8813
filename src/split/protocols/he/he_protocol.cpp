#include "split/protocols/he/he_protocol.hpp"

#include <charconv>
#include <cmath>
#include <cstring>

#include "ckks/serial_error.hpp"
#include "split/transport.hpp"

namespace hesplit::split {

std::size_t ciphertexts_for(std::size_t rows, std::size_t per_ciphertext) {
  return (rows + per_ciphertext - 1) / per_ciphertext;
}

HeScales he_scales(const ckks::CkksContext& context) {
  if (context.default_scale() >= kActivationScale) return {};
  return {context.default_scale(), context.default_scale()};
}

std::vector<Blob> to_blobs(std::span<const ckks::Bytes> ciphertexts) {
  std::vector<Blob> blobs;
  blobs.reserve(ciphertexts.size());
  for (const ckks::Bytes& bytes : ciphertexts) {
    blobs.push_back({kCiphertextBlob, std::string(bytes.begin(), bytes.end())});
  }
  return blobs;
}

namespace {

std::span<const std::uint8_t> bytes_of(const Blob& blob) {
  return {reinterpret_cast<const std::uint8_t*>(blob.bytes.data()), blob.bytes.size()};
}

}  // namespace

std::uint64_t unsigned_field(const Message& message, const std::string& key) {
  const std::string& text = message.field(key);
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    throw TransportError("protocol error: " + describe(message) + ": \"" + key +
                         "\" is not an unsigned integer");
  }
  return value;
}

std::vector<ckks::Ciphertext> receive_ciphertexts(const ckks::CkksContext& context,
                                                  const Message& message, std::size_t count,
                                                  std::size_t level, double scale) {
  if (message.blobs.size() != count) {
    throw TransportError("protocol error: " + describe(message) + " carries " +
                         std::to_string(message.blobs.size()) + " ciphertexts, expected " +
                         std::to_string(count));
  }
  std::vector<ckks::Ciphertext> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const Blob& blob = message.blobs[i];
    const std::string where = describe(message) + ", ciphertext " + std::to_string(i);
    if (blob.name != kCiphertextBlob) {
      throw TransportError("protocol error: " + where + " is named \"" + blob.name + "\"");
    }
    ckks::Ciphertext c;
    try {
      // Checks type, fingerprint, sizes and every coefficient against its prime.
      c = ckks::load_any_ciphertext(context, bytes_of(blob));
    } catch (const std::exception& e) {
      throw TransportError("invalid ciphertext: " + where + ": " + e.what());
    }
    if (c.size() != 2) {
      throw TransportError("invalid ciphertext: " + where + ": " + std::to_string(c.size()) +
                           " components, expected 2");
    }
    if (c.level != level) {
      throw TransportError("invalid ciphertext: " + where + ": level " + std::to_string(c.level) +
                           ", expected " + std::to_string(level));
    }
    if (!(std::fabs(c.scale - scale) <= 1e-9 * scale)) {
      throw TransportError("invalid ciphertext: " + where + ": scale " + he_number_text(c.scale) +
                           ", expected " + he_number_text(scale));
    }
    out.push_back(std::move(c));
  }
  return out;
}

bool looks_like_secret_key(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < 8 || std::memcmp(bytes.data(), "HSCK", 4) != 0) return false;
  const unsigned type = static_cast<unsigned>(bytes[6]) | (static_cast<unsigned>(bytes[7]) << 8);
  return type == 11;
}

std::string he_number_text(double value) {
  char buffer[64];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, end);
}

}  // namespace hesplit::split
