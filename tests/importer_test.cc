// Importer: imports written in parts of a bounded size, landed all at once.
#include "orderstore/importer.h"

#include <gtest/gtest.h>
#include <rocksdb/status.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "lib/store_hooks.h"
#include "orderstore/generate.h"
#include "orderstore/store.h"
#include "test_util.h"

namespace orderstore {
namespace {

using testing::TempDirTest;

constexpr uint64_t kSeed = 20;

// Small parts, so that a few thousand orders make many of them.
ImportOptions SmallParts() {
  ImportOptions options;
  options.part_bytes = 64 << 10;
  return options;
}

// Fails the import after part `fail_after` is written.
class FailingPart final : public internal::StoreHooks {
 public:
  explicit FailingPart(size_t fail_after) : fail_after_(fail_after) {}
  rocksdb::Status ImportPartWritten(size_t part) override {
    ++written_;
    return part == fail_after_ ? rocksdb::Status::IOError("disk full (test)")
                               : rocksdb::Status::OK();
  }
  size_t written() const { return written_; }

 private:
  const size_t fail_after_;
  std::atomic<size_t> written_{0};
};

class ImporterTest : public TempDirTest {
 protected:
  std::unique_ptr<Store> Open(std::shared_ptr<internal::StoreHooks> hooks = {}) {
    Options options;
    options.hooks = std::move(hooks);
    Result<std::unique_ptr<Store>> store = Store::Open(options, Path("db"));
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  static size_t CountOrders(const Store& store) {
    size_t n = 0;
    std::unique_ptr<Iterator> it = store.NewIterator({});
    for (it->SeekToFirst(); it->Valid(); it->Next()) ++n;
    return n;
  }

  static size_t IndexProblems(const Store& store) {
    size_t problems = 0;
    Result<size_t> checked =
        store.CheckIndexes([&](const Status&) { ++problems; });
    EXPECT_TRUE(checked.ok()) << checked.status().ToString();
    return problems;
  }

  // How many orders a resource query finds for `resource_id`.
  static size_t ByResource(const Store& store, const std::string& resource_id) {
    ResourceQuery query;
    query.resource_id = resource_id;
    auto it = store.QueryResource({}, query);
    EXPECT_TRUE(it.ok());
    size_t n = 0;
    for (; (*it)->Valid(); (*it)->Next()) ++n;
    return n;
  }
};

TEST_F(ImporterTest, ManyPartsLandTogetherInBoundedMemory) {
  auto store = Open();
  ASSERT_OK(store->Put(WriteOptions(), GenerateOrder(kSeed, 0)));  // replaced
  constexpr uint64_t kOrders = 3000;
  const ImportOptions options = SmallParts();
  size_t largest = 0;
  {
    Importer importer(*store, options);
    for (uint64_t i = 0; i < kOrders; ++i) {
      Order order = GenerateOrder(kSeed, i);
      if (i == 0) order.fee += 1;
      largest = std::max(largest, order.items.size());
      ASSERT_OK(importer.Put(order));
    }
    // Nothing is visible before Finish.
    EXPECT_EQ(CountOrders(*store), 1u);
    ASSERT_OK(importer.Finish());
    EXPECT_GT(importer.parts(), 5u);
    // Two parts at most are held: the one written, the one filled (each
    // ends with the record that took it past the limit).
    EXPECT_LE(importer.peak_record_bytes(), 2 * options.part_bytes + 2 * 4096);
    EXPECT_GE(importer.peak_record_bytes(), options.part_bytes);
    // Finished: other writers no longer wait for it.
    ASSERT_OK(store->Put(WriteOptions(), GenerateOrder(kSeed + 1, 0)));
  }
  EXPECT_EQ(CountOrders(*store), kOrders + 1);
  EXPECT_EQ(IndexProblems(*store), 0u);
  Order first = GenerateOrder(kSeed, 0);
  first.fee += 1;
  EXPECT_EQ(store->Get({}, first.hash)->view().ToOwned(), first);
  EXPECT_EQ(store->Get({}, GenerateOrder(kSeed, kOrders - 1).hash)->view().ToOwned(),
            GenerateOrder(kSeed, kOrders - 1));
  // One change per order the import changed, between the two puts'.
  EXPECT_EQ(store->ChangeFeed().latest, 1 + kOrders + 1);
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(Path("db")) / "import.tmp"));
}

// An order imported twice, in parts far apart: the later one wins, and the
// index entries only the earlier one had are gone.
TEST_F(ImporterTest, ALaterPartsOrderReplacesAnEarlierPartsOne) {
  auto store = Open();
  Order early = GenerateOrder(kSeed, 0);
  early.items.resize(1);
  early.items[0].resource_id = "i-only-early";
  Order late = early;
  late.items[0].resource_id = "i-only-late";
  late.status = early.status == OrderStatus::kPaid ? OrderStatus::kComplete
                                                   : OrderStatus::kPaid;
  {
    Importer importer(*store, SmallParts());
    ASSERT_OK(importer.Put(early));
    for (uint64_t i = 1; i < 1500; ++i) ASSERT_OK(importer.Put(GenerateOrder(kSeed, i)));
    ASSERT_OK(importer.Put(late));
    for (uint64_t i = 1500; i < 3000; ++i) ASSERT_OK(importer.Put(GenerateOrder(kSeed, i)));
    ASSERT_OK(importer.Finish());
    ASSERT_GT(importer.parts(), 3u);
  }
  EXPECT_EQ(store->Get({}, late.hash)->view().ToOwned(), late);
  EXPECT_EQ(ByResource(*store, "i-only-early"), 0u);
  EXPECT_EQ(ByResource(*store, "i-only-late"), 1u);
  EXPECT_EQ(CountOrders(*store), 3000u);
  EXPECT_EQ(IndexProblems(*store), 0u);
  // The history tells both parts' versions apart, the later one last.
  Result<std::vector<HistoryEntry>> history = store->History({}, late.hash);
  ASSERT_OK(history);
  ASSERT_EQ(history->size(), 2u);

  // The same again after a reopen: the files stay in the order ingested.
  store.reset();
  store = Open();
  EXPECT_EQ(store->Get({}, late.hash)->view().ToOwned(), late);
  EXPECT_EQ(IndexProblems(*store), 0u);
}

TEST_F(ImporterTest, AFailedPartInTheMiddleLeavesTheStoreAsItWas) {
  auto hooks = std::make_shared<FailingPart>(2);
  auto store = Open(hooks);
  ASSERT_OK(store->Put(WriteOptions(), GenerateOrder(kSeed + 1, 0)));
  const ChangeFeedInfo before = store->ChangeFeed();
  {
    Importer importer(*store, SmallParts());
    Status s;
    for (uint64_t i = 0; i < 3000 && s.ok(); ++i) s = importer.Put(GenerateOrder(kSeed, i));
    if (s.ok()) s = importer.Finish();
    EXPECT_TRUE(s.IsIOError()) << s.ToString();
    EXPECT_NE(s.message().find("disk full (test)"), std::string::npos) << s.ToString();
    EXPECT_EQ(hooks->written(), 3u);  // no part after the failed one
  }
  EXPECT_EQ(CountOrders(*store), 1u);
  EXPECT_TRUE(store->Get({}, GenerateOrder(kSeed, 0).hash).status().IsNotFound());
  EXPECT_EQ(store->ChangeFeed().latest, before.latest);
  EXPECT_EQ(IndexProblems(*store), 0u);
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(Path("db")) / "import.tmp"));
  // The store takes writes again, numbered on from where it was.
  ASSERT_OK(store->Put(WriteOptions(), GenerateOrder(kSeed + 1, 1)));
  EXPECT_EQ(store->ChangeFeed().latest, before.latest + 1);
}

