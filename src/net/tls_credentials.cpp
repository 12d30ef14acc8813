#include "net/tls_credentials.hpp"

#include <fstream>
#include <sstream>

#include "split/transport.hpp"

namespace hesplit::net::detail {

namespace {

// Certificate chains and keys are a few KB; anything far larger is not what the flag should name.
constexpr std::uintmax_t kMaxPemBytes = 1 << 20;

std::string read_pem(const std::filesystem::path& file, const char* what) {
  std::error_code error;
  const std::uintmax_t size = std::filesystem::file_size(file, error);
  if (error) {
    throw split::TransportError(std::string(what) + " " + file.string() + ": " + error.message());
  }
  if (size > kMaxPemBytes) {
    throw split::TransportError(std::string(what) + " " + file.string() + ": " +
                                std::to_string(size) + " bytes, more than a PEM file of " +
                                std::to_string(kMaxPemBytes) + " bytes");
  }
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) throw split::TransportError(std::string(what) + " " + file.string() + ": cannot read");
  std::string pem = text.str();
  if (pem.find("-----BEGIN ") == std::string::npos) {
    throw split::TransportError(std::string(what) + " " + file.string() +
                                ": not a PEM file (no -----BEGIN line)");
  }
  return pem;
}

}  // namespace

std::shared_ptr<grpc::ServerCredentials> server_credentials(const NetOptions& options) {
  if (!options.tls) return grpc::InsecureServerCredentials();
  const TlsOptions& tls = *options.tls;
  if (!tls.cert || !tls.key) {
    throw split::TransportError("TLS on the server needs both --tls-cert and --tls-key");
  }
  grpc::SslServerCredentialsOptions ssl;
  ssl.pem_key_cert_pairs.push_back(
      {read_pem(*tls.key, "--tls-key"), read_pem(*tls.cert, "--tls-cert")});
  if (tls.ca) {
    // Mutual TLS: only clients holding a certificate signed by this CA get a connection.
    ssl.pem_root_certs = read_pem(*tls.ca, "--tls-ca");
    ssl.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(ssl);
}

std::shared_ptr<grpc::ChannelCredentials> channel_credentials(const NetOptions& options) {
  if (!options.tls) return grpc::InsecureChannelCredentials();
  const TlsOptions& tls = *options.tls;
  if (!tls.ca) {
    throw split::TransportError(
        "TLS on the client needs --tls-ca (the CA that signed the server's certificate)");
  }
  grpc::SslCredentialsOptions ssl;
  // Only this CA: never the system's roots, so a certificate bought for any name does not pass.
  ssl.pem_root_certs = read_pem(*tls.ca, "--tls-ca");
  if (tls.cert) ssl.pem_cert_chain = read_pem(*tls.cert, "--tls-cert");
  if (tls.key) ssl.pem_private_key = read_pem(*tls.key, "--tls-key");
  return grpc::SslCredentials(ssl);
}

void add_tls_channel_arguments(const NetOptions& options, grpc::ChannelArguments& args) {
  if (options.tls && options.tls->server_name) {
    args.SetSslTargetNameOverride(*options.tls->server_name);
  }
}

}  // namespace hesplit::net::detail
