#pragma once
// When a session may run without TLS: on a loopback address (the traffic never leaves the
// machine), or elsewhere only when the operator says --insecure, which is announced loudly.
#include <ostream>
#include <string>

#include "net/options.hpp"

namespace hesplit::net {

// "127.0.0.1:5", "127.x.y.z:p", "localhost:p", "[::1]:p", "ipv6:[::1]:p", "unix:..." are loopback.
bool is_loopback_address(const std::string& address);

enum class Role { kServer, kClient };

// Throws split::TransportError (naming the address and the flags to use) when `options` has no TLS
// for a non-loopback address and `insecure` is false, or when TLS settings are incomplete. With
// `insecure` on a non-loopback address it writes a warning to `warnings`.
void check_transport_security(const std::string& address, Role role, const NetOptions& options,
                              bool insecure, std::ostream& warnings);

}  // namespace hesplit::net
