// The batch worker (lib/batch_worker.h): every part runs exactly once and
// Run returns only after all, whether the worker takes some or none;
// concurrent callers are all served; an unused worker starts no thread.
#include "lib/batch_worker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace orderstore {
namespace {

using internal::BatchWorker;

TEST(BatchWorkerTest, RunsEveryPartOnceAndReturnsAfterAll) {
  BatchWorker worker;
  for (int round = 0; round < 500; ++round) {
    const size_t parts = 1 + round % 9;
    std::vector<std::atomic<int>> runs(parts);
    worker.Run(parts, [&](size_t i) {
      // Now and then slow, so that the caller waits for the worker's part
      // as well as finding it not begun.
      if (round % 7 == 0) std::this_thread::sleep_for(std::chrono::microseconds(50));
      runs[i].fetch_add(1);
    });
    for (size_t i = 0; i < parts; ++i) ASSERT_EQ(runs[i].load(), 1) << round;
  }
}

TEST(BatchWorkerTest, TheWorkerTakesPartsWhenTheCallerIsBusy) {
  BatchWorker worker;
  const std::thread::id caller = std::this_thread::get_id();
  std::atomic<int> on_worker{0};
  worker.Run(2, [&](size_t) {
    if (std::this_thread::get_id() == caller) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    } else {
      on_worker.fetch_add(1);
    }
  });
  EXPECT_EQ(on_worker.load(), 1);
}

TEST(BatchWorkerTest, ConcurrentCallersAreAllServed) {
  BatchWorker worker;
  std::atomic<int> total{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < 4; ++t) {
    callers.emplace_back([&] {
      for (int round = 0; round < 300; ++round) {
        std::atomic<int> ran{0};
        worker.Run(5, [&](size_t) { ran.fetch_add(1); });
        ASSERT_EQ(ran.load(), 5);
        total += ran.load();
      }
    });
  }
  for (std::thread& t : callers) t.join();
  EXPECT_EQ(total.load(), 4 * 300 * 5);
}

TEST(BatchWorkerTest, DestroyedUnusedOrIdle) {
  { BatchWorker unused; }
  BatchWorker used;
  std::atomic<int> n{0};
  used.Run(3, [&](size_t) { n.fetch_add(1); });
  EXPECT_EQ(n.load(), 3);
}

}  // namespace
}  // namespace orderstore
