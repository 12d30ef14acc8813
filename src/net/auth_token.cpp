#include "net/auth_token.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <array>
#include <fstream>
#include <sstream>

#include "split/transport.hpp"

namespace hesplit::net {

namespace {

constexpr std::size_t kMinTokenChars = 16;
constexpr std::size_t kMaxTokenChars = 1024;

std::array<unsigned char, SHA256_DIGEST_LENGTH> digest(std::string_view text) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> out{};
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), out.data());
  return out;
}

}  // namespace

std::string read_token_file(const std::filesystem::path& file) {
  const std::string name = "token file " + file.string();
  std::error_code error;
  const std::uintmax_t size = std::filesystem::file_size(file, error);
  if (error) throw split::TransportError(name + ": " + error.message());
  if (size > kMaxTokenChars + 2) {
    throw split::TransportError(name + ": " + std::to_string(size) +
                                " bytes; a token has at most " + std::to_string(kMaxTokenChars) +
                                " characters");
  }
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  std::string token = text.str();
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  if (token.size() < kMinTokenChars) {
    throw split::TransportError(name + ": the token has " + std::to_string(token.size()) +
                                " characters, fewer than " + std::to_string(kMinTokenChars) +
                                " (make one with: openssl rand -hex 32)");
  }
  for (std::size_t i = 0; i < token.size(); ++i) {
    const auto c = static_cast<unsigned char>(token[i]);
    if (c < 0x21 || c > 0x7e) {
      // Metadata values must be printable ASCII; a stray byte would only fail later and obscurely.
      throw split::TransportError(name + ": byte " + std::to_string(i) +
                                  " is not printable ASCII (one line, no spaces)");
    }
  }
  return token;
}

bool tokens_equal(std::string_view presented, std::string_view expected) {
  const auto a = digest(presented);
  const auto b = digest(expected);
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace hesplit::net
