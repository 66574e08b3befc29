// Bytes on disk per order, for each way of holding the dataset (each fully
// compacted or checkpointed after loading). One iteration each: these are
// measurements reported through the benchmark's counters, not timings.
#include <benchmark/benchmark.h>

#include <filesystem>

#include "bench/dataset.h"
#include "bench/floor_db.h"
#include "bench/json_db.h"
#include "bench/lmdb_db.h"
#include "bench/sqlite_db.h"
#include "orderstore/store.h"

namespace orderstore::bench {
namespace {

double PerOrder(uint64_t bytes) {
  return static_cast<double>(bytes) / static_cast<double>(orders());
}

double BytesPerOrder(const std::string& path) {
  return PerOrder(DiskBytes(path));
}

void Report(benchmark::State& state, double bytes_per_order) {
  for (auto _ : state) {
  }
  state.counters["bytes_per_order"] = bytes_per_order;
}

void BM_DiskBytes_Orderstore(benchmark::State& state) {
  Report(state, BytesPerOrder(OrderStore().path()));
  // The same files seen through the floor's copy: the orders column family
  // alone (the records), without the secondary indexes.
  RocksDb& floor = FloorDb();
  uint64_t orders_sst = 0;
  if (!floor.db->GetIntProperty(floor.orders, "rocksdb.total-sst-files-size",
                                &orders_sst)) {
    Die("rocksdb.total-sst-files-size");
  }
  state.counters["orders_cf_bytes_per_order"] = PerOrder(orders_sst);
}
BENCHMARK(BM_DiskBytes_Orderstore)->Iterations(1);

void BM_DiskBytes_RocksdbJson(benchmark::State& state) {
  Report(state, BytesPerOrder(JsonDb().path));
}
BENCHMARK(BM_DiskBytes_RocksdbJson)->Iterations(1);

// SQLite as loaded (tables keyed by hash only), then with the indexes that
// answer the store's queries (AddSqliteIndexes), the like-for-like figure
// for a store that carries its secondary indexes.
void BM_DiskBytes_Sqlite(benchmark::State& state) {
  sqlite3* db = SqliteDb();
  // The directory: the database file and whatever WAL is left.
  const std::string dir =
      std::filesystem::path(sqlite3_db_filename(db, "main")).parent_path();
  Report(state, PerOrder(SqliteTablesDiskBytes()));
  AddSqliteIndexes(db);
  state.counters["indexed_bytes_per_order"] = BytesPerOrder(dir);
}
BENCHMARK(BM_DiskBytes_Sqlite)->Iterations(1);

void BM_DiskBytes_Lmdb(benchmark::State& state) {
  Report(state, BytesPerOrder(LmdbDb().path));
}
BENCHMARK(BM_DiskBytes_Lmdb)->Iterations(1);

}  // namespace
}  // namespace orderstore::bench
