#include "cli/network_options.hpp"

#include <sched.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>

#include "cli/training_session.hpp"
#include "net/auth_token.hpp"
#include "nn/client_front.hpp"

namespace hesplit::cli {

void add_network_options(CLI::App& command, NetworkFlags& flags, net::Role role) {
  const bool server = role == net::Role::kServer;
  const std::string group = "Security and network";
  command
      .add_option("--tls-cert", flags.tls_cert,
                  server ? "server certificate chain (PEM); TLS is required off loopback"
                         : "client certificate (PEM) for mutual TLS")
      ->check(CLI::ExistingFile)
      ->group(group);
  command
      .add_option("--tls-key", flags.tls_key,
                  server ? "private key of --tls-cert (PEM)" : "private key of --tls-cert (PEM)")
      ->check(CLI::ExistingFile)
      ->group(group);
  command
      .add_option("--tls-ca", flags.tls_ca,
                  server ? "require client certificates signed by this CA (mutual TLS)"
                         : "CA that must have signed the server's certificate (turns TLS on)")
      ->check(CLI::ExistingFile)
      ->group(group);
  if (!server) {
    command
        .add_option("--tls-server-name", flags.tls_server_name,
                    "name the server certificate must carry, if not the host in --connect")
        ->group(group);
  }
  command
      .add_option("--token-file", flags.token_file,
                  server ? "refuse clients that do not present the token in this file"
                         : "present the token in this file to the server")
      ->check(CLI::ExistingFile)
      ->group(group);
  command
      .add_flag("--insecure", flags.insecure,
                "allow plaintext on a non-loopback address (loud warning; data and token travel "
                "in the clear)")
      ->group(group);
  command
      .add_option("--message-timeout", flags.message_timeout_seconds,
                  "seconds to wait for the peer's next message before ending the session")
      ->capture_default_str()
      ->check(CLI::Range(0.05, 7.0 * 24 * 3600))
      ->group(group);
  if (server) {
    command
        .add_option("--concurrent", flags.concurrent,
                    "client sessions served at the same time (each its own state; with more "
                    "than one, each session's final server_head.pt goes to --out/session-N, and "
                    "batch checkpoints to --out/checkpoints/RUN_ID, where a --resume'd client "
                    "finds its run's by the run id of its Hello)")
        ->capture_default_str()
        ->check(CLI::Range(1, 64))
        ->group(group);
    command
        .add_option("--max-connection-idle", flags.max_connection_idle_seconds,
                    "close a client connection that has carried no session for this many seconds")
        ->capture_default_str()
        ->check(CLI::Range(1.0, 7.0 * 24 * 3600))
        ->group(group);
    command
        .add_option("--max-connection-age", flags.max_connection_age_seconds,
                    "a connection older than this many seconds takes no new session (the one "
                    "running on it is not cut; 0: no limit)")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 365.0 * 24 * 3600))
        ->group(group);
  }
}

namespace {

std::chrono::milliseconds milliseconds(double seconds) {
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(seconds * 1000.0)));
}

}  // namespace

net::NetOptions network_options(const NetworkFlags& flags, const std::string& address,
                                net::Role role) {
  net::NetOptions options;
  const bool server = role == net::Role::kServer;
  // Server: a certificate turns TLS on. Client: a CA does (or a client certificate).
  if (server ? (flags.tls_cert || flags.tls_key) : (flags.tls_ca || flags.tls_cert)) {
    options.tls =
        net::TlsOptions{flags.tls_cert, flags.tls_key, flags.tls_ca, flags.tls_server_name};
  } else if (server && flags.tls_ca) {
    throw CLI::ValidationError("--tls-ca",
                               "mutual TLS needs the server's own --tls-cert/--tls-key");
  }
  if (flags.token_file) options.token = net::read_token_file(*flags.token_file);
  options.message_timeout = milliseconds(flags.message_timeout_seconds);
  options.max_concurrent_sessions = flags.concurrent;
  options.max_connection_idle = milliseconds(flags.max_connection_idle_seconds);
  options.max_connection_age = milliseconds(flags.max_connection_age_seconds);
  net::check_transport_security(address, role, options, flags.insecure, std::cerr);
  return options;
}

void apply_message_bounds(net::NetOptions& options, const split::MessageBounds& bounds,
                          net::Role role) {
  const bool server = role == net::Role::kServer;
  options.max_receive_bytes = server ? bounds.to_server : bounds.to_client;
  options.max_send_bytes = server ? bounds.to_client : bounds.to_server;
  options.message_limit_basis = bounds.basis;
}

net::NetOptions client_network_options(const NetworkFlags& flags, const std::string& address,
                                       const RunOptions& run, std::size_t classes) {
  net::NetOptions options = network_options(flags, address, net::Role::kClient);
  apply_message_bounds(options, client_message_bounds(run, classes), net::Role::kClient);
  options.busy_wait = client_busy_wait(run);
  return options;
}

std::size_t usable_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return 1;
  return static_cast<std::size_t>(std::max(CPU_COUNT(&set), 1));
}

std::chrono::microseconds client_busy_wait(const RunOptions& run) {
  if (!run.busy_poll || run.mode != "plain") return std::chrono::microseconds{0};
  const std::size_t cpus = usable_cpus();
  if (static_cast<std::size_t>(run.threads) + 1 > cpus) {
    // LibTorch's workers would share a CPU with a spinning thread and wait out its time slices:
    // measured 30 s per epoch instead of 1.9 s at --threads 2 on two CPUs.
    std::cerr << "hesplit: --busy-poll is off for this run: --threads " << run.threads
              << " leaves none of the " << cpus << " usable CPUs to the network I/O thread"
              << std::endl;
    return std::chrono::microseconds{0};
  }
  return net::kPlainBusyWait;
}

split::MessageBounds client_message_bounds(const RunOptions& run, std::size_t classes) {
  const std::size_t rows = std::max(run.train.batch_size, run.train.eval_chunk);
  return split::session_message_bounds(run.mode, run.he.preset, rows,
                                       static_cast<std::size_t>(nn::kSplitFeatures), classes);
}

}  // namespace hesplit::cli
