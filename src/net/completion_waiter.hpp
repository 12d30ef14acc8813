#pragma once
// Internal to hesplit_net: waits for one tagged completion on a gRPC completion queue, keeping
// completions of other tags (e.g. a write finishing while a read is awaited) for their own wait.
// (Polling the queue with a zero deadline does not drive gRPC's I/O in this version, so busy
// polling here does not work; net/cpu_awake.hpp keeps a CPU awake instead.)
#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <set>

namespace hesplit::net::detail {

enum class Tag : std::intptr_t { kStart = 1, kRead, kWrite, kWritesDone, kFinish, kNewCall };

inline void* tag_of(Tag tag) { return reinterpret_cast<void*>(static_cast<std::intptr_t>(tag)); }

class CompletionWaiter {
 public:
  explicit CompletionWaiter(grpc::CompletionQueue& queue) : queue_(queue) {}

  // Blocks until `tag` completes and returns its ok flag (false when the queue shut down).
  // Completions of other tags that arrive meanwhile are remembered for their own wait.
  bool wait(Tag tag) {
    if (const auto it = ready_.find({tag, true}); it != ready_.end()) {
      ready_.erase(it);
      return true;
    }
    if (const auto it = ready_.find({tag, false}); it != ready_.end()) {
      ready_.erase(it);
      return false;
    }
    for (;;) {
      void* got = nullptr;
      bool ok = false;
      if (!queue_.Next(&got, &ok)) return false;  // queue shut down
      if (got == tag_of(tag)) return ok;
      ready_.insert({static_cast<Tag>(reinterpret_cast<std::intptr_t>(got)), ok});
    }
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
