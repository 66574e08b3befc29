// Public behaviour of Store, on real RocksDB stores in temporary directories.
#include "orderstore/store.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/raw_store.h"
#include "tests/test_util.h"

namespace orderstore {
namespace {

using testing::ExampleOrder;
using testing::WriteRawValue;

// An order like the example with hash number `n`.
Order NumberedOrder(uint32_t n) {
  Order order = ExampleOrder();
  std::array<uint8_t, 16> bytes{};
  for (int i = 0; i < 4; ++i) bytes[i] = static_cast<uint8_t>(n >> (24 - 8 * i));
  bytes[15] = 0x5a;
  order.hash = OrderHash(bytes);
  order.fee = n + 0.25;
  return order;
}

class StoreTest : public testing::TempDirTest {
 protected:
  std::unique_ptr<Store> OpenOrDie(Options options = Options()) {
    Result<std::unique_ptr<Store>> store = Store::Open(options, Path("db"));
    EXPECT_OK(store);
    return store.ok() ? std::move(store).value() : nullptr;
  }
  WriteOptions fast_;  // sync off: these tests do not crash the machine
  void SetUp() override {
    TempDirTest::SetUp();
    fast_.sync = false;
  }
};

TEST_F(StoreTest, PutThenGetReturnsTheOrder) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  Order order = ExampleOrder();
  ASSERT_OK(store->Put(WriteOptions(), order));
  Result<PinnedOrder> got = store->Get(ReadOptions(), order.hash);
  ASSERT_OK(got);
  EXPECT_EQ(got->view().ToOwned(), order);
  EXPECT_EQ(got->view().fee(), 29.55);
  EXPECT_EQ(store->path(), Path("db"));
}

TEST_F(StoreTest, MissingOrderIsNotFoundNamingTheHash) {
  auto store = OpenOrDie();
  OrderHash hash = *OrderHash::Parse("ffffffffffffffffffffffffffffffff");
  Result<PinnedOrder> got = store->Get(ReadOptions(), hash);
  ASSERT_FALSE(got.ok());
  EXPECT_TRUE(got.status().IsNotFound());
  EXPECT_NE(got.status().message().find(hash.ToHex()), std::string::npos);
}

TEST_F(StoreTest, PutReplacesAndDeleteRemoves) {
  auto store = OpenOrDie();
  Order order = ExampleOrder();
  ASSERT_OK(store->Put(fast_, order));
  order.status = OrderStatus::kRefund;
  ASSERT_OK(store->Put(fast_, order));
  EXPECT_EQ(store->Get({}, order.hash)->view().status(), OrderStatus::kRefund);
  ASSERT_OK(store->Delete(fast_, order.hash));
  EXPECT_TRUE(store->Get({}, order.hash).status().IsNotFound());
  EXPECT_OK(store->Delete(fast_, order.hash));  // deleting again is fine
}

TEST_F(StoreTest, InvalidOrderIsRefusedAndWritesNothing) {
  auto store = OpenOrDie();
  Order order = ExampleOrder();
  order.items[1].price = -1;
  Status s = store->Put(fast_, order);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("items[1].price"), std::string::npos) << s.message();
  EXPECT_TRUE(store->Get({}, order.hash).status().IsNotFound());
}

TEST_F(StoreTest, TextMustBeValidUtf8) {
  auto store = OpenOrDie();
  Order order = ExampleOrder();
  order.items[1].region = "\xe5\x8d";  // a 3-byte sequence cut short
  Status s = store->Put(fast_, order);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("items[1].region: not valid UTF-8"),
            std::string::npos)
      << s.message();
  EXPECT_TRUE(store->Get({}, order.hash).status().IsNotFound());

  order.items[1].region = "\xe5\x8d\x8e\xe4\xb8\x9c";  // "华东"
  ASSERT_OK(store->Put(fast_, order));
  Result<PinnedOrder> got = store->Get({}, order.hash);
  ASSERT_OK(got.status());
  EXPECT_EQ(got->view().items()[1].region(), "\xe5\x8d\x8e\xe4\xb8\x9c");
}

