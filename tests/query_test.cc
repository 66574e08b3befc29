// Secondary indexes and the queries over them, checked against brute force
// over the same orders.
#include "orderstore/query.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "lib/index.h"
#include "lib/record.h"
#include "orderstore/generate.h"
#include "orderstore/store.h"
#include "tests/raw_store.h"
#include "tests/test_util.h"

namespace orderstore {
namespace {

constexpr uint64_t kSeed = 7;

bool Before(const Timestamp& a, const Timestamp& b) {
  return std::tie(a.unix_seconds, a.nanos) < std::tie(b.unix_seconds, b.nanos);
}

class QueryTest : public testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    write_.sync = false;
    Open();
  }
  // Closes the store before its directory goes: a compaction it started
  // may still be deleting files.
  void TearDown() override {
    store_.reset();
    TempDirTest::TearDown();
  }
  void Open() {
    auto store = Store::Open(Options(), Path("db"));
    ASSERT_OK(store);
    store_ = std::move(store).value();
  }
  // Writes orders 0..n-1 of kSeed and remembers them.
  void Load(uint64_t n) {
    WriteBatch batch;
    for (uint64_t i = 0; i < n; ++i) {
      Order order = GenerateOrder(kSeed, i);
      ASSERT_OK(batch.Put(order));
      model_[order.hash] = order;
    }
    ASSERT_OK(store_->Write(write_, batch));
  }
  void Put(const Order& order) {
    ASSERT_OK(store_->Put(write_, order));
    model_[order.hash] = order;
  }
  void Delete(const OrderHash& hash) {
    ASSERT_OK(store_->Delete(write_, hash));
    model_.erase(hash);
  }

  // What the query should yield, by brute force over the model.
  std::vector<OrderHash> Expected(const CreatedQuery& q) const {
    std::vector<const Order*> hits;
    for (const auto& [hash, order] : model_) {
      if (q.from && Before(order.create_time, *q.from)) continue;
      if (q.to && !Before(order.create_time, *q.to)) continue;
      if (!q.statuses.empty() &&
          std::find(q.statuses.begin(), q.statuses.end(), order.status) ==
              q.statuses.end()) {
        continue;
      }
      hits.push_back(&order);
    }
    std::sort(hits.begin(), hits.end(), [](const Order* a, const Order* b) {
      return std::tie(a->create_time.unix_seconds, a->create_time.nanos, a->hash) <
             std::tie(b->create_time.unix_seconds, b->create_time.nanos, b->hash);
    });
    if (q.newest_first) std::reverse(hits.begin(), hits.end());
    std::vector<OrderHash> hashes;
    for (const Order* order : hits) hashes.push_back(order->hash);
    return hashes;
  }

  // Runs a query to the end, page by page when it has a limit.
  template <typename Query, typename Run>
  std::vector<OrderHash> Collect(Query query, Run run, size_t* pages = nullptr) {
    std::vector<OrderHash> hashes;
    size_t page_count = 0;
    do {
      auto it = run(query);
      EXPECT_OK(it);
      if (!it.ok()) break;
      ++page_count;
      size_t on_page = 0;
      for (; (*it)->Valid(); (*it)->Next()) {
        Result<OrderView> order = (*it)->view();
        EXPECT_OK(order);
        if (!order.ok()) continue;
        OrderView view = *order;
        EXPECT_EQ(view.ToOwned(), model_.at(view.hash()));
        hashes.push_back(view.hash());
        ++on_page;
      }
      EXPECT_OK((*it)->status());
      if (query.limit != 0) {
        EXPECT_LE(on_page, query.limit);
      }
      query.cursor = (*it)->cursor();
    } while (!query.cursor.empty() && page_count < 100000);
    if (pages) *pages = page_count;
    return hashes;
  }
  std::vector<OrderHash> Created(const CreatedQuery& q, size_t* pages = nullptr) {
    return Collect(q, [this](const CreatedQuery& page) {
      return store_->QueryCreated({}, page);
    }, pages);
  }
  std::vector<OrderHash> ByResource(const ResourceQuery& q) {
    return Collect(q, [this](const ResourceQuery& page) {
      return store_->QueryResource({}, page);
    });
  }
  std::vector<OrderHash> ExpectedResource(const std::string& id) const {
    std::vector<OrderHash> hashes;
    for (const auto& [hash, order] : model_) {
      for (const OrderItem& item : order.items) {
        if (item.resource_id == id) {
          hashes.push_back(hash);
          break;
        }
      }
    }
    return hashes;  // std::map iterates in hash order
  }
  // The changes of IndexesFollowRewritesAndDeletes (and its Import twin)
  // as every query sees them, then the indexes checked both ways.
  void ExpectRewrittenModel() {
    CreatedQuery q;
    EXPECT_EQ(Created(q), Expected(q));
    q.statuses = {OrderStatus::kRefund, OrderStatus::kCanceled};
    EXPECT_EQ(Created(q), Expected(q));
    for (int r = 0; r < 7; ++r) {
      std::string id = "r-" + std::to_string(r);
      EXPECT_EQ(ByResource({id, 0, ""}), ExpectedResource(id));
    }
    EXPECT_EQ(ByResource({"r-final", 0, ""}), ExpectedResource("r-final"));
    ExpectIndexesClean();
  }
  void ExpectIndexesClean() {
    std::vector<std::string> problems;
    Result<size_t> checked = store_->CheckIndexes(
        [&](const Status& s) { problems.push_back(s.ToString()); });
    ASSERT_OK(checked);
    EXPECT_EQ(*checked, model_.size());
    EXPECT_TRUE(problems.empty()) << problems.front();
  }

