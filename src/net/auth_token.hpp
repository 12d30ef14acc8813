#pragma once
// The shared-token client check: the client sends the token as call metadata on the session's
// stream; the server compares it in constant time before any protocol code runs.
#include <filesystem>
#include <string>
#include <string_view>

namespace hesplit::net {

// gRPC metadata key of the token (lower case, as HTTP/2 requires).
inline constexpr const char* kTokenMetadataKey = "x-hesplit-token";

// Reads a token file: one line of 16..1024 printable ASCII characters (a trailing newline is
// dropped). Throws split::TransportError naming the file otherwise.
std::string read_token_file(const std::filesystem::path& file);

// Constant-time equality: both sides are hashed with SHA-256 and the digests compared with
// CRYPTO_memcmp, so neither the position of the first difference nor the length leaks by timing.
bool tokens_equal(std::string_view presented, std::string_view expected);

}  // namespace hesplit::net
