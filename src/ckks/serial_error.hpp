#pragma once
// The one exception every loader of serialized CKKS objects throws for bad bytes.

#include <cstddef>
#include <stdexcept>
#include <string>

namespace hesplit::ckks {

// Thrown for any malformed, truncated, oversized, foreign or out-of-range serialized input. The
// message names the field and the byte offset where reading stopped; offset() returns that offset.
class SerializationError : public std::runtime_error {
 public:
  SerializationError(std::size_t offset, const std::string& message)
      : std::runtime_error("serialized CKKS data, byte offset " + std::to_string(offset) + ": " +
                           message),
        offset_(offset) {}

  std::size_t offset() const noexcept { return offset_; }

 private:
  std::size_t offset_;
};

}  // namespace hesplit::ckks
