#pragma once
// Cryptographic randomness: fresh seeds from OpenSSL's RAND_bytes, expanded with AES-256-CTR.
//
// Expansion (part of the serialized format, do not change without a format version bump): the
// 32-byte seed is the AES-256 key, the initial counter block is 16 zero bytes (big-endian 128-bit
// counter, incremented per block), and the key stream is consumed in order as little-endian
// 64-bit words. No other randomness source is used anywhere in the library.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace hesplit::ckks {

using Seed = std::array<std::uint8_t, 32>;

// 32 bytes from RAND_bytes; throws std::runtime_error if OpenSSL reports a failure.
Seed random_seed();

class Prng {
 public:
  explicit Prng(const Seed& seed);
  // Seeded from random_seed().
  Prng();
  ~Prng();
  Prng(Prng&&) noexcept;
  Prng& operator=(Prng&&) noexcept;
  Prng(const Prng&) = delete;
  Prng& operator=(const Prng&) = delete;

  std::uint64_t next_u64();
  void fill(std::span<std::uint8_t> out);

 private:
  void refill();

  struct Cipher;
  std::unique_ptr<Cipher> cipher_;
  std::array<std::uint8_t, 4096> buffer_{};
  std::size_t position_ = 4096;
};

}  // namespace hesplit::ckks
