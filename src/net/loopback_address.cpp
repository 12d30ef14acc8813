#include "net/loopback_address.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <optional>
#include <string_view>

namespace hesplit::net {

namespace {

bool is_loopback_ipv4(const in_addr& address) { return (ntohl(address.s_addr) >> 24) == 127; }

bool is_loopback_ipv6(const in6_addr& address) {
  if (IN6_IS_ADDR_LOOPBACK(&address)) return true;
  if (!IN6_IS_ADDR_V4MAPPED(&address)) return false;
  return address.s6_addr[12] == 127;  // ::ffff:127.x.y.z reaches 127.x.y.z
}

// A numeric address (no name lookup): dotted-quad IPv4 or IPv6 without brackets.
bool is_numeric_loopback(const std::string& host) {
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return is_loopback_ipv4(v4);
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) return is_loopback_ipv6(v6);
  return false;
}

// "localhost" as the system resolves it: loopback only if every address it gives is.
bool localhost_resolves_to_loopback_only(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0 || found == nullptr) return false;
  const std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owned(found, &freeaddrinfo);
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    if (a->ai_family == AF_INET) {
      if (!is_loopback_ipv4(reinterpret_cast<const sockaddr_in*>(a->ai_addr)->sin_addr))
        return false;
    } else if (a->ai_family == AF_INET6) {
      if (!is_loopback_ipv6(reinterpret_cast<const sockaddr_in6*>(a->ai_addr)->sin6_addr))
        return false;
    } else {
      return false;
    }
  }
  return true;
}

bool is_port(std::string_view text) {
  return !text.empty() && text.size() <= 5 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
         std::stoul(std::string(text)) <= 65535;
}

// The host of "host", "host:port", "[v6]" or "[v6]:port"; nothing when the text is none of these.
std::optional<std::string> host_of(std::string_view address) {
  if (address.starts_with('[')) {
    const std::size_t close = address.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    const std::string_view rest = address.substr(close + 1);
    if (!rest.empty() && !(rest.starts_with(':') && is_port(rest.substr(1)))) return std::nullopt;
    return std::string(address.substr(1, close - 1));
  }
  const std::size_t colon = address.find(':');
  if (colon == std::string_view::npos) return std::string(address);
  if (address.find(':', colon + 1) != std::string_view::npos) {
    return std::string(address);  // several colons, no brackets: a bare IPv6 address
  }
  if (!is_port(address.substr(colon + 1))) return std::nullopt;
  return std::string(address.substr(0, colon));
}

bool is_localhost(std::string host) {
  std::transform(host.begin(), host.end(), host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return host == "localhost";
}

}  // namespace

bool is_loopback_address(const std::string& address) {
  std::string_view rest = address;
  if (rest.starts_with("unix:") || rest.starts_with("unix-abstract:")) return true;
  // gRPC URIs: "ipv4:a:p,b:p" and "ipv6:[a]:p,[b]:p" dial every listed address; "dns:///name"
  // resolves a name ("dns://server/name" asks that server). Only a single address is accepted.
  bool numeric_only = false;
  if (rest.starts_with("ipv4:") || rest.starts_with("ipv6:")) {
    rest.remove_prefix(5);
    numeric_only = true;
  } else if (rest.starts_with("dns:///")) {
    rest.remove_prefix(7);
  } else if (rest.starts_with("dns:")) {
    if (rest.starts_with("dns://")) return false;  // names a DNS server
    rest.remove_prefix(4);
  }
  if (rest.empty() || rest.find(',') != std::string_view::npos) return false;
  const std::optional<std::string> host = host_of(rest);
  if (!host || host->empty()) return false;
  if (is_numeric_loopback(*host)) return true;
  return !numeric_only && is_localhost(*host) && localhost_resolves_to_loopback_only(*host);
}

}  // namespace hesplit::net
