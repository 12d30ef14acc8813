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

// How a call ended: error is null on success. `refused`: the session never started, because the
// token was wrong or missing, or the handler failed before the server sent its first message (a
// Hello refused, a client gone before Hello). A server counts only the sessions that started, so
// that unauthenticated or malformed calls cannot use up `hesplit server --sessions N` (issue 20).
struct SessionOutcome {
  std::string peer;
  std::exception_ptr error;
  bool refused = false;
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
  // Blocks until a call has ended and returns how (calls are reported in order of ending), refused
  // ones included.
  SessionOutcome wait_for_session();
  // Stops accepting sessions and cancels running ones.
  void shutdown();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hesplit::net