TEST_F(ImporterTest, AnImporterDestroyedUnfinishedStoresNothing) {
  auto store = Open();
  {
    Importer importer(*store, SmallParts());
    for (uint64_t i = 0; i < 2000; ++i) ASSERT_OK(importer.Put(GenerateOrder(kSeed, i)));
    EXPECT_GT(importer.parts(), 0u);
  }
  EXPECT_EQ(CountOrders(*store), 0u);
  EXPECT_EQ(store->ChangeFeed().latest, 0u);
  // Other writers waited for it and go on now.
  ASSERT_OK(store->Put(WriteOptions(), GenerateOrder(kSeed, 0)));
}

// A create repeated in a later part is decided against the store before
// the import, and counted once.
TEST_F(ImporterTest, CreatesRepeatedAcrossPartsCountOnce) {
  auto store = Open();
  ASSERT_OK(store->Put(WriteOptions(), GenerateOrder(kSeed, 1)));
  {
    Importer importer(*store, SmallParts());
    for (uint64_t i = 0; i < 1500; ++i) ASSERT_OK(importer.Create(GenerateOrder(kSeed, i)));
    ASSERT_OK(importer.Create(GenerateOrder(kSeed, 0)));
    ASSERT_OK(importer.Create(GenerateOrder(kSeed, 1)));
    WriteOutcome outcome;
    ASSERT_OK(importer.Finish(&outcome));
    EXPECT_GT(importer.parts(), 2u);
    EXPECT_EQ(outcome.created, 1499u);
    EXPECT_EQ(outcome.existed, 2u);  // order 1, twice
  }
  EXPECT_EQ(CountOrders(*store), 1500u);
  EXPECT_EQ(IndexProblems(*store), 0u);

  // A conflict in any part stores nothing of the import.
  Order different = GenerateOrder(kSeed, 5);
  different.fee += 1;
  {
    Importer importer(*store, SmallParts());
    for (uint64_t i = 1500; i < 3000; ++i) ASSERT_OK(importer.Create(GenerateOrder(kSeed, i)));
    ASSERT_OK(importer.Create(different));
    WriteOutcome outcome;
    Status s = importer.Finish(&outcome);
    EXPECT_TRUE(s.IsAlreadyExists()) << s.ToString();
    ASSERT_EQ(outcome.conflicts.size(), 1u);
    EXPECT_EQ(outcome.conflicts[0].hash, different.hash);
    EXPECT_EQ(outcome.conflicts[0].field, "fee");
  }
  EXPECT_EQ(CountOrders(*store), 1500u);
}

TEST_F(ImporterTest, ASmallImportGoesThroughWrite) {
  auto store = Open();
  Importer importer(*store);
  for (uint64_t i = 0; i < 100; ++i) ASSERT_OK(importer.Put(GenerateOrder(kSeed, i)));
  Order invalid = GenerateOrder(kSeed, 100);
  invalid.fee = -1;
  EXPECT_TRUE(importer.Put(invalid).IsInvalidArgument());
  ASSERT_OK(importer.Finish());
  EXPECT_EQ(importer.parts(), 0u);
  EXPECT_EQ(CountOrders(*store), 100u);
}

}  // namespace
}  // namespace orderstore
