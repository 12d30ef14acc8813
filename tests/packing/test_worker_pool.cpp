// The caller-owned worker pool: every index runs exactly once, exceptions reach the caller, and a
// pool is reusable.
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <vector>

#include "packing/worker_pool.hpp"

namespace hesplit::packing {
namespace {

TEST(WorkerPool, RunsEveryIndexOnceAndIsReusable) {
  for (const std::size_t threads : {1u, 2u, 4u}) {
    WorkerPool pool(threads);
    EXPECT_EQ(pool.size(), threads);
    for (int round = 0; round < 50; ++round) {
      std::vector<std::atomic<int>> hits(37);
      pool.parallel_for(hits.size(), [&](std::size_t i) { hits[i].fetch_add(1); });
      for (const auto& h : hits) ASSERT_EQ(h.load(), 1);
    }
    pool.parallel_for(0, [](std::size_t) { FAIL() << "no index expected"; });
  }
}

TEST(WorkerPool, RethrowsTheFirstExceptionAfterAllTasksEnd) {
  WorkerPool pool(2);
  std::atomic<int> ran{0};
  EXPECT_THROW(pool.parallel_for(8,
                                 [&](std::size_t i) {
                                   ran.fetch_add(1);
                                   if (i == 3) throw std::runtime_error("task 3");
                                 }),
               std::runtime_error);
  EXPECT_EQ(ran.load(), 8);
  std::atomic<int> after{0};
  pool.parallel_for(4, [&](std::size_t) { after.fetch_add(1); });
  EXPECT_EQ(after.load(), 4);
}

TEST(WorkerPool, RejectsZeroThreads) { EXPECT_THROW(WorkerPool(0), std::invalid_argument); }

}  // namespace
}  // namespace hesplit::packing
