#include "net/security_policy.hpp"

#include <string_view>

#include "split/transport.hpp"

namespace hesplit::net {

namespace {

// The host part of host:port, [v6]:port, or a gRPC URI (ipv4:, ipv6:, dns:///).
std::string host_of(std::string_view address) {
  for (const std::string_view scheme : {"ipv4:", "ipv6:", "dns:///", "dns:"}) {
    if (address.starts_with(scheme)) {
      address.remove_prefix(scheme.size());
      break;
    }
  }
  if (address.starts_with('[')) {
    const std::size_t close = address.find(']');
    return std::string(address.substr(1, close == std::string_view::npos ? close : close - 1));
  }
  const std::size_t colon = address.rfind(':');
  return std::string(colon == std::string_view::npos ? address : address.substr(0, colon));
}

}  // namespace

bool is_loopback_address(const std::string& address) {
  if (address.starts_with("unix:") || address.starts_with("unix-abstract:")) return true;
  const std::string host = host_of(address);
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

void check_transport_security(const std::string& address, Role role, const NetOptions& options,
                              bool insecure, std::ostream& warnings) {
  const char* const own = role == Role::kServer ? "--listen" : "--connect";
  if (options.tls) {
    const TlsOptions& tls = *options.tls;
    if (role == Role::kServer && (!tls.cert || !tls.key)) {
      throw split::TransportError("TLS on the server needs both --tls-cert and --tls-key");
    }
    if (role == Role::kClient && !tls.ca) {
      throw split::TransportError(
          "TLS on the client needs --tls-ca (the CA that signed the server's certificate)");
    }
    if (tls.cert.has_value() != tls.key.has_value()) {
      throw split::TransportError("--tls-cert and --tls-key go together");
    }
    return;
  }
  if (is_loopback_address(address)) return;
  if (!insecure) {
    throw split::TransportError(
        std::string(own) + " " + address +
        " is not a loopback address, so the session needs TLS: " +
        (role == Role::kServer ? "give --tls-cert and --tls-key" : "give --tls-ca") +
        " (docs/security.md shows how to make them), or --insecure to send everything in the "
        "clear");
  }
  warnings << "\n"
              "**********************************************************************\n"
              "hesplit: WARNING: --insecure: the session with "
           << address
           << " runs WITHOUT TLS.\n"
              "Activations, gradients, keys and the token cross the network in the clear\n"
              "and can be read or altered by anyone on the path. Use only on a network\n"
              "you trust completely.\n"
              "**********************************************************************\n"
           << std::flush;
}

}  // namespace hesplit::net