TEST_F(StoreTest, BatchIsAllOrNothing) {
  auto store = OpenOrDie();
  WriteBatch batch;
  for (uint32_t n = 0; n < 100; ++n) ASSERT_OK(batch.Put(NumberedOrder(n)));
  Order bad = NumberedOrder(100);
  bad.fee = std::numeric_limits<double>::infinity();
  EXPECT_TRUE(batch.Put(bad).IsInvalidArgument());
  EXPECT_EQ(batch.size(), 100u);  // the refused put left the batch as it was
  batch.Delete(NumberedOrder(5).hash);
  ASSERT_OK(store->Write(fast_, batch));
  for (uint32_t n = 0; n < 100; ++n) {
    EXPECT_EQ(store->Get({}, NumberedOrder(n).hash).ok(), n != 5) << n;
  }
}

TEST_F(StoreTest, GetManyMatchesGet) {
  auto store = OpenOrDie();
  WriteBatch batch;
  for (uint32_t n = 0; n < 50; n += 2) ASSERT_OK(batch.Put(NumberedOrder(n)));
  ASSERT_OK(store->Write(fast_, batch));
  std::vector<OrderHash> hashes;
  for (uint32_t n = 0; n < 50; ++n) hashes.push_back(NumberedOrder(n).hash);
  std::vector<Result<PinnedOrder>> got = store->GetMany({}, hashes);
  ASSERT_EQ(got.size(), hashes.size());
  for (uint32_t n = 0; n < 50; ++n) {
    if (n % 2 == 0) {
      ASSERT_OK(got[n]);
      EXPECT_EQ(got[n]->view().hash(), hashes[n]);
      EXPECT_EQ(got[n]->view().fee(), n + 0.25);
    } else {
      EXPECT_TRUE(got[n].status().IsNotFound());
    }
  }
}

TEST_F(StoreTest, IteratesInKeyOrderFromASnapshot) {
  auto store = OpenOrDie();
  WriteBatch batch;
  for (uint32_t n : {7u, 3u, 900u, 1u, 65536u}) ASSERT_OK(batch.Put(NumberedOrder(n)));
  ASSERT_OK(store->Write(fast_, batch));
  std::unique_ptr<Iterator> it = store->NewIterator({});
  ASSERT_OK(store->Put(fast_, NumberedOrder(2)));  // after the snapshot
  std::vector<double> fees;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    Result<OrderView> view = it->view();
    ASSERT_OK(view);
    EXPECT_EQ(view->hash(), it->hash());
    fees.push_back(view->fee());
  }
  ASSERT_OK(it->status());
  EXPECT_EQ(fees, (std::vector<double>{1.25, 3.25, 7.25, 900.25, 65536.25}));

  it->Seek(NumberedOrder(8).hash);
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->view()->fee(), 900.25);
}

TEST_F(StoreTest, ReopenReturnsEverythingWritten) {
  {
    auto store = OpenOrDie();
    WriteBatch batch;
    for (uint32_t n = 0; n < 1000; ++n) ASSERT_OK(batch.Put(NumberedOrder(n)));
    ASSERT_OK(store->Write(WriteOptions(), batch));
  }
  auto store = OpenOrDie();
  size_t count = 0;
  std::unique_ptr<Iterator> it = store->NewIterator({});
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ASSERT_OK(it->view());
    ++count;
  }
  EXPECT_EQ(count, 1000u);
  EXPECT_EQ(store->Get({}, NumberedOrder(999).hash)->view().ToOwned(),
            NumberedOrder(999));
}

TEST_F(StoreTest, ViewKeepsOldBytesWhileTheOrderIsOverwritten) {
  auto store = OpenOrDie();
  Order order = ExampleOrder();
  ASSERT_OK(store->Put(fast_, order));
  Result<PinnedOrder> pinned = store->Get({}, order.hash);
  ASSERT_OK(pinned);
  Order changed = order;
  changed.fee = 1;
  changed.items.clear();
  ASSERT_OK(store->Put(fast_, changed));
  ASSERT_OK(store->Delete(fast_, order.hash));
  EXPECT_EQ(pinned->view().ToOwned(), order);

  PinnedOrder moved = std::move(pinned).value();  // moving keeps the pin
  EXPECT_EQ(moved.view().ToOwned(), order);
  moved.Reset();
  EXPECT_TRUE(moved.empty());
}

