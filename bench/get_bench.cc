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
#include "bench/read_loops.h"
#include "bench/sqlite_db.h"
#include "lib/record.h"
#include "order_generated.h"
#include "lib/rocks_options.h"
#include "orderstore/order_view.h"
#include "orderstore/store.h"

namespace orderstore::bench {
namespace {

rocksdb::Slice KeyOf(const OrderHash& hash) {
  std::string_view key = hash.AsKey();
  return rocksdb::Slice(key.data(), key.size());
}

void BM_Get_Orderstore(benchmark::State& state) {
  StoreGets(state, OrderStore(), Keys(ProbeHashes()));
}
BENCHMARK(BM_Get_Orderstore);

// The floor: the same value bytes, the same options, and the same answer
// read through the FlatBuffers accessors, without verification.
void BM_Get_RocksdbFloor(benchmark::State& state) {
  RocksGets(state, FloorDb(), Keys(ProbeHashes()), /*verify=*/false);
}
BENCHMARK(BM_Get_RocksdbFloor);

// Records of the first 4,096 probe hashes, held in memory, and their hashes.
struct HeldRecords {
  std::vector<std::string> records;
  std::vector<OrderHash> hashes;
};

const HeldRecords& Held() {
  static const HeldRecords held = [] {
    HeldRecords h;
    const Store& store = OrderStore();
    const auto& probes = ProbeHashes();
    for (size_t i = 0; i < std::min<size_t>(probes.size(), 4096); ++i) {
      Result<PinnedOrder> order = store.Get(ReadOptions(), probes[i]);
      if (!order.ok()) Die(order.status().ToString());
      h.records.emplace_back(order->view().record());
      h.hashes.push_back(probes[i]);
    }
    return h;
  }();
  return held;
}

// Verifies each held record as a get does (FlatBuffers verifier, range
// checks, key == hash) and, with `read`, reads the answer from it.
void VerifyHeld(benchmark::State& state, bool read) {
  const HeldRecords& held = Held();
  size_t i = 0;
  AllocCounter allocs(state);
  for (auto _ : state) {
    Result<OrderView> view = VerifyRecord(held.records[i]);
    if (!view.ok() || view->hash() != held.hashes[i]) {
      state.SkipWithError("record fails verification");
      break;
    }
    if (read) benchmark::DoNotOptimize(Answer(*view));
    if (++i == held.records.size()) i = 0;
  }
}

// What the store adds to the floor, measured alone, over records held in
// memory: verification and the answer.
void BM_Get_VerifyAndRead(benchmark::State& state) { VerifyHeld(state, true); }
BENCHMARK(BM_Get_VerifyAndRead);

// The store's verification alone, and the FlatBuffers verifier alone,
// over the same records: what the checks beyond the verifier cost.
void BM_Verify_Record(benchmark::State& state) { VerifyHeld(state, false); }
BENCHMARK(BM_Verify_Record);

void BM_Verify_FlatBuffersAlone(benchmark::State& state) {
  const HeldRecords& held = Held();
  size_t i = 0;
  for (auto _ : state) {
    const std::string& record = held.records[i];
    flatbuffers::Verifier verifier(
        reinterpret_cast<const uint8_t*>(record.data()), record.size());
    if (!fb::VerifyOrderBuffer(verifier)) {
      state.SkipWithError("record fails verification");
      break;
    }
    if (++i == held.records.size()) i = 0;
  }
}
BENCHMARK(BM_Verify_FlatBuffersAlone);

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
  SqliteGets(state, SqliteDb(), Keys(ProbeHashes()));
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
  StoreGetMany(state, OrderStore(), Keys(ProbeHashes()));
}
BENCHMARK(BM_MultiGet64_Orderstore);

void BM_MultiGet64_RocksdbFloor(benchmark::State& state) {
  RocksMultiGet(state, FloorDb(), Keys(ProbeHashes()), /*verify=*/false);
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

// A daemon's mix: one get in 20 asks for an unknown hash (every 20th), the
// rest for stored orders. The key filter is asked or skipped as the
// thread's recent gets make worth it (lib/key_filter_advice.h): this shows
// what a mix costs against the hot get and the unknown hash alone.
void BM_GetMixed_Orderstore(benchmark::State& state) {
  const Store& store = OrderStore();
  static const std::vector<OrderHash> mixed = [] {
    std::vector<OrderHash> hashes;
    const std::vector<OrderHash>& probes = ProbeHashes();
    const std::vector<OrderHash>& unknown = UnknownHashes();
    for (size_t i = 0; i < probes.size(); ++i) {
      hashes.push_back(i % 20 == 19 ? unknown[i % unknown.size()] : probes[i]);
    }
    return hashes;
  }();
  Keys keys(mixed);
  AllocCounter allocs(state);
  for (auto _ : state) {
    Result<PinnedOrder> order = store.Get(ReadOptions(), keys.Next());
    if (order.ok()) {
      benchmark::DoNotOptimize(Answer(order->view()));
    } else if (!order.status().IsNotFound()) {
      state.SkipWithError(order.status().ToString().c_str());
      break;
    }
  }
}
BENCHMARK(BM_GetMixed_Orderstore);

}  // namespace
}  // namespace orderstore::bench
