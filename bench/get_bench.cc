// Point lookups answering one question, "fee, status, and every item's
// price and status", over random keys of the whole dataset, hot: orderstore
// against RocksDB's own floor and the alternatives a billing team would
// reach for (JSON values in RocksDB, SQLite, LMDB).
//
// allocs/op counts every heap allocation of the benchmark loop (see
// alloc_count.h). RocksDB's own share is what the floor makes; ours is the
// difference, and VerifyAndRead counts our per-get code on its own.
#include <benchmark/benchmark.h>
#include <lmdb.h>
#include <rocksdb/db.h>
#include <simdjson.h>
#include <sqlite3.h>

#include <string>
#include <vector>

#include "bench/alloc_count.h"
#include "bench/dataset.h"
#include "bench/floor_db.h"
#include "bench/json_db.h"
#include "bench/lmdb_db.h"
#include "bench/sqlite_db.h"
#include "lib/record.h"
#include "lib/rocks_options.h"
#include "orderstore/order_view.h"
#include "orderstore/store.h"

namespace orderstore::bench {
namespace {

constexpr size_t kMultiGetKeys = 64;

rocksdb::Slice KeyOf(const OrderHash& hash) {
  std::string_view key = hash.AsKey();
  return rocksdb::Slice(key.data(), key.size());
}

// Cycles through `hashes`.
class Keys {
 public:
  explicit Keys(const std::vector<OrderHash>& hashes) : hashes_(hashes) {}
  const OrderHash& Next() {
    const OrderHash& hash = hashes_[i_];
    if (++i_ == hashes_.size()) i_ = 0;
    return hash;
  }