  std::unique_ptr<Store> store_;
  WriteOptions write_;
  std::map<OrderHash, Order> model_;
};

TEST_F(QueryTest, TimeWindowMatchesBruteForceBothDirections) {
  Load(3000);
  CreatedQuery q;
  q.from = testing::Time("2021-03-01T00:00:00+08:00");
  q.to = testing::Time("2022-01-01T00:00:00Z");
  std::vector<OrderHash> expected = Expected(q);
  ASSERT_GT(expected.size(), 100u);
  EXPECT_EQ(Created(q), expected);
  q.newest_first = true;
  EXPECT_EQ(Created(q), Expected(q));

  CreatedQuery all;
  EXPECT_EQ(Created(all).size(), 3000u);
  EXPECT_EQ(Created(all), Expected(all));
}

TEST_F(QueryTest, StatusFilterMergesByTime) {
  Load(3000);
  CreatedQuery q;
  q.statuses = {OrderStatus::kRefund, OrderStatus::kPaid, OrderStatus::kPaid};
  q.from = testing::Time("2020-06-01T00:00:00Z");
  EXPECT_EQ(Created(q), Expected(q));
  q.newest_first = true;
  EXPECT_EQ(Created(q), Expected(q));
  q.statuses = {OrderStatus::kCanceled};
  q.to = testing::Time("2024-06-01T00:00:00Z");
  EXPECT_EQ(Created(q), Expected(q));
}

TEST_F(QueryTest, PagesWithCursorsGiveTheSameSequence) {
  Load(1000);
  for (bool newest_first : {false, true}) {
    for (bool by_status : {false, true}) {
      CreatedQuery q;
      q.newest_first = newest_first;
      if (by_status) q.statuses = {OrderStatus::kComplete, OrderStatus::kNew};
      q.limit = 37;
      size_t pages = 0;
      std::vector<OrderHash> paged = Created(q, &pages);
      EXPECT_EQ(paged, Expected(q));
      EXPECT_GE(pages, paged.size() / 37);
    }
  }
}

TEST_F(QueryTest, ResourceQueryFindsEveryOrderTouchingIt) {
  Load(500);
  // Two orders sharing a resource, one order naming it in two items.
  Order a = GenerateOrder(kSeed, 1000), b = GenerateOrder(kSeed, 1001);
  a.items[0].resource_id = "i-shared";
  b.items[0].resource_id = "i-shared";
  b.items.push_back(b.items[0]);
  b.fee += b.items.back().price;
  Put(a);
  Put(b);
  ResourceQuery q;
  q.resource_id = "i-shared";
  std::vector<OrderHash> expected = ExpectedResource("i-shared");
  ASSERT_EQ(expected.size(), 2u);
  EXPECT_EQ(ByResource(q), expected);
  q.limit = 1;
  EXPECT_EQ(ByResource(q), expected);

  std::string some = model_.begin()->second.items.back().resource_id;
  q = ResourceQuery{some, 0, ""};
  EXPECT_EQ(ByResource(q), ExpectedResource(some));
  q.resource_id = "no-such-resource";
  EXPECT_TRUE(ByResource(q).empty());
  q.resource_id = "i-share";  // a prefix of another id matches nothing
  EXPECT_TRUE(ByResource(q).empty());
}

