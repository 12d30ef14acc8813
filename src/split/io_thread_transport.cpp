#include "split/io_thread_transport.hpp"

#include <optional>

namespace hesplit::split {

namespace {

void relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();  // eases the spin on the core's pipeline
#endif
}

}  // namespace

void IoThreadTransport::Signal::advance() {
  count_.fetch_add(1, std::memory_order_seq_cst);
  // With the sleeper's increment of sleepers_ and its re-check of count_ (all sequentially
  // consistent), either it sees the new count or we see it asleep. A spinning waiter costs no
  // system call.
  if (sleepers_.load(std::memory_order_seq_cst) > 0) wake_all();
}

void IoThreadTransport::Signal::wake_all() {
  { const std::lock_guard lock(mutex_); }
  woken_.notify_all();
}

void IoThreadTransport::Signal::wait_for(std::uint64_t target, std::chrono::microseconds spin,
                                         const std::stop_token* stop) {
  const auto reached = [&] {
    return count_.load(std::memory_order_seq_cst) >= target || (stop && stop->stop_requested());
  };
  const auto give_up = std::chrono::steady_clock::now() + spin;
  for (unsigned i = 0; !reached(); ++i) {
    // Reading the clock costs ~20 ns: check it every 64 pauses.
    if (i % 64 == 63 && std::chrono::steady_clock::now() >= give_up) {
      std::unique_lock lock(mutex_);
      sleepers_.fetch_add(1, std::memory_order_seq_cst);
      woken_.wait(lock, reached);
      sleepers_.fetch_sub(1, std::memory_order_relaxed);
      return;
    }
    relax();
  }
}

IoThreadTransport::IoThreadTransport(Transport& inner, std::chrono::microseconds spin)
    : inner_(inner), spin_(spin), thread_([this](const std::stop_token& stop) { loop(stop); }) {}

IoThreadTransport::~IoThreadTransport() {
  thread_.request_stop();
  posted_.wake_all();
  // std::jthread joins; the loop drains the queue first.
}

void IoThreadTransport::post(std::function<void()> operation) {
  {
    const std::lock_guard lock(mutex_);
    queue_.push_back(std::move(operation));
  }
  ++submitted_;
  posted_.advance();
}

void IoThreadTransport::wait_for_queue() const { completed_.wait_for(submitted_, spin_); }

void IoThreadTransport::rethrow_failure() const {
  const std::lock_guard lock(mutex_);
  if (failure_) std::rethrow_exception(failure_);
}

void IoThreadTransport::loop(const std::stop_token& stop) {
  std::uint64_t taken = 0;
  for (;;) {
    std::function<void()> operation;
    bool failed = false;
    {
      const std::lock_guard lock(mutex_);
      if (!queue_.empty()) {
        operation = std::move(queue_.front());
        queue_.pop_front();
      }
      failed = failure_ != nullptr;
    }
    if (!operation) {
      if (stop.stop_requested()) return;
      posted_.wait_for(taken + 1, spin_, &stop);
      continue;
    }
    ++taken;
    if (!failed) {
      try {
        operation();
      } catch (...) {
        const std::lock_guard lock(mutex_);
        failure_ = std::current_exception();
      }
    }
    completed_.advance();
  }
}

void IoThreadTransport::send(const Message& message) {
  rethrow_failure();
  post([this, message] { inner_.send(message); });
}

Message IoThreadTransport::receive() {
  std::optional<Message> reply;
  run([this, &reply] { reply = inner_.receive(); });
  return std::move(*reply);
}

Traffic IoThreadTransport::traffic() const {
  // The counters change only on the I/O thread: read them once it has nothing in hand.
  wait_for_queue();
  return inner_.traffic();
}

void IoThreadTransport::limit_received_bytes(std::size_t bytes, const std::string& basis) {
  run([this, bytes, &basis] { inner_.limit_received_bytes(bytes, basis); });
}

void IoThreadTransport::run(std::function<void()> operation) {
  rethrow_failure();
  post(std::move(operation));
  wait_for_queue();
  rethrow_failure();
}

}  // namespace hesplit::split
