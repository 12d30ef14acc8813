#pragma once
// A blocking FIFO of protocol messages: the in-memory link between a client and a server thread in
// tests that run real protocol roles without gRPC.
#include <condition_variable>
#include <deque>
#include <mutex>

#include "split/message.hpp"

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

}  // namespace hesplit::test
