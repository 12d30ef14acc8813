#pragma once
// Two Transports joined by in-memory queues: a real session between a client and a server thread
// of one test, without gRPC (the attack layer does not depend on src/net).
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>

#include "split/transport.hpp"

namespace hesplit::test {

class MessageQueue {
 public:
  void push(split::Message m) {
    {
      const std::lock_guard lock(mutex_);
      queue_.push_back(std::move(m));
    }
    ready_.notify_one();
  }
  split::Message pop() {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return !queue_.empty(); });
    split::Message m = std::move(queue_.front());
    queue_.pop_front();
    return m;
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<split::Message> queue_;
};

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
