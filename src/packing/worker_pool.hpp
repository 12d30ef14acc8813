#pragma once
// A small fixed pool of worker threads owned by its creator (no global state). parallel_for runs
// body(i) for i < count on the workers and the calling thread, returns when every call is done,
// and rethrows the first exception. A pool of size 1 runs everything on the caller.

#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace hesplit::packing {

class WorkerPool {
 public:
  // `threads` counts the calling thread too (>= 1).
  explicit WorkerPool(std::size_t threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  std::size_t size() const noexcept { return workers_.size() + 1; }
  void parallel_for(std::size_t count, const std::function<void(std::size_t)>& body);

 private:
  void worker_loop();
  // Claims and runs indices of the current job until none is left.
  void drain();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  std::vector<std::thread> workers_;
  const std::function<void(std::size_t)>* body_ = nullptr;
  std::size_t count_ = 0;
  std::size_t next_ = 0;
  std::size_t finished_ = 0;
  std::size_t generation_ = 0;
  bool stop_ = false;
  std::exception_ptr error_;
};

}  // namespace hesplit::packing