TEST_F(StoreTest, MissingStoreWithoutCreateIsNotFound) {
  Options options;
  options.create_if_missing = false;
  Result<std::unique_ptr<Store>> store = Store::Open(options, Path("none"));
  EXPECT_TRUE(store.status().IsNotFound());
  options.read_only = true;
  EXPECT_TRUE(Store::Open(options, Path("none")).status().IsNotFound());
}

TEST_F(StoreTest, SecondWriterInThisProcessIsRefusedClearly) {
  auto store = OpenOrDie();
  Result<std::unique_ptr<Store>> second = Store::Open(Options(), Path("db"));
  ASSERT_FALSE(second.ok());
  EXPECT_TRUE(second.status().IsIOError());
  EXPECT_NE(second.status().message().find(Path("db")), std::string::npos);
  EXPECT_NE(second.status().message().find("locked"), std::string::npos)
      << second.status().message();
}

TEST_F(StoreTest, StoreLockedByAnotherProcessIsAClearErrorAndReadableReadOnly) {
  { ASSERT_OK(OpenOrDie()->Put(WriteOptions(), ExampleOrder())); }
  int ready[2], done[2];
  ASSERT_EQ(pipe(ready), 0);
  ASSERT_EQ(pipe(done), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {  // holds the store open for writing until told to stop
    auto held = Store::Open(Options(), Path("db"));
    char c = held.ok() ? 'y' : 'n';
    (void)!write(ready[1], &c, 1);
    (void)!read(done[0], &c, 1);
    _exit(0);
  }
  char c = 0;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  ASSERT_EQ(c, 'y');

  Result<std::unique_ptr<Store>> writer = Store::Open(Options(), Path("db"));
  ASSERT_FALSE(writer.ok());
  EXPECT_TRUE(writer.status().IsIOError());
  EXPECT_NE(writer.status().message().find("locked by another process"),
            std::string::npos)
      << writer.status().message();

  Options read_only;
  read_only.read_only = true;
  Result<std::unique_ptr<Store>> reader = Store::Open(read_only, Path("db"));
  ASSERT_OK(reader);
  EXPECT_OK((*reader)->Get({}, ExampleOrder().hash));
  EXPECT_TRUE((*reader)->Put(fast_, ExampleOrder()).IsInvalidArgument());

  (void)!write(done[1], "x", 1);
  int status = 0;
  waitpid(child, &status, 0);
}

TEST_F(StoreTest, DamagedValueIsCorruptionNamingTheHashNotACrash) {
  Order good = NumberedOrder(1);
  Order victim = NumberedOrder(2);
  Order other = NumberedOrder(3);
  {
    auto store = OpenOrDie();
    ASSERT_OK(store->Put(fast_, good));
    ASSERT_OK(store->Put(fast_, victim));
  }
  WriteRawValue(Path("db"), victim.hash, "this is not an order record");
  // A valid record stored under another order's key is not handed out.
  {
    auto store = OpenOrDie();
    ASSERT_OK(store->Put(fast_, other));
  }
  Order misplaced = NumberedOrder(4);
  {
    auto store = OpenOrDie();
    Result<PinnedOrder> real = store->Get({}, other.hash);
    ASSERT_OK(real);
    std::string bytes(real->view().record());
    real->Reset();
    store.reset();
    WriteRawValue(Path("db"), misplaced.hash, bytes);
  }

  auto store = OpenOrDie();
  Result<PinnedOrder> got = store->Get({}, victim.hash);
  ASSERT_FALSE(got.ok());
  EXPECT_TRUE(got.status().IsCorruption());
  EXPECT_NE(got.status().message().find(victim.hash.ToHex()), std::string::npos);

  Result<PinnedOrder> wrong = store->Get({}, misplaced.hash);
  EXPECT_TRUE(wrong.status().IsCorruption()) << wrong.status().ToString();

  EXPECT_OK(store->Get({}, good.hash));  // the rest stays readable
  std::vector<OrderHash> hashes = {good.hash, victim.hash};
  auto many = store->GetMany({}, hashes);
  EXPECT_OK(many[0]);
  EXPECT_TRUE(many[1].status().IsCorruption());

  size_t ok = 0, corrupt = 0;
  std::unique_ptr<Iterator> it = store->NewIterator({});
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    (it->view().ok() ? ok : corrupt)++;
  }
  EXPECT_OK(it->status());
  EXPECT_EQ(ok, 2u);
  EXPECT_EQ(corrupt, 2u);
}

