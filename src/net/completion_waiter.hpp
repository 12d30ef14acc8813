#pragma once
// Internal to hesplit_net: waits for one tagged completion on a gRPC completion queue, keeping
// completions of other tags (e.g. a write finishing while a read is awaited) for their own wait.
// (Polling the queue with a zero deadline does not drive gRPC's I/O in this version, so busy
// polling here does not work; split/io_thread_transport.hpp spins outside gRPC instead.)
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdint>
#include <set>

namespace hesplit::net::detail {

enum class Tag : std::intptr_t { kStart = 1, kRead, kWrite, kWritesDone, kFinish, kNewCall };

inline void* tag_of(Tag tag) { return reinterpret_cast<void*>(static_cast<std::intptr_t>(tag)); }

class CompletionWaiter {
 public:
  explicit CompletionWaiter(grpc::CompletionQueue& queue) : queue_(queue) {}

  enum class Result { kOk, kFailed, kTimedOut };

  // Blocks until `tag` completes and returns its ok flag (false when the queue shut down).
  // Completions of other tags that arrive meanwhile are remembered for their own wait.
  bool wait(Tag tag) { return wait_until(tag, gpr_inf_future(GPR_CLOCK_MONOTONIC)) == Result::kOk; }

  // As wait(), but gives up at `deadline` (the operation is then still pending: cancel the call
  // and wait() for it before touching the stream again).
  Result wait_until(Tag tag, gpr_timespec deadline) {
    if (const auto it = ready_.find({tag, true}); it != ready_.end()) {
      ready_.erase(it);
      return Result::kOk;
    }
    if (const auto it = ready_.find({tag, false}); it != ready_.end()) {
      ready_.erase(it);
      return Result::kFailed;
    }
    for (;;) {
      void* got = nullptr;
      bool ok = false;
      switch (queue_.AsyncNext(&got, &ok, deadline)) {
        case grpc::CompletionQueue::SHUTDOWN:
          return Result::kFailed;
        case grpc::CompletionQueue::TIMEOUT:
          return Result::kTimedOut;
        case grpc::CompletionQueue::GOT_EVENT:
          break;
      }
      if (got == tag_of(tag)) return ok ? Result::kOk : Result::kFailed;
      ready_.insert({static_cast<Tag>(reinterpret_cast<std::intptr_t>(got)), ok});
    }
  }

  static gpr_timespec after(std::chrono::milliseconds timeout) {
    return gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC),
                        gpr_time_from_millis(timeout.count(), GPR_TIMESPAN));
  }

  // Discards everything left on a queue that has been shut down.
  static void drain(grpc::CompletionQueue& queue) {
    void* got = nullptr;
    bool ok = false;
    while (queue.Next(&got, &ok)) {
    }
  }

 private:
  grpc::CompletionQueue& queue_;
  std::set<std::pair<Tag, bool>> ready_;
};

}  // namespace hesplit::net::detail
