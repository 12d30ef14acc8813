#include "net/security_policy.hpp"

#include <string_view>

#include "net/loopback_address.hpp"
#include "split/transport.hpp"

namespace hesplit::net {

namespace {

void check_tls_settings(const TlsOptions& tls, Role role) {
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
}

void warn_banner(std::ostream& warnings, const std::string& text) {
  warnings << "\n"
              "**********************************************************************\n"
           << text << "**********************************************************************\n"
           << std::flush;
}

}  // namespace

void check_transport_security(const std::string& address, Role role, const NetOptions& options,
                              bool insecure, std::ostream& warnings) {
  const char* const own = role == Role::kServer ? "--listen" : "--connect";
  if (options.tls) check_tls_settings(*options.tls, role);
  const bool loopback = is_loopback_address(address);
  if (!options.tls && !loopback && !insecure) {
    throw split::TransportError(
        std::string(own) + " " + address +
        " is not a loopback address, so the session needs TLS: " +
        (role == Role::kServer ? "give --tls-cert and --tls-key" : "give --tls-ca") +
        " (docs/security.md shows how to make them), or --insecure to send everything in the "
        "clear");
  }
  if (!options.tls && !loopback) {
    warn_banner(warnings,
                "hesplit: WARNING: --insecure: the session with " + address +
                    " runs WITHOUT TLS.\n"
                    "Activations, gradients, keys and the token cross the network in the clear\n"
                    "and can be read or altered by anyone on the path. Use only on a network\n"
                    "you trust completely.\n");
  }
  const bool client_certificates = options.tls && options.tls->ca;
  if (role == Role::kServer && !loopback && !options.token && !client_certificates) {
    warn_banner(warnings,
                "hesplit: WARNING: the server on " + address +
                    " authenticates NO client:\n"
                    "neither --token-file nor mutual TLS (--tls-ca) is set, so anyone who can\n"
                    "reach this address can run sessions and write checkpoints in --out.\n");
  }
}

}  // namespace hesplit::net
