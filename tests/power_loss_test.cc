// Power loss, simulated: two writers make synced puts, batches, status
// updates and imports (tests/fault_writer.h) in a store opened on a FaultFs
// (tests/fault_fs.h), logging each acknowledgement in memory. At a random
// moment (while the store opens and recovers, or while it writes) the power
// is cut: from then on nothing the store does reaches the disk for good,
// nor is any write it returns taken as acknowledged; the store is
// destroyed, and everything a real power loss could take is taken from the
// disk (unsynced bytes, unsynced directory entries). The store is then
// reopened (on a FaultFs that injects nothing) and must hold every
// acknowledged order byte for byte, each write in flight whole or not at
// all, nothing unreadable, no order nobody wrote, and consistent indexes
// (tests/acked_orders.h).
//
// A SIGKILL (crash_test) cannot show a missing fsync: the kernel keeps what
// the process wrote. This test can: each fsync the store (or RocksDB for
// it) leaves out is a write lost.
//
// ORDERSTORE_POWER_CUTS sets the number of cuts (default 200; the long
// form in docs/reliability.md uses 10000), ORDERSTORE_FAULT_SEED the seed
// (default: random, printed).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "orderstore/store.h"
#include "tests/acked_orders.h"
#include "tests/fault_fs.h"
#include "tests/fault_writer.h"
#include "tests/test_util.h"

namespace orderstore {
namespace {

using Clock = std::chrono::steady_clock;
using testing::AckedOrders;
using testing::FaultFs;
using testing::FaultWriter;

uint64_t EnvNumber(const char* name, uint64_t fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::strtoull(value, nullptr, 10)
                                            : fallback;
}

class PowerLossTest : public testing::TempDirTest {};

TEST_F(PowerLossTest, CutsLoseNothingAcknowledged) {
  const uint64_t cuts_wanted = EnvNumber("ORDERSTORE_POWER_CUTS", 200);
  const uint64_t seed =
      EnvNumber("ORDERSTORE_FAULT_SEED", std::random_device{}());
  std::printf("power_loss_test: seed %llu (ORDERSTORE_FAULT_SEED)\n",
              static_cast<unsigned long long>(seed));
  // A fresh store every so many cuts keeps the checks (a scan and a Get of
  // every order after each cut) short.
  constexpr uint64_t kCutsPerStore = 10;
  constexpr int kWriters = 2;

  std::mt19937_64 random(seed);
  AckedOrders acked;
  std::vector<FaultWriter> writers;
  for (int w = 0; w < kWriters; ++w) writers.emplace_back(w, seed, &acked);
  std::shared_ptr<FaultFs> fs;  // this cut's
  for (FaultWriter& writer : writers) {
    writer.AcknowledgeOnlyIf([&fs] { return fs->PowerIsOn(); });
  }
  const std::string db = Path("db"), trash = Path("trash");
  uint64_t cuts = 0, cuts_before_writes = 0, acks_total = 0;
  const auto started = Clock::now();

  // The counts so far: every 1000 cuts of a long run, and at the end.
  auto report = [&] {
    std::printf(
        "power_loss_test: %llu power cuts (%llu before the first acknowledged "
        "write of their run), %llu writes acknowledged, %zu acknowledged "
        "orders checked after the cuts, writes in flight at a cut: %zu "
        "landed, %zu lost; %.1f s\n",
        static_cast<unsigned long long>(cuts),
        static_cast<unsigned long long>(cuts_before_writes),
        static_cast<unsigned long long>(acks_total), acked.orders_checked(),
        acked.in_flight_landed(), acked.in_flight_lost(),
        std::chrono::duration<double>(Clock::now() - started).count());
    std::fflush(stdout);
  };

  for (uint64_t cut = 0; cut < cuts_wanted; ++cut) {
    if (cut % kCutsPerStore == 0) {
      std::filesystem::remove_all(db);
      acked.Clear();
      for (FaultWriter& writer : writers) writer.Reload();
    }
    fs = std::make_shared<FaultFs>(trash);
    std::atomic<uint64_t> acks{0};
    std::mutex mu;
    std::string unexpected;  // errors
    std::unique_ptr<Store> store;
    std::thread round([&] {
      Result<std::unique_ptr<Store>> opened =
          testing::OpenOn(fs, Options(), db);
      if (!opened.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        unexpected += "open: " + opened.status().ToString() + "\n";
        return;
      }
      store = std::move(opened).value();
      std::vector<std::thread> threads;
      for (FaultWriter& writer : writers) {
        threads.emplace_back([&] {
          while (fs->PowerIsOn()) {
            Status s = writer.Step(*store);
            if (!s.ok()) {
              std::lock_guard<std::mutex> lock(mu);
              unexpected += std::string(writer.last_kind()) + ": " +
                            s.ToString() + "\n";
              return;
            }
            if (fs->PowerIsOn()) ++acks;
          }
        });
      }
      for (std::thread& thread : threads) thread.join();
    });

    if (random() % 5 == 0) {
      // Anywhere from the start: while RocksDB opens and recovers, too.
      std::this_thread::sleep_for(std::chrono::milliseconds(random() % 40));
    } else {
      // Once the writers are under way, at a random moment.
      const auto deadline = Clock::now() + std::chrono::seconds(60);
      while (acks == 0 && Clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      }
      std::this_thread::sleep_for(std::chrono::microseconds(random() % 25000));
    }
    fs->CutPower();
    round.join();
    store.reset();
    ASSERT_EQ(fs->LoseUnsynced(), "") << "cut " << cut;
    ++cuts;
    cuts_before_writes += acks == 0;
    acks_total += acks;
    ASSERT_EQ(unexpected, "") << "cut " << cut << ", seed " << seed;

    // On a FaultFs that fails nothing and is never cut: the same store as
    // the default file system gives, without its real fsyncs (slow on a
    // disk, and nothing here needs them).
    Result<std::unique_ptr<Store>> reopened =
        testing::OpenOn(std::make_shared<FaultFs>(trash), Options(), db);
    ASSERT_OK(reopened);
    const std::string problems = acked.Check(**reopened);
    ASSERT_EQ(problems, "") << "cut " << cut << ", seed " << seed;
    reopened->reset();
    for (FaultWriter& writer : writers) writer.Reload();
    if (cuts % 1000 == 0 && cuts < cuts_wanted) report();
  }
  report();
  EXPECT_EQ(cuts, cuts_wanted);
}

}  // namespace
}  // namespace orderstore
