#pragma once
// The server end: listens on an address and runs a session handler (normally
// split::serve_session) for each client stream. Implements split::Transport per stream.
#include <exception>
#include <functional>
#include <memory>
#include <string>

#include "net/options.hpp"
#include "split/transport.hpp"

namespace hesplit::net {

using SessionHandler = std::function<void(split::Transport&)>;

// How a session ended: error is null on success.
struct SessionOutcome {
  std::string peer;
  std::exception_ptr error;
};

class SessionServer {
 public:
  // Binds `address` (host:port; port 0 picks a free one). Throws split::TransportError when the
  // address cannot be bound, e.g. because the port is in use.
  SessionServer(const std::string& address, SessionHandler handler, const NetOptions& options);
  ~SessionServer();
  SessionServer(const SessionServer&) = delete;
  SessionServer& operator=(const SessionServer&) = delete;

  int port() const;
  // Blocks until a session has ended and returns how (sessions are reported in order of ending).
  SessionOutcome wait_for_session();
  // Stops accepting sessions and cancels running ones.
  void shutdown();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hesplit::net
