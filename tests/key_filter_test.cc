// The store-level filter of order hashes (lib/key_filter.h): never a false
// negative, whatever the writes do while it is built or rebuilt; not used
// where it could not see every write; and it does rule unknown hashes out.
#include "lib/key_filter.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "lib/key_filter_advice.h"
#include "lib/store_hooks.h"
#include "orderstore/generate.h"
#include "orderstore/store.h"
#include "tests/test_util.h"

namespace orderstore {
namespace {

using internal::KeyFilter;
using internal::LiveKeyFilter;
using std::chrono::seconds;

// ------------------------------------------------------------------ KeyFilter

TEST(KeyFilterTest, EveryAddedHashMayBeContained) {
  KeyFilter filter(10000);
  for (uint64_t i = 0; i < 10000; ++i) filter.Add(GenerateOrderHash(1, i));
  for (uint64_t i = 0; i < 10000; ++i) {
    ASSERT_TRUE(filter.MayContain(GenerateOrderHash(1, i))) << i;
  }
}

TEST(KeyFilterTest, FalsePositivesStayNearOnePercentAtCapacity) {
  constexpr uint64_t kCapacity = 100000;
  KeyFilter filter(kCapacity);
  EXPECT_EQ(filter.memory_bytes(),
            (kCapacity * KeyFilter::kBitsPerKeyAtCapacity + 511) / 512 * 64);
  auto false_positives = [&filter] {
    size_t n = 0;
    for (uint64_t i = 0; i < 100000; ++i) {
      n += filter.MayContain(GenerateOrderHash(2, i));
    }
    return n / 100000.0;
  };
  for (uint64_t i = 0; i < kCapacity / 2; ++i) filter.Add(GenerateOrderHash(1, i));
  const double at_half = false_positives();
  for (uint64_t i = kCapacity / 2; i < kCapacity; ++i) {
    filter.Add(GenerateOrderHash(1, i));
  }
  const double at_capacity = false_positives();
  EXPECT_LT(at_half, 0.002);
  EXPECT_LT(at_capacity, 0.015);
  // Distinct hashes are counted, a hash added again is not.
  EXPECT_GT(filter.keys(), kCapacity * 99 / 100);
  const size_t keys = filter.keys();
  for (uint64_t i = 0; i < 1000; ++i) filter.Add(GenerateOrderHash(1, i));
  EXPECT_EQ(filter.keys(), keys);
}

TEST(KeyFilterTest, HashesThatAreNotRandomSpreadToo) {
  // Sequential hashes, as a careless import might bring: the mixing keeps
  // them from crowding a few blocks.
  KeyFilter filter(50000);
  auto sequential = [](uint64_t i) {
    std::array<uint8_t, OrderHash::kSize> bytes{};
    for (int b = 0; b < 8; ++b) bytes[15 - b] = static_cast<uint8_t>(i >> (8 * b));
    return OrderHash(bytes);
  };
  for (uint64_t i = 0; i < 50000; ++i) filter.Add(sequential(i));
  size_t false_positives = 0;
  for (uint64_t i = 50000; i < 150000; ++i) {
    false_positives += filter.MayContain(sequential(i));
  }
  EXPECT_LT(false_positives, 1500u);
}

TEST(KeyFilterTest, ConcurrentAddsAreAllSeen) {
  KeyFilter filter(40000);
  std::vector<std::thread> threads;
  std::atomic<bool> missing{false};
  for (uint64_t t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (uint64_t i = t; i < 40000; i += 4) {
        filter.Add(GenerateOrderHash(1, i));
        if (!filter.MayContain(GenerateOrderHash(1, i))) missing = true;
        // Another thread's hash, perhaps in the same block.
        filter.MayContain(GenerateOrderHash(1, (i * 7) % 40000));
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_FALSE(missing);
  for (uint64_t i = 0; i < 40000; ++i) {
    ASSERT_TRUE(filter.MayContain(GenerateOrderHash(1, i))) << i;
  }
}

// --------------------------------------------------------------- in a store

// The hooks every store of these tests is opened with: they hold builds
// as they start while asked to, can make a build fail, call back in
// GetMany, and keep the store's filter for asking it directly.
class TestHooks final : public internal::StoreHooks {
 public:
  ~TestHooks() override { Release(); }

  void KeyFilterOpened(LiveKeyFilter* filter) override { filter_ = filter; }
  rocksdb::Status KeyFilterBuildStarting() override {
    std::function<rocksdb::Status()> on_build;
    {
      std::unique_lock<std::mutex> lock(mu_);
      ++started_;
      changed_.notify_all();
      changed_.wait(lock, [this] { return !held_; });
      on_build = on_build_;
    }
    return on_build ? on_build() : rocksdb::Status::OK();
  }
  void GetManyFiltered() override {
    if (on_get_many_) on_get_many_();
  }

  // The key filter of the store opened last (null: it has none).
  LiveKeyFilter* filter() const { return filter_; }

  // Holds every build that starts from now until Release.
  void Hold() {
    std::lock_guard<std::mutex> lock(mu_);
    held_ = true;
    started_ = 0;
  }
  // Waits until `n` builds have started since Hold (and are held).
  void WaitStarted(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    ASSERT_TRUE(changed_.wait_for(lock, seconds(60),
                                  [&] { return started_ >= n; }));
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    held_ = false;
    changed_.notify_all();
  }
  // What each build returns once it starts (empty: OK).
  void OnBuild(std::function<rocksdb::Status()> on_build) {
    std::lock_guard<std::mutex> lock(mu_);
    on_build_ = std::move(on_build);
  }
  // Called by GetMany between asking the filter and reading. Set it only
  // while no GetMany runs.
  void OnGetMany(std::function<void()> on_get_many) {
    on_get_many_ = std::move(on_get_many);
  }

 private:
  std::atomic<LiveKeyFilter*> filter_{nullptr};
  std::mutex mu_;
  std::condition_variable changed_;
  int started_ = 0;
  bool held_ = false;
  std::function<rocksdb::Status()> on_build_;
  std::function<void()> on_get_many_;
};

class KeyFilterStoreTest : public testing::TempDirTest {
 protected:
  LiveKeyFilter* Filter() const { return hooks_->filter(); }
  std::unique_ptr<Store> Open(Options options = Options()) {
    options.hooks = hooks_;
    Result<std::unique_ptr<Store>> store = Store::Open(options, Path("db"));
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(*store) : nullptr;
  }
  // Waits until the store's background work is done, and checks that it
  // built its filter at least `builds` times.
  static void WaitBuilt(const Store& store, size_t builds = 1) {
    ASSERT_OK(store.WaitForBackgroundWork(seconds(120)));
    EXPECT_EQ(Property(store, "ready"), "1");
    ASSERT_GE(Number(store, "builds"), builds);
  }
  // The key filter's property `name` (see Store::GetProperty); "none" when
  // the store has no such property.
  static std::string Property(const Store& store, const std::string& name) {
    std::string value;
    if (!store.GetProperty("orderstore.key-filter." + name, &value)) {
      return "none";
    }
    return value;
  }
  static uint64_t Number(const Store& store, const std::string& name) {
    return std::stoull(Property(store, name));
  }
  // Writes orders [begin, end) of seed 1, in batches of 32: a batch holds
  // the stripe lock of each order's stripe, and ThreadSanitizer's deadlock
  // detector stops at 64 locks held.
  void PutOrders(Store& store, uint64_t begin, uint64_t end) {
    for (uint64_t first = begin; first < end; first += 32) {
      WriteBatch batch;
      for (uint64_t i = first; i < std::min(end, first + 32); ++i) {
        ASSERT_TRUE(batch.Put(GenerateOrder(1, i)).ok());
      }
      ASSERT_TRUE(store.Write(write_, batch).ok());
    }
  }
  // Every hash in `present` is found, by Get and by GetMany; every one in
  // `absent` is NotFound.
  static void ExpectStored(const Store& store,
                           const std::vector<OrderHash>& present,
                           const std::vector<OrderHash>& absent) {
    for (const OrderHash& hash : present) {
      Result<PinnedOrder> got = store.Get(ReadOptions(), hash);
      ASSERT_TRUE(got.ok()) << hash.ToHex() << ": " << got.status().ToString();
      ASSERT_EQ(got->view().hash(), hash);
    }
    for (const OrderHash& hash : absent) {
      ASSERT_TRUE(store.Get(ReadOptions(), hash).status().IsNotFound())
          << hash.ToHex();
    }
    std::vector<OrderHash> all = present;
    all.insert(all.end(), absent.begin(), absent.end());
    std::vector<Result<PinnedOrder>> many = store.GetMany(ReadOptions(), all);
    ASSERT_EQ(many.size(), all.size());
    for (size_t i = 0; i < all.size(); ++i) {
      if (i < present.size()) {
        ASSERT_TRUE(many[i].ok()) << all[i].ToHex();
        ASSERT_EQ(many[i]->view().hash(), all[i]);
      } else {
        ASSERT_TRUE(many[i].status().IsNotFound()) << all[i].ToHex();
      }
    }
  }
  // How many of `n` hashes never stored the filter rules out.
  size_t RuledOut(uint64_t n) const {
    size_t out = 0;
    for (uint64_t i = 0; i < n; ++i) {
      out += !Filter()->MayContain(nullptr, GenerateOrderHash(99, i));
    }
    return out;
  }
  static std::vector<OrderHash> Hashes(uint64_t begin, uint64_t end) {
    std::vector<OrderHash> hashes;
    for (uint64_t i = begin; i < end; ++i) hashes.push_back(GenerateOrderHash(1, i));
    return hashes;
  }

  std::shared_ptr<TestHooks> hooks_ = std::make_shared<TestHooks>();
  WriteOptions write_ = [] {
    WriteOptions unsynced;
    unsynced.sync = false;
    return unsynced;
  }();
};

TEST_F(KeyFilterStoreTest, RulesOutUnknownHashesOnceBuilt) {
  {
    std::unique_ptr<Store> store = Open();
    PutOrders(*store, 0, 2000);
  }
  hooks_->Hold();
  std::unique_ptr<Store> store = Open();
  hooks_->WaitStarted(1);
  // Not consulted while it is built.
  EXPECT_FALSE(Property(*store, "ready") == "1");
  EXPECT_EQ(RuledOut(1000), 0u);
  hooks_->Release();
  WaitBuilt(*store);
  EXPECT_EQ(Number(*store, "scanned"), 2000u);
  EXPECT_GE(Number(*store, "keys"), 1990u);
  EXPECT_GT(Number(*store, "memory-bytes"), 0u);
  EXPECT_GT(RuledOut(1000), 990u);
  ExpectStored(*store, Hashes(0, 2000), {GenerateOrderHash(99, 0)});
}

// Once the filter answers, a write reads only the old records of orders it
// cannot rule out. Replaced orders must still lose their old index
// entries, new ones gain theirs, and deleting an absent order changes
// nothing, through Write and through Import.
TEST_F(KeyFilterStoreTest, WritesPlannedWithTheFilterKeepTheIndexesExact) {
  std::unique_ptr<Store> store = Open();
  PutOrders(*store, 0, 1500);
  WaitBuilt(*store);
  ASSERT_GT(RuledOut(1000), 990u);
  // Another status moves the order's (status, create_time) index entry.
  auto changed = [](uint64_t i) {
    Order order = GenerateOrder(1, i);
    order.status = order.status == OrderStatus::kRefund ? OrderStatus::kNew
                                                        : OrderStatus::kRefund;
    return order;
  };
  for (uint64_t first = 0; first < 500; first += 25) {
    WriteBatch batch;  // 25 replaced, 25 new, 5 absent and 5 stored deleted
    for (uint64_t i = first; i < first + 25; ++i) {
      ASSERT_TRUE(batch.Put(changed(i)).ok());
      ASSERT_TRUE(batch.Put(GenerateOrder(1, 1500 + i)).ok());
    }
    for (uint64_t i = first / 5; i < first / 5 + 5; ++i) {
      batch.Delete(GenerateOrderHash(99, i));
      batch.Delete(GenerateOrderHash(1, 500 + i));
    }
    ASSERT_TRUE(store->Write(write_, batch).ok());
  }
  WriteBatch imported;  // 500 replaced, 1,500 new
  for (uint64_t i = 600; i < 1100; ++i) {
    ASSERT_TRUE(imported.Put(changed(i)).ok());
  }
  for (uint64_t i = 2000; i < 3500; ++i) {
    ASSERT_TRUE(imported.Put(GenerateOrder(1, i)).ok());
  }
  ASSERT_TRUE(store->Import(imported).ok());

  std::vector<std::string> problems;
  Result<size_t> checked = store->CheckIndexes(
      [&](const Status& s) { problems.push_back(s.ToString()); });
  ASSERT_TRUE(checked.ok()) << checked.status().ToString();
  EXPECT_EQ(*checked, 3400u);  // 1,500 - 100 deleted + 500 + 1,500
  EXPECT_TRUE(problems.empty()) << problems.front();
  for (uint64_t i : {0, 499, 600, 1099}) {
    EXPECT_EQ(store->Get(ReadOptions(), GenerateOrderHash(1, i))
                  ->view().ToOwned(), changed(i)) << i;
  }
  ExpectStored(*store, Hashes(1500, 3500), Hashes(500, 600));
}

TEST_F(KeyFilterStoreTest, WritesDuringTheBuildAreNeverMissing) {
  {
    std::unique_ptr<Store> store = Open();
    PutOrders(*store, 0, 1000);
  }
  hooks_->Hold();
  std::unique_ptr<Store> store = Open();
  hooks_->WaitStarted(1);  // its snapshot holds orders 0..999 only
  // Every way an order gets in, while the build is held: Put, Write,
  // Import, a status update (a new version of an order of the snapshot),
  // and a delete then put again.
  ASSERT_TRUE(store->Put(write_, GenerateOrder(1, 1000)).ok());
  PutOrders(*store, 1001, 1100);
  WriteBatch imported;
  for (uint64_t i = 1100; i < 1200; ++i) {
    ASSERT_TRUE(imported.Put(GenerateOrder(1, i)).ok());
  }
  ASSERT_TRUE(store->Import(imported).ok());
  bool updated = false;
  for (uint64_t i = 10; i < 1000 && !updated; ++i) {
    Result<PinnedOrder> order = store->Get(ReadOptions(), GenerateOrderHash(1, i));
    ASSERT_TRUE(order.ok());
    const OrderStatus from = order->view().status();
    if (from != OrderStatus::kNew && from != OrderStatus::kPaid) continue;
    StatusUpdate update;
    update.order_status =
        from == OrderStatus::kNew ? OrderStatus::kCanceled : OrderStatus::kRefund;
    ASSERT_TRUE(store->UpdateStatus(write_, order->view(), update).ok());
    updated = true;
  }
  ASSERT_TRUE(updated) << "no order of the first 1000 can change status";
  ASSERT_TRUE(store->Delete(write_, GenerateOrderHash(1, 7)).ok());
  ASSERT_TRUE(store->Delete(write_, GenerateOrderHash(1, 1050)).ok());
  ASSERT_TRUE(store->Put(write_, GenerateOrder(1, 1050)).ok());
  ASSERT_TRUE(store->Delete(write_, GenerateOrderHash(1, 8)).ok());
  EXPECT_FALSE(Property(*store, "ready") == "1");
  hooks_->Release();
  WaitBuilt(*store);

  std::vector<OrderHash> present = Hashes(0, 1200);
  std::erase(present, GenerateOrderHash(1, 7));
  std::erase(present, GenerateOrderHash(1, 8));
  ExpectStored(*store, present,
               {GenerateOrderHash(1, 7), GenerateOrderHash(1, 8)});
  EXPECT_GT(RuledOut(1000), 990u);

  // Deleted orders put back after the build: found.
  ASSERT_TRUE(store->Put(write_, GenerateOrder(1, 7)).ok());
  WriteBatch back;
  ASSERT_TRUE(back.Put(GenerateOrder(1, 8)).ok());
  ASSERT_TRUE(store->Import(back).ok());
  ExpectStored(*store, Hashes(0, 1200), {});

  // And after reopening (a new build from the store as it is).
  store.reset();
  store = Open();
  WaitBuilt(*store);
  ExpectStored(*store, Hashes(0, 1200), {GenerateOrderHash(99, 1)});
}

TEST_F(KeyFilterStoreTest, NewStoreFindsWhatItWrites) {
  std::unique_ptr<Store> store = Open();
  WaitBuilt(*store);
  EXPECT_EQ(Number(*store, "scanned"), 0u);
  EXPECT_GT(RuledOut(100), 95u);
  PutOrders(*store, 0, 500);
  WriteBatch imported;
  for (uint64_t i = 500; i < 600; ++i) {
    ASSERT_TRUE(imported.Put(GenerateOrder(1, i)).ok());
  }
  ASSERT_TRUE(store->Import(imported).ok());
  ExpectStored(*store, Hashes(0, 600), {GenerateOrderHash(99, 0)});
}

TEST_F(KeyFilterStoreTest, GrowingFarPastItsSizeRebuildsIt) {
  std::unique_ptr<Store> store = Open();
  WaitBuilt(*store);
  const size_t first_capacity = Number(*store, "capacity");
  // Past the first filter's capacity (the smallest one made) by a quarter.
  const uint64_t n = first_capacity + first_capacity / 4;
  for (uint64_t begin = 0; begin < n; begin += 20000) {
    WriteBatch batch;
    for (uint64_t i = begin; i < std::min(n, begin + 20000); ++i) {
      ASSERT_TRUE(batch.Put(GenerateOrder(1, i)).ok());
    }
    ASSERT_TRUE(store->Import(batch).ok());
  }
  WaitBuilt(*store, 2);
  const uint64_t capacity = Number(*store, "capacity");
  EXPECT_GT(capacity, n) << "sized for the store as it grew";
  EXPECT_LE(Number(*store, "keys"), capacity);
  EXPECT_GT(RuledOut(10000), 9950u);
  ExpectStored(*store, Hashes(0, n), {GenerateOrderHash(99, 0)});
}

TEST_F(KeyFilterStoreTest, WritesDuringARebuildAreNeverMissing) {
  std::unique_ptr<Store> store = Open();
  PutOrders(*store, 0, 500);
  WaitBuilt(*store);
  hooks_->Hold();
  Filter()->RequestRebuild();
  hooks_->WaitStarted(1);
  PutOrders(*store, 500, 600);
  ASSERT_TRUE(store->Delete(write_, GenerateOrderHash(1, 3)).ok());
  // The old filter answers meanwhile.
  ExpectStored(*store, Hashes(4, 600), {GenerateOrderHash(1, 3)});
  hooks_->Release();
  WaitBuilt(*store, 2);
  ExpectStored(*store, Hashes(4, 600), {GenerateOrderHash(1, 3)});
  // The rebuild's snapshot was taken before those writes: they are in it
  // because they added themselves, not by its scan.
  EXPECT_EQ(Number(*store, "scanned"), 500u);
}

TEST_F(KeyFilterStoreTest, OldSnapshotsStillSeeOrdersDeletedBeforeARebuild) {
  std::unique_ptr<Store> store = Open();
  PutOrders(*store, 0, 100);
  WaitBuilt(*store);
  std::shared_ptr<const Snapshot> before = store->GetSnapshot();
  ASSERT_TRUE(store->Delete(write_, GenerateOrderHash(1, 42)).ok());
  Filter()->RequestRebuild();
  WaitBuilt(*store, 2);
  // The new filter never held order 42; a read of the old snapshot must
  // still find it.
  ReadOptions old;
  old.snapshot = before.get();
  Result<PinnedOrder> got = store->Get(old, GenerateOrderHash(1, 42));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  std::vector<OrderHash> both = {GenerateOrderHash(1, 42), GenerateOrderHash(1, 1)};
  std::vector<Result<PinnedOrder>> many = store->GetMany(old, both);
  EXPECT_TRUE(many[0].ok());
  EXPECT_TRUE(many[1].ok());
  EXPECT_TRUE(store->Get(ReadOptions(), GenerateOrderHash(1, 42)).status().IsNotFound());
}

TEST_F(KeyFilterStoreTest, AFailedBuildLeavesGetsRightAndIsTriedAgain) {
  {
    std::unique_ptr<Store> store = Open();
    PutOrders(*store, 0, 200);
  }
  std::atomic<int> builds{0};
  hooks_->OnBuild([&builds] {
    return builds++ == 0 ? rocksdb::Status::IOError("injected read error")
                         : rocksdb::Status::OK();
  });
  std::unique_ptr<Store> store = Open();
  ASSERT_NE(Property(*store, "error"), "none");
  // The first build fails: no filter answers, and the error says why.
  const auto deadline = std::chrono::steady_clock::now() + seconds(60);
  while (Property(*store, "error").empty() && builds.load() < 2 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const std::string ready = Property(*store, "ready");
  const std::string error = Property(*store, "error");
  if (builds.load() < 2) {  // (the retry comes a second later)
    EXPECT_EQ(ready, "0");
    EXPECT_NE(error.find("injected read error"), std::string::npos) << error;
  }
  ExpectStored(*store, Hashes(0, 200), Hashes(200, 300));
  std::vector<OrderHash> unknown;
  for (uint64_t i = 0; i < 50; ++i) unknown.push_back(GenerateOrderHash(99, i));
  ExpectStored(*store, {}, unknown);
  // The retry, a second later, succeeds.
  WaitBuilt(*store);
  EXPECT_EQ(builds.load(), 2);
  EXPECT_EQ(Property(*store, "error"), "");
  EXPECT_GT(RuledOut(1000), 900u);
  ExpectStored(*store, Hashes(0, 200), Hashes(200, 300));
}

// GetMany asks the filter first and RocksDB after; an order written in
// between must not be missing beside one written after it (no single state
// of the store shows that). Y was written and deleted, so its bits are set
// and it is asked; X has never been written, so it is ruled out. Between
// the two steps X is written, then Y again.
TEST_F(KeyFilterStoreTest, GetManyNeverMissesAnOrderWrittenBeforeOneItFinds) {
  std::unique_ptr<Store> store = Open();
  WaitBuilt(*store);
  const Order x = GenerateOrder(1, 0);
  const Order y = GenerateOrder(1, 1);
  ASSERT_TRUE(store->Put(write_, y).ok());
  ASSERT_TRUE(store->Delete(write_, y.hash).ok());
  ASSERT_TRUE(Filter()->MayContain(nullptr, y.hash));
  ASSERT_FALSE(Filter()->MayContain(nullptr, x.hash))
      << "pick another X: this one is a false positive of the filter";
  bool written = false;
  hooks_->OnGetMany([&] {
    if (written) return;
    written = true;
    ASSERT_TRUE(store->Put(write_, x).ok());
    ASSERT_TRUE(store->Put(write_, y).ok());
  });
  std::vector<Result<PinnedOrder>> got =
      store->GetMany(ReadOptions(), std::vector<OrderHash>{x.hash, y.hash});
  ASSERT_TRUE(written);
  ASSERT_EQ(got.size(), 2u);
  ASSERT_TRUE(got[1].ok()) << got[1].status().ToString();
  EXPECT_TRUE(got[0].ok()) << "X is missing beside Y, written after it: "
                           << got[0].status().ToString();
}

TEST_F(KeyFilterStoreTest, ReadOnlyAndSecondaryOpensDoNotUseIt) {
  std::unique_ptr<Store> writer = Open();
  PutOrders(*writer, 0, 300);
  ASSERT_NE(Property(*writer, "ready"), "none");
  Options secondary;
  secondary.read_only = true;
  secondary.secondary = true;
  std::unique_ptr<Store> live = Open(secondary);
  ASSERT_NE(live, nullptr);
  EXPECT_EQ(Property(*live, "ready"), "none");
  EXPECT_OK(live->WaitForBackgroundWork());
  ExpectStored(*live, Hashes(0, 300), {GenerateOrderHash(99, 0)});
  live.reset();
  writer.reset();

  Options read_only;
  read_only.read_only = true;
  std::unique_ptr<Store> reader = Open(read_only);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(Property(*reader, "ready"), "none");
  ExpectStored(*reader, Hashes(0, 300), {GenerateOrderHash(99, 0)});
}

TEST_F(KeyFilterStoreTest, TurnedOffThereIsNone) {
  Options off;
  off.key_filter = false;
  std::unique_ptr<Store> store = Open(off);
  EXPECT_EQ(Property(*store, "ready"), "none");
  EXPECT_OK(store->WaitForBackgroundWork());
  PutOrders(*store, 0, 100);
  ExpectStored(*store, Hashes(0, 100), {GenerateOrderHash(99, 0)});
}

// Gets that skip the filter (after a run of found orders) answer as the
// filter would have: the unknown hashes among them are NotFound, the
// stored orders found, in any mix.
TEST_F(KeyFilterStoreTest, GetsAnswerAlikeWhetherTheFilterIsAskedOrNot) {
  std::unique_ptr<Store> store = Open();
  PutOrders(*store, 0, 300);
  WaitBuilt(*store);
  std::thread reader([&] {
    for (int round = 0; round < 3; ++round) {
      ExpectStored(*store, Hashes(0, 300), {});  // stops asking
      ExpectStored(*store, {}, {GenerateOrderHash(99, round)});  // skipped
      ExpectStored(*store, Hashes(0, 10), Hashes(1000, 1100));   // asks again
    }
  });
  reader.join();
}

// ------------------------------------------------------------ KeyFilterAdvice

// Each thread starts asking; a found order stops it, kLimit found orders
// in a row outweigh any run of unknown hashes, and one unknown hash among
// fewer than kUnknownWeight found ones keeps it asking.
TEST(KeyFilterAdviceTest, AsksWhereUnknownHashesAreFrequentEnough) {
  using internal::KeyFilterAdvice;
  std::thread([] {
    EXPECT_TRUE(KeyFilterAdvice::ShouldAsk());
    KeyFilterAdvice::Found();
    EXPECT_FALSE(KeyFilterAdvice::ShouldAsk());
    for (int i = 0; i < 1000; ++i) KeyFilterAdvice::Unknown();
    EXPECT_TRUE(KeyFilterAdvice::ShouldAsk());
    for (int i = 0; i <= KeyFilterAdvice::kLimit; ++i) {
      EXPECT_TRUE(KeyFilterAdvice::ShouldAsk()) << i;
      KeyFilterAdvice::Found();
    }
    EXPECT_FALSE(KeyFilterAdvice::ShouldAsk());
    // One unknown hash in kUnknownWeight - 1 gets: asking pays.
    for (int round = 0; round < 100; ++round) {
      KeyFilterAdvice::Unknown();
      for (int i = 0; i < KeyFilterAdvice::kUnknownWeight - 2; ++i) {
        KeyFilterAdvice::Found();
      }
    }
    EXPECT_TRUE(KeyFilterAdvice::ShouldAsk());
    // One in 4 * kUnknownWeight: it does not.
    for (int round = 0; round < 100; ++round) {
      KeyFilterAdvice::Unknown();
      for (int i = 0; i < 4 * KeyFilterAdvice::kUnknownWeight; ++i) {
        KeyFilterAdvice::Found();
      }
    }
    EXPECT_FALSE(KeyFilterAdvice::ShouldAsk());
  }).join();
}

// Readers get orders the writers have published (written, then announced)
// while the filter is held in its build, then built, then rebuilt: every
// one is found, by Get and by GetMany.
TEST_F(KeyFilterStoreTest, ConcurrentGetsFindEveryOrderWrittenBeforeThem) {
  constexpr uint64_t kInitial = 500;
  constexpr uint64_t kPerWriter = 600;
  {
    std::unique_ptr<Store> store = Open();
    PutOrders(*store, 0, kInitial);
  }
  hooks_->Hold();
  std::unique_ptr<Store> store = Open();
  hooks_->WaitStarted(1);

  // published[w]: how many of writer w's orders are written.
  std::array<std::atomic<uint64_t>, 2> published{};
  std::atomic<bool> done{false};
  std::atomic<uint64_t> checked{0};
  std::atomic<bool> failed{false};
  std::vector<std::thread> threads;
  for (uint64_t w = 0; w < 2; ++w) {
    threads.emplace_back([&, w] {
      for (uint64_t i = 0; i < kPerWriter && !failed; ++i) {
        const uint64_t index = kInitial + w * kPerWriter + i;
        // Some imports (each one adds files to the store: a few).
        Status s = i % 100 == 0
                       ? [&] {
                           WriteBatch batch;
                           Status put = batch.Put(GenerateOrder(1, index));
                           return put.ok() ? store->Import(batch) : put;
                         }()
                       : store->Put(write_, GenerateOrder(1, index));
        if (!s.ok()) {
          ADD_FAILURE() << s.ToString();
          failed = true;
        }
        published[w].store(i + 1, std::memory_order_release);
      }
    });
  }
  for (uint64_t r = 0; r < 2; ++r) {
    threads.emplace_back([&, r] {
      uint64_t n = r;
      while (!done && !failed) {
        ++n;
        const uint64_t w = n % 2;
        const uint64_t count = published[w].load(std::memory_order_acquire);
        if (count == 0) continue;
        const uint64_t a = kInitial + w * kPerWriter + (n * 7919) % count;
        const uint64_t b = (n * 104729) % kInitial;
        Result<PinnedOrder> got = store->Get(ReadOptions(), GenerateOrderHash(1, a));
        std::vector<OrderHash> many = {GenerateOrderHash(1, a), GenerateOrderHash(99, n),
                                       GenerateOrderHash(1, b)};
        std::vector<Result<PinnedOrder>> gots = store->GetMany(ReadOptions(), many);
        if (!got.ok() || !gots[0].ok() || !gots[1].status().IsNotFound() ||
            !gots[2].ok()) {
          ADD_FAILURE() << "order " << a << " or " << b << " missing: "
                        << got.status().ToString();
          failed = true;
        }
        checked.fetch_add(1, std::memory_order_relaxed);
      }
    });
  }
  auto wait_published = [&](uint64_t each) {
    while (!failed && (published[0].load() < each || published[1].load() < each)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  };
  wait_published(kPerWriter / 3);
  hooks_->Release();  // the build runs while they go on
  WaitBuilt(*store);
  wait_published(2 * kPerWriter / 3);
  Filter()->RequestRebuild();
  WaitBuilt(*store, 2);
  wait_published(kPerWriter);
  done = true;
  for (std::thread& t : threads) t.join();
  EXPECT_FALSE(failed);
  EXPECT_GT(checked.load(), 100u);
  ExpectStored(*store, Hashes(0, kInitial + 2 * kPerWriter), {});
}

}  // namespace
}  // namespace orderstore