 private:
  const std::vector<OrderHash>& hashes_;
  size_t i_ = 0;
};

void BM_Get_Orderstore(benchmark::State& state) {
  const Store& store = OrderStore();
  Keys keys(ProbeHashes());
  AllocCounter allocs(state);
  for (auto _ : state) {
    Result<PinnedOrder> order = store.Get(ReadOptions(), keys.Next());
    if (!order.ok()) {
      state.SkipWithError(order.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(Answer(order->view()));
  }
}
BENCHMARK(BM_Get_Orderstore);

// The floor: the same value bytes, the same options, no verification and
// no decoding.
void BM_Get_RocksdbFloor(benchmark::State& state) {
  RocksDb& db = FloorDb();
  const rocksdb::ReadOptions read = internal::RocksRead(ReadOptions());
  Keys keys(ProbeHashes());
  rocksdb::PinnableSlice value;
  AllocCounter allocs(state);
  for (auto _ : state) {
    rocksdb::Status s = db.db->Get(read, db.orders, KeyOf(keys.Next()), &value);
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(value.data());
    value.Reset();
  }
}
BENCHMARK(BM_Get_RocksdbFloor);

// What the store adds to the floor, measured alone: verifying a record
// (FlatBuffers verifier, range checks, key == hash) and reading the answer,
// over records held in memory.
void BM_Get_VerifyAndRead(benchmark::State& state) {
  std::vector<std::string> records;
  std::vector<OrderHash> hashes;
  {
    const Store& store = OrderStore();
    const auto& probes = ProbeHashes();
    for (size_t i = 0; i < std::min<size_t>(probes.size(), 4096); ++i) {
      Result<PinnedOrder> order = store.Get(ReadOptions(), probes[i]);
      if (!order.ok()) Die(order.status().ToString());
      records.emplace_back(order->view().record());
      hashes.push_back(probes[i]);
    }
  }
  size_t i = 0;
  AllocCounter allocs(state);
  for (auto _ : state) {
    Result<OrderView> view = VerifyRecord(records[i]);
    if (!view.ok() || view->hash() != hashes[i]) {
      state.SkipWithError("record fails verification");
      break;
    }
    benchmark::DoNotOptimize(Answer(*view));
    if (++i == records.size()) i = 0;
  }
}
BENCHMARK(BM_Get_VerifyAndRead);

// (3a) RocksDB with compact JSON values, parsed (and so validated whole) by
// simdjson's DOM parser, reused across gets.
void BM_Get_RocksdbJsonSimdjson(benchmark::State& state) {
  RocksDb& db = JsonDb();
  const rocksdb::ReadOptions read = internal::RocksRead(ReadOptions());
  Keys keys(ProbeHashes());
  rocksdb::PinnableSlice value;
  simdjson::dom::parser parser;
  AllocCounter allocs(state);
  for (auto _ : state) {
    rocksdb::Status s = db.db->Get(read, db.orders, KeyOf(keys.Next()), &value);
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      break;
    }
    simdjson::dom::element order;
    double sum = 0;
    std::string_view status;
    if (parser.parse(value.data(), value.size()).get(order) ||
        order["fee"].get(sum) || order["status"].get(status)) {
      state.SkipWithError("bad JSON value");
      break;
    }
    Result<OrderStatus> order_status = ParseOrderStatus(status);
    sum += static_cast<int>(*order_status);
    simdjson::dom::array items;
    if (order["items"].get(items)) {
      state.SkipWithError("bad JSON value");
      break;
    }
    for (simdjson::dom::element item : items) {
      double price;
      std::string_view item_status;
      if (item["price"].get(price) || item["status"].get(item_status)) {
        state.SkipWithError("bad JSON item");
        break;
      }
      sum += price + static_cast<int>(*ParseItemStatus(item_status));
    }
    benchmark::DoNotOptimize(sum);
    value.Reset();
  }
}
BENCHMARK(BM_Get_RocksdbJsonSimdjson);

// (3b) SQLite: two prepared statements, one B-tree search in each table.
void BM_Get_Sqlite(benchmark::State& state) {
  sqlite3* db = SqliteDb();
  sqlite3_stmt* order_query = nullptr;
  sqlite3_stmt* items_query = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT fee, status FROM orders WHERE hash=?", -1,
                         &order_query, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v2(db,
                         "SELECT price, status FROM items WHERE hash=? "
                         "ORDER BY idx",
                         -1, &items_query, nullptr) != SQLITE_OK) {
    Die(std::string("prepare: ") + sqlite3_errmsg(db));
  }
  Keys keys(ProbeHashes());
  AllocCounter allocs(state);
  for (auto _ : state) {
    const OrderHash& hash = keys.Next();
    sqlite3_bind_blob(order_query, 1, hash.bytes().data(), OrderHash::kSize,
                      SQLITE_STATIC);
    if (sqlite3_step(order_query) != SQLITE_ROW) {
      state.SkipWithError("order not found in SQLite");
      break;
    }
    double sum = sqlite3_column_double(order_query, 0) +
                 sqlite3_column_int(order_query, 1);
    sqlite3_reset(order_query);
    sqlite3_bind_blob(items_query, 1, hash.bytes().data(), OrderHash::kSize,
                      SQLITE_STATIC);
    while (sqlite3_step(items_query) == SQLITE_ROW) {
      sum += sqlite3_column_double(items_query, 0) +
             sqlite3_column_int(items_query, 1);
    }
    sqlite3_reset(items_query);
    benchmark::DoNotOptimize(sum);
  }
  sqlite3_finalize(order_query);
  sqlite3_finalize(items_query);
}
BENCHMARK(BM_Get_Sqlite);

// LMDB holding the same FlatBuffers records, one read transaction reused,
// verified as the store verifies (the same contract: never trust bytes).
void BM_Get_Lmdb(benchmark::State& state) {
  Lmdb& lmdb = LmdbDb();
  MDB_txn* txn = nullptr;
  if (int rc = mdb_txn_begin(lmdb.env, nullptr, MDB_RDONLY, &txn)) {
    Die(std::string("mdb_txn_begin: ") + mdb_strerror(rc));
  }
  Keys keys(ProbeHashes());
  AllocCounter allocs(state);
  for (auto _ : state) {
    const OrderHash& hash = keys.Next();
    MDB_val key{OrderHash::kSize, const_cast<uint8_t*>(hash.bytes().data())};
    MDB_val value;
    if (mdb_get(txn, lmdb.dbi, &key, &value) != 0) {
      state.SkipWithError("order not found in LMDB");
      break;
    }
    Result<OrderView> view = VerifyRecord(
        std::string_view(static_cast<const char*>(value.mv_data), value.mv_size));
    if (!view.ok() || view->hash() != hash) {
      state.SkipWithError("LMDB record fails verification");
      break;
    }
    benchmark::DoNotOptimize(Answer(*view));
  }
  mdb_txn_abort(txn);
}
BENCHMARK(BM_Get_Lmdb);

// (4) MultiGet of 64 random keys; time and allocations per key.
void BM_MultiGet64_Orderstore(benchmark::State& state) {
  const Store& store = OrderStore();
  Keys keys(ProbeHashes());
  std::vector<OrderHash> batch(kMultiGetKeys);
  AllocCounter allocs(state);
  for (auto _ : state) {
    for (OrderHash& hash : batch) hash = keys.Next();
    std::vector<Result<PinnedOrder>> orders = store.GetMany(ReadOptions(), batch);
    double sum = 0;
    for (const Result<PinnedOrder>& order : orders) {
      if (!order.ok()) {
        state.SkipWithError(order.status().ToString().c_str());
        break;
      }
      sum += Answer(order->view());
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * kMultiGetKeys);
}
BENCHMARK(BM_MultiGet64_Orderstore);

void BM_MultiGet64_RocksdbFloor(benchmark::State& state) {
  RocksDb& db = FloorDb();
  const rocksdb::ReadOptions read = internal::RocksRead(ReadOptions());
  Keys keys(ProbeHashes());
  std::vector<rocksdb::Slice> batch(kMultiGetKeys);
  std::vector<rocksdb::PinnableSlice> values(kMultiGetKeys);
  std::vector<rocksdb::Status> statuses(kMultiGetKeys);
  AllocCounter allocs(state);
  for (auto _ : state) {
    for (rocksdb::Slice& key : batch) key = KeyOf(keys.Next());
    db.db->MultiGet(read, db.orders, kMultiGetKeys, batch.data(), values.data(),
                    statuses.data());
    for (size_t i = 0; i < kMultiGetKeys; ++i) {
      if (!statuses[i].ok()) {
        state.SkipWithError(statuses[i].ToString().c_str());
        break;
      }
      benchmark::DoNotOptimize(values[i].data());
      values[i].Reset();
    }
  }
  state.SetItemsProcessed(state.iterations() * kMultiGetKeys);
}
BENCHMARK(BM_MultiGet64_RocksdbFloor);

// A get of a hash that is not stored: the bloom filter's path.
void BM_GetUnknown_Orderstore(benchmark::State& state) {
  const Store& store = OrderStore();
  Keys keys(UnknownHashes());
  AllocCounter allocs(state);
  for (auto _ : state) {
    Result<PinnedOrder> order = store.Get(ReadOptions(), keys.Next());
    if (!order.status().IsNotFound()) {
      state.SkipWithError("an unknown hash was found");
      break;
    }
    benchmark::DoNotOptimize(order);
  }
}
BENCHMARK(BM_GetUnknown_Orderstore);

void BM_GetUnknown_RocksdbFloor(benchmark::State& state) {
  RocksDb& db = FloorDb();
  const rocksdb::ReadOptions read = internal::RocksRead(ReadOptions());
  Keys keys(UnknownHashes());
  rocksdb::PinnableSlice value;
  AllocCounter allocs(state);
  for (auto _ : state) {
    rocksdb::Status s = db.db->Get(read, db.orders, KeyOf(keys.Next()), &value);
    if (!s.IsNotFound()) {
      state.SkipWithError("an unknown hash was found");
      break;
    }
    value.Reset();
  }
}
BENCHMARK(BM_GetUnknown_RocksdbFloor);

}  // namespace
}  // namespace orderstore::bench
