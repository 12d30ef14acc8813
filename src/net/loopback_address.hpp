#pragma once
// Whether a gRPC address reaches only this machine, decided from the parsed address, never from
// its text (issue 20: "127.attacker.example:p" and "ipv4:127.0.0.1:1,192.0.2.2:p" both started
// with "127." and were let through in plaintext). Loopback is:
//   - a numeric IPv4 address in 127.0.0.0/8, or the IPv6 address ::1 (also as [::1], and as the
//     IPv4-mapped ::ffff:127.x.y.z), with an optional numeric port;
//   - "ipv4:" / "ipv6:" gRPC URIs listing exactly one such address ("dns:///" likewise);
//   - "localhost", resolved here: every address it resolves to must be loopback;
//   - "unix:" and "unix-abstract:" sockets.
// Anything else (other names, lists of addresses, "dns://server/...", malformed text) is not.
#include <string>

namespace hesplit::net {

bool is_loopback_address(const std::string& address);

}  // namespace hesplit::net
