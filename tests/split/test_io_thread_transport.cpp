// IoThreadTransport: every operation of the inner transport runs on the I/O thread, in order;
// failures reach the caller with their type; waits longer than the spin still end.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "message_queue.hpp"
#include "split/io_thread_transport.hpp"

namespace hesplit::split {
namespace {

using namespace std::chrono_literals;

Message numbered(std::uint64_t batch) {
  return Message{MessageKind::kActivations, 1, batch, {}, {}, {}};
}

// Echoes what it is sent, records the threads that call it, and fails on request.
class EchoTransport final : public Transport {
 public:
  void send(const Message& message) override {
    note_thread();
    if (fail_send_at_ && message.batch == *fail_send_at_) throw PeerDisconnected("peer gone");
    ++traffic_.messages_sent;
    echoes_.push(message);
  }
  Message receive() override {
    note_thread();
    ++receives_;
    if (fail_receive_) throw TransportError("malformed reply");
    if (receive_delay_ > 0ms) std::this_thread::sleep_for(receive_delay_);
    ++traffic_.messages_received;
    return echoes_.pop();
  }
  Traffic traffic() const override { return traffic_; }
  void limit_received_bytes(std::size_t bytes, const std::string& basis) override {
    note_thread();
    limit_ = bytes;
    basis_ = basis;
  }

  std::set<std::thread::id> threads() const {
    const std::lock_guard lock(mutex_);
    return threads_;
  }

  std::optional<std::uint64_t> fail_send_at_;
  bool fail_receive_ = false;
  std::chrono::milliseconds receive_delay_{0};
  int receives_ = 0;
  std::size_t limit_ = 0;
  std::string basis_;

 private:
  void note_thread() {
    const std::lock_guard lock(mutex_);
    threads_.insert(std::this_thread::get_id());
  }
  mutable std::mutex mutex_;
  std::set<std::thread::id> threads_;
  test::MessageQueue echoes_;
  Traffic traffic_;
};

TEST(IoThreadTransport, RunsEveryOperationOnOneOtherThreadInOrder) {
  EchoTransport inner;
  {
    IoThreadTransport io(inner, 200us);
    for (std::uint64_t b = 0; b < 200; ++b) {
      io.send(numbered(b));
      // Counts include what is still queued: traffic() waits for the I/O thread.
      EXPECT_EQ(io.traffic().messages_sent, b + 1);
      if (b % 2 == 1) {  // two sends queued before each pair of receives
        EXPECT_EQ(io.receive().batch, b - 1);
        EXPECT_EQ(io.receive().batch, b);
      }
    }
    io.limit_received_bytes(1234, "a test bound");
    const Traffic traffic = io.traffic();
    EXPECT_EQ(traffic.messages_sent, 200u);
    EXPECT_EQ(traffic.messages_received, 200u);
  }
  EXPECT_EQ(inner.limit_, 1234u);
  EXPECT_EQ(inner.basis_, "a test bound");
  const std::set<std::thread::id> threads = inner.threads();
  ASSERT_EQ(threads.size(), 1u);
  EXPECT_NE(*threads.begin(), std::this_thread::get_id());
}

TEST(IoThreadTransport, ASendFailureIsThrownByTheNextCallWithItsType) {
  EchoTransport inner;
  inner.fail_send_at_ = 3;
  IoThreadTransport io(inner, 200us);
  for (std::uint64_t b = 0; b < 3; ++b) {
    io.send(numbered(b));
    EXPECT_EQ(io.receive().batch, b);
  }
  io.send(numbered(3));  // returns: the failure happens on the I/O thread
  EXPECT_THROW(io.receive(), PeerDisconnected);
  EXPECT_EQ(inner.receives_, 3);  // the receive queued after the failed send never ran
  // The session stays failed: later calls report the same error instead of touching the inner
  // transport again.
  try {
    io.send(numbered(4));
    FAIL() << "no error after a failed send";
  } catch (const PeerDisconnected& e) {
    EXPECT_STREQ(e.what(), "peer gone");
  }
}

TEST(IoThreadTransport, AReceiveFailureReachesTheCaller) {
  EchoTransport inner;
  inner.fail_receive_ = true;
  IoThreadTransport io(inner, 200us);
  io.send(numbered(0));
  try {
    io.receive();
    FAIL() << "no error";
  } catch (const PeerDisconnected&) {
    FAIL() << "wrong type";
  } catch (const TransportError& e) {
    EXPECT_STREQ(e.what(), "malformed reply");
  }
}

TEST(IoThreadTransport, WaitsLongerThanTheSpinSleepAndStillWake) {
  EchoTransport inner;
  inner.receive_delay_ = 30ms;  // the caller gives up spinning after 50 us and sleeps
  IoThreadTransport io(inner, 50us);
  for (std::uint64_t b = 0; b < 3; ++b) {
    std::this_thread::sleep_for(20ms);  // and the I/O thread sleeps between operations
    io.send(numbered(b));
    EXPECT_EQ(io.receive().batch, b);
  }
}

TEST(IoThreadTransport, RunRethrowsAndDestructionFinishesQueuedSends) {
  EchoTransport inner;
  {
    IoThreadTransport io(inner, 0us);
    EXPECT_THROW(io.run([] { throw std::runtime_error("closing failed"); }), std::runtime_error);
  }
  {
    IoThreadTransport io(inner, 0us);
    for (std::uint64_t b = 0; b < 10; ++b) io.send(numbered(b));
  }  // joined here, after the ten sends
  EXPECT_EQ(inner.traffic().messages_sent, 10u);
}

}  // namespace
}  // namespace hesplit::split