TEST_F(StoreTest, ReadOnlyGetsOfFlushedOrdersRepeat) {
  Order order = ExampleOrder();
  { ASSERT_OK(OpenOrDie()->Put(WriteOptions(), order)); }
  { OpenOrDie(); }  // reopening recovers the log into a table file
  Options read_only;
  read_only.read_only = true;
  auto store = Store::Open(read_only, Path("db"));
  ASSERT_OK(store);
  for (int i = 0; i < 3; ++i) {  // RocksDB's row cache failed the second get
    Result<PinnedOrder> got = (*store)->Get({}, order.hash);
    ASSERT_OK(got);
    EXPECT_EQ(got->view().ToOwned(), order);
  }
}

// A killed `orderstore import` leaves its table files in <store>/import.tmp;
// the next read-write open removes them, while read-only and secondary
// opens (which must not change the store's directory) leave them.
TEST_F(StoreTest, ReadWriteOpenRemovesAKilledImportsFiles) {
  Order order = ExampleOrder();
  { ASSERT_OK(OpenOrDie()->Put(WriteOptions(), order)); }
  const std::filesystem::path leftover =
      std::filesystem::path(Path("db")) / "import.tmp";
  std::filesystem::create_directory(leftover);
  { std::ofstream(leftover / "orders.sst") << "half a table file"; }

  Options read_only;
  read_only.read_only = true;
  { ASSERT_NE(OpenOrDie(read_only), nullptr); }
  EXPECT_TRUE(std::filesystem::exists(leftover / "orders.sst"));
  Options secondary = read_only;
  secondary.secondary = true;
  { ASSERT_NE(OpenOrDie(secondary), nullptr); }
  EXPECT_TRUE(std::filesystem::exists(leftover / "orders.sst"));

  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  EXPECT_FALSE(std::filesystem::exists(leftover));
  // The store itself is untouched, and imports still work.
  EXPECT_EQ(store->Get({}, order.hash)->view().ToOwned(), order);
  WriteBatch batch;
  ASSERT_OK(batch.Put(NumberedOrder(7)));
  ASSERT_OK(store->Import(batch));
  EXPECT_EQ(store->Get({}, NumberedOrder(7).hash)->view().ToOwned(),
            NumberedOrder(7));
}

// Gets of unknown hashes need the orders' bloom filter; the indexes are
// only sought and scanned, so a filter there would be built and stored for
// nothing.
TEST_F(StoreTest, OnlyTheOrdersTableFilesCarryABloomFilter) {
  {
    auto store = OpenOrDie();
    ASSERT_NE(store, nullptr);
    // Import writes table files with each column family's own options, as
    // RocksDB's flushes and compactions do.
    WriteBatch batch;
    for (uint32_t n = 0; n < 100; ++n) ASSERT_OK(batch.Put(NumberedOrder(n)));
    ASSERT_OK(store->Import(batch));
  }
  EXPECT_GT(testing::FilterBytes(Path("db"), "orders"), 0u);
  for (const char* index : {"idx_created", "idx_status_created", "idx_resource"}) {
    EXPECT_EQ(testing::FilterBytes(Path("db"), index), 0u) << index;
  }
}

TEST_F(StoreTest, ManyThreadsReadAndWriteAtOnce) {
  auto store = OpenOrDie();
  WriteBatch batch;
  for (uint32_t n = 0; n < 200; ++n) ASSERT_OK(batch.Put(NumberedOrder(n)));
  ASSERT_OK(store->Write(fast_, batch));
  std::atomic<bool> failed{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (uint32_t i = 0; i < 2000; ++i) {
        uint32_t n = (i * 7 + t) % 200;
        if (t == 0 && i % 4 == 0) {
          if (!store->Put(fast_, NumberedOrder(n)).ok()) failed = true;
          continue;
        }
        Result<PinnedOrder> got = store->Get({}, NumberedOrder(n).hash);
        if (!got.ok() || got->view().ToOwned() != NumberedOrder(n)) failed = true;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_FALSE(failed);
}

}  // namespace
}  // namespace orderstore