TEST_F(QueryTest, IndexesFollowRewritesAndDeletes) {
  Load(400);
  std::vector<OrderHash> hashes;
  for (const auto& [hash, order] : model_) hashes.push_back(hash);
  for (size_t i = 0; i < hashes.size(); i += 3) {
    Order order = model_.at(hashes[i]);
    order.create_time.unix_seconds += 86400 * 400;  // moves in time
    order.status = OrderStatus::kRefund;
    order.items[0].resource_id = "r-" + std::to_string(i % 7);
    Put(order);
  }
  for (size_t i = 1; i < hashes.size(); i += 5) Delete(hashes[i]);
  // One batch writing an order twice and deleting another it put.
  WriteBatch batch;
  Order twice = GenerateOrder(kSeed, 5000);
  ASSERT_OK(batch.Put(twice));
  twice.status = OrderStatus::kCanceled;
  twice.items[0].resource_id = "r-final";
  ASSERT_OK(batch.Put(twice));
  Order gone = GenerateOrder(kSeed, 5001);
  ASSERT_OK(batch.Put(gone));
  batch.Delete(gone.hash);
  ASSERT_OK(store_->Write(write_, batch));
  model_[twice.hash] = twice;
  ExpectRewrittenModel();
}

// The same changes as IndexesFollowRewritesAndDeletes, landed by
// Store::Import over orders written through the memtable, then reopened.
TEST_F(QueryTest, ImportReplacesStoredOrdersAndKeepsIndexesExact) {
  Load(400);
  std::vector<OrderHash> hashes;
  for (const auto& [hash, order] : model_) hashes.push_back(hash);
  WriteBatch batch;
  for (size_t i = 0; i < hashes.size(); i += 3) {
    Order order = model_.at(hashes[i]);
    order.create_time.unix_seconds += 86400 * 400;  // moves in time
    order.status = OrderStatus::kRefund;
    order.items[0].resource_id = "r-" + std::to_string(i % 7);
    ASSERT_OK(batch.Put(order));
    model_[order.hash] = order;
  }
  for (size_t i = 1; i < hashes.size(); i += 5) {
    batch.Delete(hashes[i]);
    model_.erase(hashes[i]);
  }
  for (size_t i = 2; i < hashes.size(); i += 7) {  // stored again unchanged
    if (auto kept = model_.find(hashes[i]); kept != model_.end()) {
      ASSERT_OK(batch.Put(kept->second));
    }
  }
  Order twice = GenerateOrder(kSeed, 5000);
  ASSERT_OK(batch.Put(twice));
  twice.status = OrderStatus::kCanceled;
  twice.items[0].resource_id = "r-final";
  ASSERT_OK(batch.Put(twice));
  model_[twice.hash] = twice;
  Order gone = GenerateOrder(kSeed, 5001);
  ASSERT_OK(batch.Put(gone));
  batch.Delete(gone.hash);
  batch.Delete(GenerateOrder(kSeed, 5002).hash);  // never stored
  for (uint64_t i = 6000; i < 6300; ++i) {
    Order order = GenerateOrder(kSeed, i);
    ASSERT_OK(batch.Put(order));
    model_[order.hash] = order;
  }
  ASSERT_OK(store_->Import(batch));

  auto expect_model = [this] {
    EXPECT_TRUE(store_->Get({}, GenerateOrder(kSeed, 5001).hash).status().IsNotFound());
    ExpectRewrittenModel();
  };
  expect_model();
  // A second import of the same batch changes nothing.
  ASSERT_OK(store_->Import(batch));
  expect_model();
  store_.reset();
  EXPECT_FALSE(std::filesystem::exists(Path("db/import.tmp")));
  Open();
  expect_model();
  // And writes through the memtable go on over the imported files.
  Put(GenerateOrder(kSeed, 7000));
  Delete(twice.hash);
  expect_model();
}

