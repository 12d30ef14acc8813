#pragma once
// The client end of a session: connects to a hesplit server over gRPC and opens the session's
// bidirectional stream. Implements split::Transport; gRPC types stay in the .cpp. With
// NetOptions::busy_wait, every gRPC call runs on an I/O thread (split::IoThreadTransport).
#include <cstddef>
#include <memory>
#include <string>

#include "net/options.hpp"
#include "split/io_thread_transport.hpp"
#include "split/transport.hpp"

namespace hesplit::net {

class ClientConnection final : public split::Transport {
 public:
  // Waits up to options.connect_timeout for the server; throws split::TransportError naming the
  // address if it does not answer.
  ClientConnection(const std::string& address, const NetOptions& options);
  ~ClientConnection() override;
  ClientConnection(const ClientConnection&) = delete;
  ClientConnection& operator=(const ClientConnection&) = delete;

  void send(const split::Message& message) override;
  split::Message receive() override;
  split::Traffic traffic() const override;
  // Tightens the receive limit (gRPC's, from NetOptions) for the rest of the session.
  void limit_received_bytes(std::size_t bytes, const std::string& basis) override;

  // Half-closes the stream and waits for the server's final status; throws if it reports an error.
  void close();

 private:
  split::Transport& active();
  const split::Transport& active() const;

  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::unique_ptr<split::IoThreadTransport> io_;  // destroyed (joined) before impl_
};

}  // namespace hesplit::net
