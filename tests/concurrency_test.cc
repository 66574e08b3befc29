// 8 reader threads and 2 writer threads on one store. Writers keep
// overwriting a fixed set of orders with other versions (each a generated
// order under the key's hash, so fee = sum of item prices still holds).
// Every view a reader gets must be complete, verify, keep the order's
// invariants and be byte for byte one of the versions written; a reader
// holding a view while writers overwrite that key must still see its old
// bytes intact. One batch in 16 lands through Store::Import; afterwards
// the indexes must match the orders exactly.
//
// FollowerSeesEveryChangeOnceInOrder: 4 writer threads (puts, batches,
// deletes, imports; one of them synced) and a follower thread reading the
// change feed as they commit: the follower must see numbers 1, 2, 3...
// with no gap, no duplicate and no reordering, and each writer's
// acknowledged changes in the order it made them.
//
// Both are also built with ThreadSanitizer by scripts/sanitize.sh.
//
// ORDERSTORE_CONCURRENCY_SECONDS sets how long the threads run at least
// (default 3); they go on until the minimum work is done.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "lib/record.h"
#include "orderstore/generate.h"
#include "orderstore/store.h"
#include "tests/test_util.h"

namespace orderstore {
namespace {

constexpr uint64_t kKeys = 200;
constexpr uint64_t kVersions = 4;
constexpr uint64_t kMinViews = 1000;  // checked views a run must reach

// Version `v` of order `key`: the generated order of seed 100 + v, under
// the hash of GenerateOrder(1, key).
Order Version(uint64_t key, uint64_t v) {
  Order order = GenerateOrder(100 + v, key);
  order.hash = GenerateOrderHash(1, key);
  return order;
}

double Seconds() {
  const char* env = std::getenv("ORDERSTORE_CONCURRENCY_SECONDS");
  return env != nullptr && *env != '\0' ? std::atof(env) : 3.0;
}

class ConcurrencyTest : public testing::TempDirTest {};

TEST_F(ConcurrencyTest, ReadersSeeWholeVerifiedOrdersWhileWritersOverwrite) {
  // The records every version encodes to, to compare bytes against.
  std::vector<std::vector<std::string>> records(kKeys);
  std::vector<OrderHash> hashes;
  for (uint64_t k = 0; k < kKeys; ++k) {
    hashes.push_back(GenerateOrderHash(1, k));
    for (uint64_t v = 0; v < kVersions; ++v) {
      records[k].push_back(internal::EncodeRecord(Version(k, v)));
    }
  }
  Options options;
  options.row_cache_bytes = 1 << 20;  // small: both cache hits and misses
  Result<std::unique_ptr<Store>> opened = Store::Open(options, Path("db"));
  ASSERT_OK(opened);
  Store& store = **opened;
  WriteOptions fast;
  fast.sync = false;  // the machine does not crash here
  {
    WriteBatch batch;
    for (uint64_t k = 0; k < kKeys; ++k) ASSERT_OK(batch.Put(Version(k, 0)));
    ASSERT_OK(store.Write(fast, batch));
  }

  std::atomic<bool> stop{false};
  std::atomic<uint64_t> writes{0}, views{0}, held_checks{0};
  std::mutex failures_mu;
  std::vector<std::string> failures;
  auto fail = [&](std::string what) {
    std::lock_guard<std::mutex> lock(failures_mu);
    if (failures.size() < 10) failures.push_back(std::move(what));
  };

  // What a reader checks of every view of key k.
  auto check = [&](uint64_t k, OrderView view) {
    if (view.hash() != hashes[k]) return fail("view of another order");
    if (!VerifyRecord(view.record()).ok()) return fail("view does not verify");
    double sum = 0;
    size_t items = 0;
    for (OrderItemView item : view.items()) {
      sum += item.price();
      ++items;
      if (item.resource_id().empty()) fail("item without resource id");
    }
    if (items == 0 || items != view.items().size()) fail("items incomplete");
    if (std::fabs(view.fee() - sum) > 0.005)
      fail("fee is not the sum of prices");
    if (view.c_fee() < 0 || view.c_fee() > view.fee() + 1e-9)
      fail("c_fee out of range");
    bool known = false;
    for (const std::string& record : records[k])
      known |= view.record() == record;
    if (!known) fail("bytes are no version ever written");
    views.fetch_add(1, std::memory_order_relaxed);
  };

  std::vector<std::thread> threads;
  for (int w = 0; w < 2; ++w) {
    threads.emplace_back([&, w] {
      std::mt19937_64 random(1000 + w);
      while (!stop.load(std::memory_order_relaxed)) {
        if (const uint64_t kind = random() % 16; kind < 4) {
          // An atomic batch of several keys, now and then through Import.
          WriteBatch batch;
          for (int i = 0; i < 8; ++i) {
            if (!batch.Put(Version(random() % kKeys, random() % kVersions))
                     .ok()) {
              fail("batch put");
            }
          }
          if (kind == 0) {
            if (Status s = store.Import(batch); !s.ok()) fail(s.ToString());
          } else if (!store.Write(fast, batch).ok()) {
            fail("write");
          }
        } else if (!store
                        .Put(fast,
                             Version(random() % kKeys, random() % kVersions))
                        .ok()) {
          fail("put");
        }
        writes.fetch_add(1, std::memory_order_relaxed);
      }
    });
  }
  for (int r = 0; r < 8; ++r) {
    threads.emplace_back([&, r] {
      std::mt19937_64 random(r);
      while (!stop.load(std::memory_order_relaxed)) {
        const uint64_t k = random() % kKeys;
        switch (random() % 16) {
          case 0: {  // hold a view while the writers overwrite the key
            Result<PinnedOrder> got = store.Get(ReadOptions(), hashes[k]);
            if (!got.ok()) {
              fail(got.status().ToString());
              break;
            }
            const std::string before(got->view().record());
            const uint64_t until = writes.load() + 50;
            while (writes.load() < until && !stop.load()) {
              if (!store.Put(fast, Version(k, random() % kVersions)).ok())
                fail("put");
              std::this_thread::yield();
            }
            if (got->view().record() != before)
              fail("held view's bytes changed");
            check(k, got->view());
            held_checks.fetch_add(1, std::memory_order_relaxed);
            break;
          }
          case 1: {  // many at once, from one snapshot
            std::vector<OrderHash> some;
            std::vector<uint64_t> keys;
            for (int i = 0; i < 16; ++i) {
              keys.push_back(random() % kKeys);
              some.push_back(hashes[keys.back()]);
            }
            auto got = store.GetMany(ReadOptions(), some);
            for (size_t i = 0; i < got.size(); ++i) {
              if (!got[i].ok()) {
                fail(got[i].status().ToString());
              } else {
                check(keys[i], got[i]->view());
              }
            }
            break;
          }
          case 2: {  // a whole scan from a snapshot
            std::unique_ptr<Iterator> it = store.NewIterator(ReadOptions());
            uint64_t seen = 0;
            for (it->SeekToFirst(); it->Valid(); it->Next()) {
              Result<OrderView> view = it->view();
              if (!view.ok()) {
                fail(view.status().ToString());
                continue;
              }
              auto found =
                  std::find(hashes.begin(), hashes.end(), view->hash());
              if (found == hashes.end()) {
                fail("scan found an unknown order");
              } else {
                check(found - hashes.begin(), *view);
              }
              ++seen;
            }
            if (!it->status().ok() || seen != kKeys) fail("scan incomplete");
            break;
          }
          default: {
            Result<PinnedOrder> got = store.Get(ReadOptions(), hashes[k]);
            if (!got.ok()) {
              fail(got.status().ToString());
            } else {
              check(k, got->view());
            }
          }
        }
      }
    });
  }
  // At least Seconds(), then until the minimum work checked below is done:
  // a loaded machine (or TSan) slows the threads, not the verdict. The cap
  // only keeps a wedged run from hanging; ctest's timeout is longer.
  const auto started = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(Seconds()));
  while ((views.load() <= kMinViews || held_checks.load() == 0) &&
         std::chrono::steady_clock::now() - started < std::chrono::minutes(5)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  stop = true;
  for (std::thread& thread : threads) thread.join();

  for (const std::string& failure : failures) ADD_FAILURE() << failure;
  // Writes and imports racing on the same orders left no stale or missing
  // index entry.
  Result<size_t> checked = store.CheckIndexes(
      [](const Status& problem) { ADD_FAILURE() << problem.ToString(); });
  ASSERT_OK(checked);
  EXPECT_EQ(*checked, kKeys);
  std::printf(
      "concurrency_test: %llu writes, %llu views checked, %llu views "
      "held across >= 50 overwrites\n",
      static_cast<unsigned long long>(writes.load()),
      static_cast<unsigned long long>(views.load()),
      static_cast<unsigned long long>(held_checks.load()));
  EXPECT_GT(views.load(), kMinViews);
  EXPECT_GT(held_checks.load(), 0u);
}

TEST_F(ConcurrencyTest, FollowerSeesEveryChangeOnceInOrder) {
  Result<std::unique_ptr<Store>> opened = Store::Open(Options(), Path("db"));
  ASSERT_OK(opened);
  Store& store = **opened;
  constexpr int kWriters = 4;
  // Writer w writes orders GenerateOrder(50 + w, i): hashes of its own.
  struct Expected {
    OrderHash hash;
    ChangeOp op;
  };
  std::vector<std::vector<Expected>> expected(kWriters);
  std::map<OrderHash, int> writer_of;
  std::mutex writer_of_mu;
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> writes{0};
  std::mutex failures_mu;
  std::vector<std::string> failures;
  auto fail = [&](std::string what) {
    std::lock_guard<std::mutex> lock(failures_mu);
    if (failures.size() < 10) failures.push_back(std::move(what));
  };

  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      std::mt19937_64 random(77 + w);
      WriteOptions options;
      options.sync = w == 0;  // one synced writer: groups form behind it
      options.actor = "writer-" + std::to_string(w);
      uint64_t next = 0;
      std::vector<uint64_t> live;
      auto order = [&](uint64_t i) {
        Order o = GenerateOrder(50 + w, i);
        std::lock_guard<std::mutex> lock(writer_of_mu);
        writer_of[o.hash] = w;
        return o;
      };
      while (!stop.load(std::memory_order_relaxed)) {
        const uint64_t kind = random() % 16;
        if (kind < 4 || (w == 1 && kind == 4)) {
          // A batch, or from writer 1 now and then an import: numbered
          // in hash order, one change per order.
          WriteBatch batch;
          std::vector<OrderHash> hashes;
          for (int i = 0; i < 4; ++i) {
            Order o = order(next);
            live.push_back(next++);
            hashes.push_back(o.hash);
            if (!batch.Put(o).ok()) fail("batch put");
          }
          Status s = kind == 4 ? store.Import(batch) : store.Write(options, batch);
          if (!s.ok()) fail(s.ToString());
          std::sort(hashes.begin(), hashes.end());
          for (const OrderHash& h : hashes) expected[w].push_back({h, ChangeOp::kPut});
        } else if (kind < 6 && !live.empty()) {
          const size_t at = random() % live.size();
          const OrderHash hash = GenerateOrderHash(50 + w, live[at]);
          live.erase(live.begin() + at);
          if (!store.Delete(options, hash).ok()) fail("delete");
          expected[w].push_back({hash, ChangeOp::kDelete});
        } else {
          Order o = order(next);
          live.push_back(next++);
          if (!store.Put(options, o).ok()) fail("put");
          expected[w].push_back({o.hash, ChangeOp::kPut});
        }
        writes.fetch_add(1, std::memory_order_relaxed);
      }
    });
  }
  // The follower: every change once, numbered 1, 2, 3...
  std::vector<Expected> seen;
  uint64_t cursor = 0;
  auto follow = [&] {
    Result<std::unique_ptr<ChangeIterator>> it = store.ChangesAfter({}, cursor);
    if (!it.ok()) return fail(it.status().ToString());
    for (; (*it)->Valid(); (*it)->Next()) {
      Result<ChangeView> change = (*it)->change();
      if (!change.ok()) return fail(change.status().ToString());
      if (change->seq() != cursor + 1) {
        return fail("after change " + std::to_string(cursor) + " came " +
                    std::to_string(change->seq()));
      }
      cursor = change->seq();
      seen.push_back({change->hash(), change->op()});
    }
    if (!(*it)->status().ok()) fail((*it)->status().ToString());
  };
  std::thread follower([&] {
    while (!stop.load(std::memory_order_relaxed)) {
      store.WaitForChanges(cursor, std::chrono::milliseconds(50));
      follow();
    }
  });
  const auto started = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(Seconds() / 2));
  while (writes.load() < 200 &&
         std::chrono::steady_clock::now() - started < std::chrono::minutes(5)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  stop = true;
  for (std::thread& thread : threads) thread.join();
  follower.join();
  follow();  // what was committed after its last look

  for (const std::string& failure : failures) ADD_FAILURE() << failure;
  size_t total = 0;
  for (const auto& changes : expected) total += changes.size();
  EXPECT_EQ(seen.size(), total);
  EXPECT_EQ(store.ChangeFeed().latest, total);
  // Each writer's changes, in the order it made them.
  std::vector<std::vector<Expected>> by_writer(kWriters);
  for (const Expected& e : seen) by_writer[writer_of.at(e.hash)].push_back(e);
  for (int w = 0; w < kWriters; ++w) {
    ASSERT_EQ(by_writer[w].size(), expected[w].size()) << "writer " << w;
    for (size_t i = 0; i < expected[w].size(); ++i) {
      ASSERT_TRUE(by_writer[w][i].hash == expected[w][i].hash &&
                  by_writer[w][i].op == expected[w][i].op)
          << "writer " << w << ", change " << i;
    }
  }
  size_t problems = 0;
  ASSERT_OK(store.CheckChanges([&](const Status& s) {
    ADD_FAILURE() << s.ToString();
    ++problems;
  }));
  std::printf("concurrency_test: a follower saw %zu changes of %d writers, "
              "in order\n", seen.size(), kWriters);
}

}  // namespace
}  // namespace orderstore