TEST_F(QueryTest, ImportIntoAFreshStoreAndAnEmptyImport) {
  WriteBatch batch;
  ASSERT_OK(store_->Import(batch));
  for (uint64_t i = 0; i < 2000; ++i) {
    Order order = GenerateOrder(kSeed, i);
    ASSERT_OK(batch.Put(order));
    model_[order.hash] = order;
  }
  ASSERT_OK(store_->Import(batch));
  CreatedQuery q;
  q.newest_first = true;
  q.limit = 333;
  EXPECT_EQ(Created(q), Expected(q));
  ExpectIndexesClean();
}

// A large batch whose hashes span no stored order is planned without
// reading stored records; one whose span holds a stored order reads them
// all, and rewrites that order's index entries.
TEST_F(QueryTest, LargeImportsBesideAndOverStoredOrders) {
  auto with_first_byte = [](Order order, uint8_t first) {
    std::array<uint8_t, OrderHash::kSize> bytes = order.hash.bytes();
    bytes[0] = first;
    order.hash = OrderHash(bytes);
    return order;
  };
  Order low = with_first_byte(GenerateOrder(kSeed, 9000), 0x00);
  Order high = with_first_byte(GenerateOrder(kSeed, 9001), 0xff);
  Put(low);
  Put(high);
  WriteBatch beside;
  for (uint64_t i = 0; i < 1500; ++i) {
    Order order = with_first_byte(GenerateOrder(kSeed, i), 0x10 + i % 0xe0);
    ASSERT_OK(beside.Put(order));
    model_[order.hash] = order;
  }
  ASSERT_OK(store_->Import(beside));
  ExpectRewrittenModel();

  WriteBatch over = std::move(beside);
  low.create_time.unix_seconds += 86400 * 400;
  low.status = OrderStatus::kRefund;
  low.items[0].resource_id = "r-final";
  ASSERT_OK(over.Put(low));
  model_[low.hash] = low;
  ASSERT_OK(store_->Import(over));
  ExpectRewrittenModel();
  EXPECT_EQ(ByResource({"r-final", 0, ""}).size(), 1u);
}

TEST_F(QueryTest, ImportIntoAReadOnlyStoreIsRefused) {
  Load(10);
  store_.reset();
  Options options;
  options.read_only = true;
  auto read_only = Store::Open(options, Path("db"));
  ASSERT_OK(read_only);
  WriteBatch batch;
  ASSERT_OK(batch.Put(GenerateOrder(kSeed, 99)));
  EXPECT_TRUE((*read_only)->Import(batch).IsInvalidArgument());
}

// A damaged record follows the iterators' one rule (iterator.h, query.h):
// a position of its own whose view() is Corruption naming the order, with
// the query going on past it, in pages too; Iterator does the same.
TEST_F(QueryTest, DamagedRecordIsAPositionOfItsOwnInEveryIterator) {
  Load(30);
  const std::vector<OrderHash> all = Expected(CreatedQuery{});
  const OrderHash victim = all[11];
  store_.reset();
  testing::WriteRawValue(Path("db"), victim, "not an order record");
  Open();

  for (size_t limit : {size_t{0}, size_t{4}}) {
    std::vector<OrderHash> seen;
    size_t damaged = 0;
    CreatedQuery page;
    page.limit = limit;
    do {
      auto it = store_->QueryCreated({}, page);
      ASSERT_OK(it);
      for (; (*it)->Valid(); (*it)->Next()) {
        Result<OrderView> order = (*it)->view();
        if (order.ok()) {
          seen.push_back(order->hash());
          continue;
        }
        EXPECT_TRUE(order.status().IsCorruption()) << order.status().ToString();
        EXPECT_NE(order.status().message().find(victim.ToHex()),
                  std::string::npos)
            << order.status().ToString();
        seen.push_back(victim);
        ++damaged;
      }
      EXPECT_OK((*it)->status());
      page.cursor = (*it)->cursor();
    } while (limit != 0 && !page.cursor.empty());
    EXPECT_EQ(damaged, 1u) << "limit " << limit;
    EXPECT_EQ(seen, all) << "limit " << limit;
  }

  size_t ok = 0, corrupt = 0;
  std::unique_ptr<Iterator> it = store_->NewIterator({});
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    Result<OrderView> order = it->view();
    if (order.ok()) {
      ++ok;
    } else {
      EXPECT_TRUE(order.status().IsCorruption());
      EXPECT_EQ(it->hash(), victim);
      ++corrupt;
    }
  }
  EXPECT_OK(it->status());
  EXPECT_EQ(ok, all.size() - 1);
  EXPECT_EQ(corrupt, 1u);
}

