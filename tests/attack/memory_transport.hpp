#pragma once
// Two Transports joined by in-memory queues: a real session between a client and a server thread
// of one test, without gRPC (the attack layer does not depend on src/net).
#include <memory>

#include "message_queue.hpp"
#include "split/transport.hpp"

namespace hesplit::test {

class MemoryTransport final : public split::Transport {
 public:
  MemoryTransport(MessageQueue& out, MessageQueue& in) : out_(out), in_(in) {}
  void send(const split::Message& m) override {
    ++traffic_.messages_sent;
    out_.push(m);
  }
  split::Message receive() override {
    ++traffic_.messages_received;
    return in_.pop();
  }
  split::Traffic traffic() const override { return traffic_; }

 private:
  MessageQueue& out_;
  MessageQueue& in_;
  split::Traffic traffic_;
};

struct MemoryLink {
  MessageQueue to_server, to_client;
  MemoryTransport client{to_server, to_client};
  MemoryTransport server{to_client, to_server};
};

}  // namespace hesplit::test
