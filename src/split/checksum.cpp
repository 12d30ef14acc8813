#include "split/checksum.hpp"

#include <cstring>
#include <span>

namespace hesplit::split {

namespace {

// Word-at-a-time multiply-xorshift mixing: fast enough for megabyte ciphertexts.
class Hasher {
 public:
  void add_bytes(std::span<const unsigned char> bytes) {
    add_word(bytes.size());
    std::size_t i = 0;
    for (; i + 8 <= bytes.size(); i += 8) {
      std::uint64_t word = 0;
      std::memcpy(&word, bytes.data() + i, 8);
      add_word(word);
    }
    std::uint64_t tail = 0;
    // An empty span may have a null data(): memcpy must not see it, even for zero bytes.
    if (i < bytes.size()) std::memcpy(&tail, bytes.data() + i, bytes.size() - i);
    add_word(tail);
  }
  void add_word(std::uint64_t word) {
    state_ ^= word + 0x9E3779B97F4A7C15ULL + (state_ << 6) + (state_ >> 2);
    state_ *= 0xBF58476D1CE4E5B9ULL;
    state_ ^= state_ >> 31;
  }
  void add_text(const std::string& text) {
    add_bytes({reinterpret_cast<const unsigned char*>(text.data()), text.size()});
  }
  std::uint64_t value() const { return state_; }

 private:
  std::uint64_t state_ = 0x68657370'6c697431ULL;  // "hesplit1"
};

}  // namespace

std::uint64_t message_checksum(const Message& message) {
  Hasher hasher;
  hasher.add_word(static_cast<std::uint32_t>(message.kind));
  hasher.add_word(message.epoch);
  hasher.add_word(message.batch);
  hasher.add_word(message.fields.size());
  for (const auto& [key, value] : message.fields) {
    hasher.add_text(key);
    hasher.add_text(value);
  }
  hasher.add_word(message.tensors.size());
  for (const nn::FloatTensor& tensor : message.tensors) {
    hasher.add_word(tensor.shape.size());
    for (const std::int64_t dim : tensor.shape) hasher.add_word(static_cast<std::uint64_t>(dim));
    hasher.add_bytes({reinterpret_cast<const unsigned char*>(tensor.data.data()),
                      tensor.data.size() * sizeof(float)});
  }
  hasher.add_word(message.blobs.size());
  for (const Blob& blob : message.blobs) {
    hasher.add_text(blob.name);
    hasher.add_text(blob.bytes);
  }
  return hasher.value();
}

}  // namespace hesplit::split