TEST_F(QueryTest, QueryReadsOneSnapshot) {
  Load(100);
  CreatedQuery q;
  auto it = store_->QueryCreated({}, q);
  ASSERT_OK(it);
  std::vector<OrderHash> expected = Expected(q);
  for (uint64_t i = 100; i < 200; ++i) Put(GenerateOrder(kSeed, i));
  for (size_t i = 0; i < 50; ++i) ASSERT_OK(store_->Delete(write_, expected[i]));
  std::vector<OrderHash> seen;
  for (; (*it)->Valid(); (*it)->Next()) seen.push_back((*it)->view()->hash());
  EXPECT_OK((*it)->status());
  EXPECT_EQ(seen, expected);
}

TEST_F(QueryTest, MalformedCursorAndBoundsAreInvalidArguments) {
  Load(10);
  CreatedQuery q;
  q.cursor = "zz";
  EXPECT_TRUE(store_->QueryCreated({}, q).status().IsInvalidArgument());
  q.cursor = std::string(56, 'g');
  EXPECT_TRUE(store_->QueryCreated({}, q).status().IsInvalidArgument());
  q.cursor.clear();
  q.from = Timestamp{0, 2000000000, 0};
  EXPECT_TRUE(store_->QueryCreated({}, q).status().IsInvalidArgument());
  EXPECT_TRUE(store_->QueryResource({}, {"x", 0, "abc"}).status().IsInvalidArgument());
}

// Raw access to one of the store's column families.
class RawFamily {
 public:
  RawFamily(const std::string& path, const std::string& family) {
    std::vector<std::string> names;
    EXPECT_TRUE(rocksdb::DB::ListColumnFamilies({}, path, &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (const auto& name : names) descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
    rocksdb::DB* db = nullptr;
    EXPECT_TRUE(rocksdb::DB::Open({}, path, descriptors, &handles_, &db).ok());
    db_.reset(db);
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == family) family_ = handles_[i];
    }
  }
  ~RawFamily() {
    for (auto* h : handles_) (void)db_->DestroyColumnFamilyHandle(h);
  }
  void Put(const std::string& key, const std::string& value) {
    EXPECT_TRUE(db_->Put({}, family_, key, value).ok());
  }
  void Delete(const std::string& key) {
    EXPECT_TRUE(db_->Delete({}, family_, key).ok());
  }

 private:
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  rocksdb::ColumnFamilyHandle* family_ = nullptr;
};

TEST_F(QueryTest, CheckIndexesFindsMissingAndDanglingEntries) {
  Load(50);
  ExpectIndexesClean();
  Order victim = model_.begin()->second;
  std::string record = internal::EncodeRecord(victim);
  std::vector<internal::IndexEntry> entries =
      internal::IndexEntriesOf(*VerifyRecord(record));
  store_.reset();
  {
    RawFamily created(Path("db"), "idx_created");
    created.Delete(entries[0].key);  // the order loses its entry
    std::string dangling = entries[0].key;
    dangling.back() ^= 1;  // an entry naming an order that does not exist
    created.Put(dangling, "");
  }
  Open();
  std::vector<std::string> problems;
  ASSERT_OK(store_->CheckIndexes([&](const Status& s) {
    EXPECT_TRUE(s.IsCorruption());
    problems.push_back(s.message());
  }));
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_NE(problems[0].find(victim.hash.ToHex()), std::string::npos) << problems[0];
  EXPECT_NE(problems[1].find("missing order"), std::string::npos) << problems[1];

  // A query meeting the dangling entry reports it instead of guessing.
  CreatedQuery q;
  auto it = store_->QueryCreated({}, q);
  ASSERT_OK(it);
  while ((*it)->Valid()) (*it)->Next();
  EXPECT_TRUE((*it)->status().IsCorruption());
}

