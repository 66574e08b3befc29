// Full scans in key order, each reading the get benchmarks' answer (fee,
// status, every item's price and status) from every order, on one core.
#include <benchmark/benchmark.h>
#include <lmdb.h>
#include <rocksdb/db.h>
#include <simdjson.h>

#include <memory>
#include <string>
#include <thread>

#include "bench/alloc_count.h"
#include "bench/dataset.h"
#include "bench/floor_db.h"
#include "bench/json_db.h"
#include "bench/lmdb_db.h"
#include "lib/rocks_options.h"
#include "orderstore/iterator.h"
#include "orderstore/store.h"

namespace orderstore::bench {
namespace {

void BM_Scan_Orderstore(benchmark::State& state) {
  const Store& store = OrderStore();
  uint64_t scanned = 0;
  for (auto _ : state) {
    std::unique_ptr<Iterator> it = store.NewIterator(ReadOptions());
    double sum = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      Result<OrderView> view = it->view();
      if (!view.ok()) Die(view.status().ToString());
      sum += Answer(*view);
      ++scanned;
    }
    if (!it->status().ok()) Die(it->status().ToString());
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<int64_t>(scanned));
}
BENCHMARK(BM_Scan_Orderstore)->Unit(benchmark::kMillisecond);

// The floor of a scan: RocksDB's iterator over the same files, touching each
// value's bytes, without verification or decoding.
void BM_Scan_RocksdbFloor(benchmark::State& state) {
  RocksDb& db = FloorDb();
  uint64_t scanned = 0;
  for (auto _ : state) {
    std::unique_ptr<rocksdb::Iterator> it(db.db->NewIterator(
        internal::RocksRead(ReadOptions()), db.orders));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      benchmark::DoNotOptimize(it->value().data());
      ++scanned;
    }
    if (!it->status().ok()) Die(it->status().ToString());
  }
  state.SetItemsProcessed(static_cast<int64_t>(scanned));
}
BENCHMARK(BM_Scan_RocksdbFloor)->Unit(benchmark::kMillisecond);

// The floor of reconcile's scaling: the same bare iterator over the two
// halves of the key space (hashes below 0x80.. and from it), one after
// the other on one thread, or each on its own thread at once. What two
// threads gain here is what this machine gives any scan of these files.
void BM_ScanHalves_RocksdbFloor(benchmark::State& state) {
  RocksDb& db = FloorDb();
  const std::string middle(1, '\x80');
  auto scan_half = [&db, &middle](bool upper) {
    rocksdb::ReadOptions read = internal::RocksRead(ReadOptions());
    const rocksdb::Slice bound(middle);
    if (upper) {
      read.iterate_lower_bound = &bound;
    } else {
      read.iterate_upper_bound = &bound;
    }
    std::unique_ptr<rocksdb::Iterator> it(db.db->NewIterator(read, db.orders));
    uint64_t scanned = 0;
    for (upper ? it->Seek(bound) : it->SeekToFirst(); it->Valid(); it->Next()) {
      benchmark::DoNotOptimize(it->value().data());
      ++scanned;
    }
    if (!it->status().ok()) Die(it->status().ToString());
    return scanned;
  };
  uint64_t scanned = 0;
  for (auto _ : state) {
    if (state.range(0) == 1) {
      scanned += scan_half(false) + scan_half(true);
    } else {
      uint64_t upper = 0;
      std::thread other([&] { upper = scan_half(true); });
      scanned += scan_half(false);
      other.join();
      scanned += upper;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(scanned));
}
BENCHMARK(BM_ScanHalves_RocksdbFloor)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_Scan_RocksdbJsonSimdjson(benchmark::State& state) {
  RocksDb& db = JsonDb();
  simdjson::dom::parser parser;
  uint64_t scanned = 0;
  for (auto _ : state) {
    std::unique_ptr<rocksdb::Iterator> it(db.db->NewIterator(
        internal::RocksRead(ReadOptions()), db.orders));
    double sum = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      simdjson::dom::element order;
      double fee;
      std::string_view status;
      simdjson::dom::array items;
      if (parser.parse(it->value().data(), it->value().size()).get(order) ||
          order["fee"].get(fee) || order["status"].get(status) ||
          order["items"].get(items)) {
        Die("bad JSON value");
      }
      sum += fee + static_cast<int>(*ParseOrderStatus(status));
      for (simdjson::dom::element item : items) {
        double price;
        std::string_view item_status;
        if (item["price"].get(price) || item["status"].get(item_status)) {
          Die("bad JSON item");
        }
        sum += price + static_cast<int>(*ParseItemStatus(item_status));
      }
      ++scanned;
    }
    if (!it->status().ok()) Die(it->status().ToString());
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<int64_t>(scanned));
}
BENCHMARK(BM_Scan_RocksdbJsonSimdjson)->Unit(benchmark::kMillisecond);

void BM_Scan_Lmdb(benchmark::State& state) {
  Lmdb& lmdb = LmdbDb();
  uint64_t scanned = 0;
  for (auto _ : state) {
    MDB_txn* txn = nullptr;
    MDB_cursor* cursor = nullptr;
    if (mdb_txn_begin(lmdb.env, nullptr, MDB_RDONLY, &txn) != 0 ||
        mdb_cursor_open(txn, lmdb.dbi, &cursor) != 0) {
      Die("LMDB cursor");
    }
    MDB_val key, value;
    double sum = 0;
    for (int rc = mdb_cursor_get(cursor, &key, &value, MDB_FIRST); rc == 0;
         rc = mdb_cursor_get(cursor, &key, &value, MDB_NEXT)) {
      Result<OrderView> view = VerifyRecord(std::string_view(
          static_cast<const char*>(value.mv_data), value.mv_size));
      if (!view.ok()) Die(view.status().ToString());
      sum += Answer(*view);
      ++scanned;
    }
    mdb_cursor_close(cursor);
    mdb_txn_abort(txn);
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<int64_t>(scanned));
}
BENCHMARK(BM_Scan_Lmdb)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace orderstore::bench
