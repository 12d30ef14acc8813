#pragma once
// A minimal task pool: runs body(state, i) for i in [0, count) on up to `threads` threads, each
// with its own state from make_state() (e.g. FFT scratch buffers). Tasks are handed out one at a
// time, so uneven task sizes balance themselves. The first exception stops further tasks and is
// rethrown on the calling thread once every worker has finished.
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace hesplit::ecg {

inline unsigned resolve_threads(int requested, std::size_t tasks) {
  const unsigned hardware = std::max(1u, std::thread::hardware_concurrency());
  const unsigned wanted = requested > 0 ? static_cast<unsigned>(requested) : hardware;
  return static_cast<unsigned>(std::max<std::size_t>(1, std::min<std::size_t>(wanted, tasks)));
}

template <typename MakeState, typename Body>
void parallel_for(std::size_t count, unsigned threads, MakeState make_state, Body body) {
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr first_error;
  std::mutex error_mutex;
  const auto worker = [&] {
    try {
      auto state = make_state();
      for (std::size_t i = next++; i < count && !failed; i = next++) body(state, i);
    } catch (...) {
      const std::lock_guard lock(error_mutex);
      if (!first_error) first_error = std::current_exception();
      failed = true;
    }
  };
  {
    std::vector<std::jthread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
    worker();  // the calling thread works too
  }            // jthreads join here
  if (first_error) std::rethrow_exception(first_error);
}

}  // namespace hesplit::ecg
