#include "split/he_client_crypto.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "ckks/params.hpp"
#include "ckks/serial_public_context.hpp"

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
  // Temp file + rename: a crash never leaves half a key behind.
  const std::filesystem::path temp = file.string() + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (!out) throw std::runtime_error("cannot write " + temp.string());
  }
  std::filesystem::rename(temp, file);
  std::filesystem::permissions(
      file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
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
