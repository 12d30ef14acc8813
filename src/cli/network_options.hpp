#pragma once
// Shared network flags of `hesplit server` and `hesplit client`: TLS files, the token file,
// --insecure, the per-message timeout. Turns them into net::NetOptions after applying the
// transport security policy (TLS required off loopback; --insecure warns loudly).
#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "net/options.hpp"
#include "net/security_policy.hpp"
#include "split/session/message_bounds.hpp"

namespace hesplit::cli {
struct RunOptions;
}

namespace hesplit::cli {

struct NetworkFlags {
  std::optional<std::filesystem::path> tls_cert, tls_key, tls_ca;
  std::optional<std::string> tls_server_name;
  std::optional<std::filesystem::path> token_file;
  bool insecure = false;
  double message_timeout_seconds = 600.0;
  std::size_t concurrent = 1;  // server only
  // Server only: connection limits in seconds (net::NetOptions; age 0: none).
  double max_connection_idle_seconds = 120.0;
  double max_connection_age_seconds = 24.0 * 3600;
};

void add_network_options(CLI::App& command, NetworkFlags& flags, net::Role role);

// Reads the token file and PEM paths, checks the policy for `address` (warnings on stderr).
net::NetOptions network_options(const NetworkFlags& flags, const std::string& address,
                                net::Role role);

// network_options() for `hesplit client`, with the message size limits of the session `run`
// opens (client_message_bounds).
net::NetOptions client_network_options(const NetworkFlags& flags, const std::string& address,
                                       const RunOptions& run, std::size_t classes);

// The client's net::NetOptions::busy_wait: net::kPlainBusyWait for plain with --busy-poll when
// the CPUs this process may use (its affinity mask) outnumber its LibTorch threads, so the I/O
// thread has a CPU of its own; otherwise zero, said on stderr. HE exchanges take milliseconds of
// server work, so their client sleeps at once and leaves the CPUs to the server.
std::chrono::microseconds client_busy_wait(const RunOptions& run);

// Sets the gRPC message size limits of `role` from the protocol's bounds: receive what the peer
// can send, send what this side can.
void apply_message_bounds(net::NetOptions& options, const split::MessageBounds& bounds,
                          net::Role role);

// The bounds of the session a client configured by `run` (mode, --ckks, --batch, the evaluation
// chunk) opens for a dataset of `classes` classes.
split::MessageBounds client_message_bounds(const RunOptions& run, std::size_t classes);

}  // namespace hesplit::cli
