#pragma once
// When a session may run without TLS: on a loopback address (the traffic never leaves the
// machine), or elsewhere only when the operator says --insecure, which is announced loudly.
#include <ostream>
#include <string>

#include "net/loopback_address.hpp"
#include "net/options.hpp"

namespace hesplit::net {

enum class Role { kServer, kClient };

// Throws split::TransportError (naming the address and the flags to use) when `options` has no TLS
// for a non-loopback address (net/loopback_address.hpp) and `insecure` is false, or when TLS
// settings are incomplete. With `insecure` on a non-loopback address it writes a warning to
// `warnings`; so it does for a server off loopback that authenticates no client (neither a token
// nor mutual TLS).
void check_transport_security(const std::string& address, Role role, const NetOptions& options,
                              bool insecure, std::ostream& warnings);

}  // namespace hesplit::net
