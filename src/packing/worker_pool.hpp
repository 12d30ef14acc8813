#pragma once
// A small fixed pool of worker threads owned by its creator (no global state). parallel_for runs
// body(i) for i < count on the workers and the calling thread, returns when every call is done,
// and rethrows the first exception. A pool of size 1 runs everything on the caller. One caller at
// a time; a parallel_for called from inside a body runs that loop inline on its thread.
//
// Hand-off without a system call on the hot path: after a job a worker spins for a short while
// (kSpin below) on the job counter before it sleeps on a condition variable. Waking a sleeping
// thread costs tens of microseconds on this VM, as much as half a level-0 key switch, which is
// what the split layer's forward hands over (pieces of 10-30 us, key_switch.hpp).

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "ckks/parallel.hpp"

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
  // This pool as the ckks library's callback (valid while the pool lives).
  ckks::ParallelFor as_parallel_for();

 private:
  void worker_loop();
  // Waits until a job newer than `seen` is published (or stop); returns its generation.
  std::uint64_t wait_for_job(std::uint64_t seen);
  // Claims and runs indices of the current job until none is left.
  void drain();

  // Even: a job is published (or none yet); odd: the caller is writing the next job.
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<std::size_t> next_{0};
  std::atomic<std::size_t> finished_{0};
  std::atomic<std::size_t> active_{0};    // workers inside drain() of some job
  std::atomic<std::size_t> sleepers_{0};  // workers blocked on wake_
  std::atomic<bool> stop_{false};
  // Written only while generation_ is odd and no worker is active.
  const std::function<void(std::size_t)>* body_ = nullptr;
  std::size_t count_ = 0;

  std::mutex sleep_mutex_;
  std::condition_variable wake_;
  std::mutex error_mutex_;
  std::exception_ptr error_;
  std::vector<std::thread> workers_;
};

}  // namespace hesplit::packing
