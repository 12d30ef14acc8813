// The caller-owned worker pool: every index runs exactly once, exceptions reach the caller, and a
// pool is reusable.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "ckks/encoder.hpp"
#include "ckks/encryptor.hpp"
#include "ckks/evaluator.hpp"
#include "ckks/keygen.hpp"
#include "ckks/params.hpp"
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

// Many tiny jobs back to back (workers still spinning or just leaving the previous job), and jobs
// after the workers went to sleep: every index exactly once, every time.
TEST(WorkerPool, HandsOverTinyJobsAndWakesSleepingWorkers) {
  for (const std::size_t threads : {2u, 3u}) {
    WorkerPool pool(threads);
    std::vector<std::atomic<int>> hits(5);
    for (int round = 0; round < 20000; ++round) {
      const std::size_t count = 2 + static_cast<std::size_t>(round % 4);
      pool.parallel_for(count, [&](std::size_t i) { hits[i].fetch_add(1); });
      for (std::size_t i = 0; i < count; ++i) ASSERT_EQ(hits[i].exchange(0), 1) << round;
    }
    for (int round = 0; round < 3; ++round) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));  // past the spin: workers sleep
      std::atomic<int> ran{0};
      pool.parallel_for(16, [&](std::size_t) { ran.fetch_add(1); });
      EXPECT_EQ(ran.load(), 16);
    }
  }
}

// A loop started from inside a task (e.g. a ParallelFor handed down into a task) runs inline.
TEST(WorkerPool, NestedLoopsRunInline) {
  WorkerPool pool(2);
  std::vector<std::atomic<int>> hits(4 * 8);
  pool.parallel_for(4, [&](std::size_t i) {
    pool.parallel_for(8, [&](std::size_t j) { hits[i * 8 + j].fetch_add(1); });
  });
  for (const auto& h : hits) EXPECT_EQ(h.load(), 1);
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

// The evaluator's hoisted rotations through a pool (ckks::ParallelFor) equal the serial ones bit
// for bit.
TEST(WorkerPool, DrivesHoistedRotationsBitIdentically) {
  const auto context = ckks::CkksContext::create(ckks::preset("sealed-8192"));
  const ckks::KeyGenerator keygen(context);
  const std::vector<int> steps = {0, 1, 2, 3, 5};
  const ckks::GaloisKeys galois = keygen.create_galois_keys(steps, false);
  const ckks::CkksEncoder encoder(context);
  const ckks::Encryptor encryptor(context, keygen.secret_key());
  std::vector<double> values(context->slot_count());
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = 0.001 * static_cast<double>(i % 97);
  const ckks::Ciphertext c = encryptor.encrypt_symmetric(encoder.encode(values));
  const ckks::Evaluator evaluator(context);
  WorkerPool pool(2);
  const ckks::ParallelFor parallel = [&pool](std::size_t n,
                                             const std::function<void(std::size_t)>& body) {
    pool.parallel_for(n, body);
  };
  const auto serial = evaluator.rotate_hoisted(c, steps, galois);
  const auto threaded = evaluator.rotate_hoisted(c, steps, galois, parallel);
  ASSERT_EQ(serial.size(), threaded.size());
  for (std::size_t i = 0; i < serial.size(); ++i) {
    EXPECT_EQ(serial[i].components, threaded[i].components) << "step " << steps[i];
  }
}

TEST(WorkerPool, RejectsZeroThreads) { EXPECT_THROW(WorkerPool(0), std::invalid_argument); }

}  // namespace
}  // namespace hesplit::packing
