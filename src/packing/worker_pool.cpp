#include "packing/worker_pool.hpp"

#include <chrono>
#include <stdexcept>
#include <utility>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace hesplit::packing {
namespace {

// How long an idle worker keeps spinning before it sleeps: longer than the serial stretches
// between two parallel loops of one split-layer step (a level-0 decomposition, ~20 us), short
// enough not to burn a core between batches.
constexpr std::chrono::microseconds kSpin{200};
// The caller yields its core after this many polls while it waits for a worker's last piece
// (the worker may be waiting for that core on a loaded machine).
constexpr std::size_t kPollsBeforeYield = 4096;

// The pool whose task this thread is running, if any: a parallel_for from inside a task runs
// inline (the hand-off below serves one job at a time).
thread_local const WorkerPool* running_pool = nullptr;

void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#else
  std::this_thread::yield();
#endif
}

}  // namespace

WorkerPool::WorkerPool(std::size_t threads) {
  if (threads == 0) throw std::invalid_argument("worker pool: at least one thread is needed");
  workers_.reserve(threads - 1);
  for (std::size_t i = 1; i < threads; ++i) workers_.emplace_back([this] { worker_loop(); });
}

WorkerPool::~WorkerPool() {
  {
    const std::lock_guard lock(sleep_mutex_);
    stop_.store(true);
  }
  wake_.notify_all();
  for (std::thread& t : workers_) t.join();
}

ckks::ParallelFor WorkerPool::as_parallel_for() {
  return [this](std::size_t count, const std::function<void(std::size_t)>& body) {
    parallel_for(count, body);
  };
}

void WorkerPool::drain() {
  const std::size_t count = count_;
  const std::function<void(std::size_t)>& body = *body_;
  const WorkerPool* const outer = std::exchange(running_pool, this);
  const struct Restore {
    const WorkerPool* pool;
    ~Restore() { running_pool = pool; }
  } restore{outer};
  for (;;) {
    const std::size_t index = next_.fetch_add(1);
    if (index >= count) return;
    try {
      body(index);
    } catch (...) {
      const std::lock_guard lock(error_mutex_);
      if (!error_) error_ = std::current_exception();
    }
    finished_.fetch_add(1, std::memory_order_release);
  }
}

std::uint64_t WorkerPool::wait_for_job(std::uint64_t seen) {
  // Returns the even generation it saw (never an odd one: that job is still being written).
  std::uint64_t g = seen;
  const auto ready = [&] {
    g = generation_.load();
    return g != seen && g % 2 == 0;
  };
  const auto deadline = std::chrono::steady_clock::now() + kSpin;
  for (std::size_t polls = 0; !stop_.load(std::memory_order_relaxed); ++polls) {
    if (ready()) return g;
    cpu_relax();
    if (polls % 64 == 63 && std::chrono::steady_clock::now() > deadline) break;
  }
  std::unique_lock lock(sleep_mutex_);
  sleepers_.fetch_add(1);
  wake_.wait(lock, [&] { return stop_.load() || ready(); });
  sleepers_.fetch_sub(1);
  return g;
}

void WorkerPool::worker_loop() {
  std::uint64_t seen = 0;
  for (;;) {
    const std::uint64_t g = wait_for_job(seen);
    if (stop_.load()) return;
    active_.fetch_add(1);
    // The caller may have started writing a newer job between our load and the increment: it
    // waits for active_ == 0 before writing, so re-checking here makes the fields safe to read.
    if (generation_.load() != g) {
      active_.fetch_sub(1);
      continue;
    }
    drain();
    seen = g;
    active_.fetch_sub(1, std::memory_order_release);
  }
}

void WorkerPool::parallel_for(std::size_t count, const std::function<void(std::size_t)>& body) {
  if (count == 0) return;
  if (workers_.empty() || count == 1 || running_pool == this) {
    for (std::size_t i = 0; i < count; ++i) body(i);
    return;
  }
  const std::uint64_t g = generation_.load(std::memory_order_relaxed);  // even: only we write it
  generation_.store(g + 1);
  while (active_.load() != 0) cpu_relax();  // stragglers of the previous job
  body_ = &body;
  count_ = count;
  next_.store(0);
  finished_.store(0);
  error_ = nullptr;
  generation_.store(g + 2);
  if (sleepers_.load() != 0) {
    { const std::lock_guard lock(sleep_mutex_); }
    wake_.notify_all();
  }
  drain();
  for (std::size_t polls = 1; finished_.load(std::memory_order_acquire) != count; ++polls) {
    if (polls % kPollsBeforeYield == 0) {
      std::this_thread::yield();
    } else {
      cpu_relax();
    }
  }
  const std::lock_guard lock(error_mutex_);
  if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
}

}  // namespace hesplit::packing
