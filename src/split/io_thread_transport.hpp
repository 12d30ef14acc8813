#pragma once
// Runs another transport's operations on a dedicated I/O thread, and waits for them by spinning.
//
// Why: plain split learning is latency-bound: four small messages per batch, each answered within
// tens of microseconds, against a few hundred microseconds of client compute per batch. Two costs
// dominate when threads simply block (measured in docs/training.md, "Speed"):
// - on a virtual machine, a CPU left idle halts, and waking a thread on it costs far more than the
//   message itself;
// - the client's LibTorch calls run 1.2-2x slower right after the same thread ran the gRPC and
//   kernel TCP path (cold instruction caches and branch predictors).
// Here the caller's thread never runs networking code: it hands each operation to the I/O thread
// and spins (up to `spin`) for the result; the I/O thread spins (up to `spin`) for the next
// operation. Both CPUs stay awake through the exchange, and wake-ups become memory writes.
// Past `spin`, both sleep in the kernel, so a long wait (an HE server computing) costs no CPU.
// The spinning needs a CPU of its own: beside threads that already fill every CPU it would take
// their time slices (the CLI enables it only when a CPU is left, cli/network_options.hpp).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

#include "split/transport.hpp"

namespace hesplit::split {

class IoThreadTransport final : public Transport {
 public:
  // `inner` must outlive this object; from now on only the I/O thread may touch it.
  IoThreadTransport(Transport& inner, std::chrono::microseconds spin);
  // Lets queued operations finish, then joins the I/O thread.
  ~IoThreadTransport() override;
  IoThreadTransport(const IoThreadTransport&) = delete;
  IoThreadTransport& operator=(const IoThreadTransport&) = delete;

  // Queues the message and returns at once; if sending fails, the next call throws the error.
  void send(const Message& message) override;
  Message receive() override;
  Traffic traffic() const override;
  void limit_received_bytes(std::size_t bytes, const std::string& basis) override;

  // Runs `operation` on the I/O thread after everything queued, waits, and rethrows what it
  // throws: for calls on the inner transport outside this interface (closing a connection).
  void run(std::function<void()> operation);

 private:
  // A counter one thread advances and another waits on: spin first, then sleep.
  class Signal {
   public:
    void advance();
    // Waits until the count reaches `target` (spinning up to `spin`) or `stop` is requested.
    void wait_for(std::uint64_t target, std::chrono::microseconds spin,
                  const std::stop_token* stop = nullptr);
    void wake_all();  // unconditionally, for a stop request

   private:
    std::atomic<std::uint64_t> count_{0};
    std::atomic<int> sleepers_{0};
    std::mutex mutex_;
    std::condition_variable woken_;
  };

  void post(std::function<void()> operation);
  void wait_for_queue() const;
  void rethrow_failure() const;
  void loop(const std::stop_token& stop);

  Transport& inner_;
  const std::chrono::microseconds spin_;
  mutable std::mutex mutex_;  // guards queue_ and failure_
  std::deque<std::function<void()>> queue_;
  std::exception_ptr failure_;   // the first failure; later operations are skipped
  std::uint64_t submitted_ = 0;  // operations posted (caller's thread only)
  Signal posted_;
  mutable Signal completed_;
  std::jthread thread_;  // last: started once everything above exists
};

}  // namespace hesplit::split
