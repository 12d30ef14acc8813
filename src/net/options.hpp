#pragma once
// Limits, timeouts and security settings of a gRPC session (both sides).
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "net/tls_options.hpp"

namespace hesplit::net {

// The busy_wait `--busy-poll` gives plain clients: longer than a batch's client compute at the
// usual batch sizes (about 0.3 ms at 4, 0.5 ms at 16), so neither thread sleeps mid-epoch.
inline constexpr std::chrono::microseconds kPlainBusyWait{2000};

struct NetOptions {
  // Largest serialized message received and sent; gRPC enforces them (at most 2 GiB - 1, its
  // limit). `hesplit server` and `hesplit client` derive them from the protocols and parameters
  // they are configured for (split/message_bounds.hpp); these defaults serve tests and tools.
  std::size_t max_receive_bytes = std::size_t{256} << 20;
  std::size_t max_send_bytes = std::size_t{256} << 20;
  // What the limits were derived from, for the error that refuses a larger message.
  std::string message_limit_basis = "the default limit of 256 MiB";
  // How long the client waits for the server to accept the connection.
  std::chrono::milliseconds connect_timeout{10'000};
  // Deadline of a whole session (the client's RPC deadline).
  std::chrono::hours session_deadline{24 * 7};
  // Longest wait for the peer's next message during a session; a silent peer (hung, not gone)
  // ends the session with a clear error after this. HE batches take seconds, not minutes.
  std::chrono::milliseconds message_timeout{600'000};
  // HTTP/2 keepalive pings detect a peer whose machine vanished without closing the connection.
  std::chrono::milliseconds keepalive_interval{30'000};
  std::chrono::milliseconds keepalive_timeout{10'000};
  // TLS (server: own certificate and key, optionally a CA that client certificates must chain to;
  // client: the CA the server's certificate must chain to, optionally its own certificate for
  // mutual TLS). Unset: plaintext HTTP/2 (net/security_policy.hpp decides when that is allowed).
  std::optional<TlsOptions> tls;
  // Shared secret: the client sends it as call metadata, the server compares it in constant time
  // and refuses the session without running any protocol code when it differs. Unset on the
  // server: no token required.
  std::optional<std::string> token;
  // Client: when above zero, the session's gRPC calls run on an I/O thread of their own, and the
  // caller and that thread spin up to this long for each other before sleeping
  // (split/io_thread_transport.hpp: for latency-bound exchanges such as plain split learning).
  std::chrono::microseconds busy_wait{0};
  // Server: sessions served at the same time (one thread each, independent state).
  std::size_t max_concurrent_sessions = 1;
  // Server: connection limits (issue 20). A client runs one session per connection, so one stream
  // per connection suffices; a connection without a call is closed after max_connection_idle; a
  // connection older than max_connection_age takes no new call (the session running on it goes
  // on); a TCP peer that has not finished the (TLS and HTTP/2) handshake within
  // handshake_timeout is dropped. Zero age: no limit.
  int max_streams_per_connection = 1;
  std::chrono::milliseconds max_connection_idle{120'000};
  std::chrono::milliseconds max_connection_age{24 * 3'600'000};
  std::chrono::milliseconds handshake_timeout{10'000};
};

}  // namespace hesplit::net
