#pragma once
// Where the PEM files of a TLS endpoint are (docs/security.md shows how to make them with openssl).
#include <filesystem>
#include <optional>
#include <string>

namespace hesplit::net {

struct TlsOptions {
  // This endpoint's certificate chain and private key: required on the server, optional on the
  // client (mutual TLS).
  std::optional<std::filesystem::path> cert;
  std::optional<std::filesystem::path> key;
  // Certificates the peer's chain must lead to. Client: the server's CA (required: no system roots,
  // a hospital deployment pins its own CA). Server: when set, client certificates are required and
  // verified against it (mutual TLS).
  std::optional<std::filesystem::path> ca;
  // Client: the name the server certificate must carry, when it differs from the host dialled.
  std::optional<std::string> server_name;
};

}  // namespace hesplit::net
