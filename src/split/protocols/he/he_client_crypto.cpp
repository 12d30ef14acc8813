#include "split/protocols/he/he_client_crypto.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "ckks/params.hpp"
#include "ckks/serial_public_context.hpp"
#include "report/atomic_file.hpp"

namespace hesplit::split {

HeClientCrypto::HeClientCrypto(const std::string& preset, std::size_t features, std::size_t classes)
    : HeClientCrypto(ckks::CkksContext::create(ckks::preset(preset)), std::nullopt, features,
                     classes) {}

HeClientCrypto::HeClientCrypto(std::shared_ptr<const ckks::CkksContext> context,
                               ckks::SecretKey secret, std::size_t features, std::size_t classes)
    : HeClientCrypto(std::move(context), std::optional<ckks::SecretKey>(std::move(secret)),
                     features, classes) {}

HeClientCrypto::HeClientCrypto(std::shared_ptr<const ckks::CkksContext> context,
                               std::optional<ckks::SecretKey> secret, std::size_t features,
                               std::size_t classes)
    : context_(std::move(context)),
      keygen_(secret ? ckks::KeyGenerator(context_, std::move(*secret))
                     : ckks::KeyGenerator(context_)),
      encoder_(context_),
      encryptor_(context_, keygen_.secret_key()),
      decryptor_(context_, keygen_.secret_key()),
      layout_(context_->slot_count(), features, classes),
      codec_(layout_) {}

ckks::Bytes HeClientCrypto::public_context(std::span<const int> steps, bool with_public_key) const {
  ckks::PublicContext exported;
  exported.context = context_;
  if (with_public_key) exported.public_key = keygen_.create_public_key_seeded();
  exported.relin_keys = keygen_.create_relin_keys_seeded();
  exported.galois_keys = keygen_.create_galois_keys_seeded(steps, true);
  return ckks::save_public_context(exported);
}

ckks::Bytes HeClientCrypto::encrypt_seeded(const packing::SlotVector& slots, double scale) const {
  const ckks::Plaintext plain = encoder_.encode(slots, scale, context_->max_level());
  return ckks::save(*context_, encryptor_.encrypt_symmetric_seeded(plain));
}

packing::SlotVector HeClientCrypto::decrypt(const ckks::Ciphertext& cipher) const {
  return encoder_.decode_complex(decryptor_.decrypt(cipher));
}

void HeClientCrypto::save_secret_key(const std::filesystem::path& file) const {
  const ckks::Bytes params = ckks::save_parameters(*context_);
  const ckks::Bytes key = ckks::save_secret_key(*context_, keygen_.secret_key());
  // Two objects back to back: parameters, then the key (each carries its own length).
  std::string text(params.begin(), params.end());
  text.append(key.begin(), key.end());
  report::write_private_file_atomic(file, text);
}

std::string HeClientCrypto::key_id() const {
  const ckks::Bytes key = ckks::save_secret_key(*context_, keygen_.secret_key());
  constexpr std::string_view kLabel = "hesplit client key id 1";
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                    &EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), kLabel.data(), kLabel.size()) != 1 ||
      EVP_DigestUpdate(ctx.get(), key.data(), key.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), digest.data(), &length) != 1 || length < 16) {
    throw std::runtime_error("SHA-256 of the client key failed (OpenSSL)");
  }
  std::string id;
  for (std::size_t i = 0; i < 16; ++i) {
    constexpr char kHex[] = "0123456789abcdef";
    id += kHex[digest[i] >> 4];
    id += kHex[digest[i] & 15];
  }
  return id;
}

HeClientCrypto HeClientCrypto::load(const std::filesystem::path& key_file, std::size_t features,
                                    std::size_t classes) {
  std::ifstream in(key_file, std::ios::binary);
  if (!in) throw std::runtime_error("client key file " + key_file.string() + ": cannot open");
  const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                        std::istreambuf_iterator<char>());
  constexpr std::size_t kHeader = 48;
  if (bytes.size() < kHeader) {
    throw std::runtime_error("client key file " + key_file.string() + ": truncated");
  }
  std::uint64_t body = 0;
  for (int i = 7; i >= 0; --i) body = (body << 8) | bytes[40 + static_cast<std::size_t>(i)];
  if (body > bytes.size() - kHeader) {
    throw std::runtime_error("client key file " + key_file.string() +
                             ": parameter block longer than the file (byte offset 40)");
  }
  const std::size_t split_at = kHeader + static_cast<std::size_t>(body);
  const std::span<const std::uint8_t> all(bytes);
  auto context = ckks::load_parameters(all.first(split_at));
  ckks::SecretKey secret = ckks::load_secret_key(*context, all.subspan(split_at));
  return HeClientCrypto(std::move(context), std::move(secret), features, classes);
}

std::vector<int> sealed_galois_steps(const packing::SplitLayout& layout) {
  return layout.galois_steps();
}

std::vector<int> paper_galois_steps(const packing::SplitLayout& layout) {
  std::vector<int> steps = layout.galois_steps();
  std::erase_if(steps, [](int s) { return s < 0; });
  return steps;
}

}  // namespace hesplit::split
