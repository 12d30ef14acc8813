#include "ckks/prng.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstring>
#include <stdexcept>

namespace hesplit::ckks {

struct Prng::Cipher {
  EVP_CIPHER_CTX* ctx = nullptr;
  ~Cipher() { EVP_CIPHER_CTX_free(ctx); }
};

Seed random_seed() {
  Seed seed{};
  if (RAND_bytes(seed.data(), static_cast<int>(seed.size())) != 1) {
    throw std::runtime_error("OpenSSL RAND_bytes failed to produce a seed");
  }
  return seed;
}

Prng::Prng() : Prng(random_seed()) {}

Prng::Prng(const Seed& seed) : cipher_(std::make_unique<Cipher>()) {
  cipher_->ctx = EVP_CIPHER_CTX_new();
  const std::uint8_t iv[16] = {};
  if (cipher_->ctx == nullptr ||
      EVP_EncryptInit_ex(cipher_->ctx, EVP_aes_256_ctr(), nullptr, seed.data(), iv) != 1) {
    throw std::runtime_error("OpenSSL AES-256-CTR initialisation failed");
  }
}

Prng::~Prng() = default;
Prng::Prng(Prng&&) noexcept = default;
Prng& Prng::operator=(Prng&&) noexcept = default;

void Prng::refill() {
  // Encrypting zeros yields the raw key stream.
  static constexpr std::uint8_t kZeros[4096] = {};
  int produced = 0;
  if (EVP_EncryptUpdate(cipher_->ctx, buffer_.data(), &produced, kZeros,
                        static_cast<int>(buffer_.size())) != 1 ||
      produced != static_cast<int>(buffer_.size())) {
    throw std::runtime_error("OpenSSL AES-256-CTR key stream failed");
  }
  position_ = 0;
}

std::uint64_t Prng::next_u64() {
  if (position_ + 8 > buffer_.size()) refill();
  std::uint64_t w = 0;
  for (int b = 7; b >= 0; --b) w = (w << 8) | buffer_[position_ + static_cast<std::size_t>(b)];
  position_ += 8;
  return w;
}

void Prng::fill(std::span<std::uint8_t> out) {
  std::size_t done = 0;
  while (done < out.size()) {
    if (position_ == buffer_.size()) refill();
    const std::size_t take = std::min(out.size() - done, buffer_.size() - position_);
    std::memcpy(out.data() + done, buffer_.data() + position_, take);
    position_ += take;
    done += take;
  }
}

}  // namespace hesplit::ckks