// Queries fetch orders in batches, reading index entries ahead of what they
// have yielded: stale entries anywhere in a batch are skipped, limits still
// hold, and an entry naming a missing order ends the query only after every
// order before it was yielded.
TEST_F(QueryTest, BatchesSkipStaleEntriesAndReportErrorsInPlace) {
  Load(300);
  CreatedQuery all;
  const std::vector<OrderHash> expected = Expected(all);
  // Every 7th order also gets an entry at another order's time, which it
  // does not derive.
  std::vector<std::string> stale;
  for (size_t i = 0; i < expected.size(); i += 7) {
    const Order& elsewhere = model_.at(expected[(i + 150) % expected.size()]);
    std::string key;
    internal::AppendTimeKey(elsewhere.create_time, &key);
    key += expected[i].AsKey();
    stale.push_back(key);
  }
  // An entry for a missing order, timed just after the 200th order.
  const Order& at = model_.at(expected[199]);
  std::string dangling;
  internal::AppendTimeKey(at.create_time, &dangling);
  dangling += std::string(OrderHash::kSize, '\xff');
  store_.reset();
  {
    RawFamily created(Path("db"), "idx_created");
    for (const std::string& key : stale) created.Put(key, "");
  }
  Open();
  for (size_t limit : {size_t{0}, size_t{5}, size_t{64}}) {
    CreatedQuery q;
    q.limit = limit;
    EXPECT_EQ(Created(q), expected) << "limit " << limit;
  }

  store_.reset();
  {
    RawFamily created(Path("db"), "idx_created");
    created.Put(dangling, "");
  }
  Open();
  auto it = store_->QueryCreated({}, all);
  ASSERT_OK(it);
  std::vector<OrderHash> seen;
  for (; (*it)->Valid(); (*it)->Next()) seen.push_back((*it)->view()->hash());
  EXPECT_TRUE((*it)->status().IsCorruption()) << (*it)->status().ToString();
  EXPECT_EQ(seen, std::vector<OrderHash>(expected.begin(), expected.begin() + 200));
}

TEST_F(QueryTest, StoreWrittenWithoutIndexesGetsThemOnOpen) {
  store_.reset();
  std::filesystem::remove_all(Path("db"));
  {
    rocksdb::Options options;
    options.create_if_missing = true;
    options.create_missing_column_families = true;
    std::vector<rocksdb::ColumnFamilyDescriptor> families = {
        {rocksdb::kDefaultColumnFamilyName, {}}, {"orders", {}}};
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, Path("db"), families, &handles, &db).ok());
    for (uint64_t i = 0; i < 100; ++i) {
      Order order = GenerateOrder(kSeed, i);
      model_[order.hash] = order;
      ASSERT_TRUE(db->Put({}, handles[1], std::string(order.hash.AsKey()),
                          internal::EncodeRecord(order))
                      .ok());
    }
    for (auto* h : handles) ASSERT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
    delete db;
  }
  Open();
  CreatedQuery q;
  EXPECT_EQ(Created(q), Expected(q));
  ExpectIndexesClean();
}

}  // namespace
}  // namespace orderstore

namespace orderstore {
namespace {

// Derives answers exactly what searching IndexEntriesOf would.
TEST(DerivesTest, AgreesWithTheEntriesAnOrderDerives) {
  for (uint64_t i = 0; i < 200; ++i) {
    Order order = GenerateOrder(kSeed, i);
    std::string record = internal::EncodeRecord(order);
    OrderView view = *VerifyRecord(record);
    Order other = GenerateOrder(kSeed, i + 1000);
    std::string other_record = internal::EncodeRecord(other);
    OrderView other_view = *VerifyRecord(other_record);
    for (const internal::IndexEntry& e : internal::IndexEntriesOf(view)) {
      EXPECT_TRUE(internal::Derives(view, e.index, e.key));
      EXPECT_FALSE(internal::Derives(other_view, e.index, e.key));
      for (size_t cut : {size_t{1}, size_t{17}}) {
        if (e.key.size() > cut) {
          EXPECT_FALSE(internal::Derives(view, e.index, e.key.substr(cut)));
        }
      }
      std::string changed = e.key;
      changed[0] ^= 1;
      EXPECT_FALSE(internal::Derives(view, e.index, changed));
    }
  }
}

}  // namespace
}  // namespace orderstore
