// Reads of a store bigger than its caches (big_store.h): gets, 64-key
// GetMany and one-day windows with the caches at 5% of the records, beside
// bare RocksDB over the same files with the same options (the floor) and
// SQLite with a page cache of the same size; LMDB has no cache of its own
// and is BM_Get_Lmdb (get_bench.cc). Hot: the files in the page cache.
// Cold: dropped from it before each repetition's timed loop (reported, the
// disk's latency more than the store's).
#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>
#include <string>

#include "bench/big_store.h"
#include "bench/dataset.h"
#include "bench/read_loops.h"
#include "lib/rocks_options.h"

namespace orderstore::bench {
namespace {

// Gets per repetition of a cold benchmark: few enough that most of them
// read from the disk, many enough to average its latency.
constexpr int kColdGets = 2000;

// Where in the probe permutation a loop starts: each repetition elsewhere,
// so that none finds its keys in the caches the previous one filled.
Keys FreshKeys() {
  static uint64_t state = 7;
  state = state * 6364136223846793005ull + 1442695040888963407ull;
  return Keys(ProbeHashes(), static_cast<size_t>(state >> 17));
}

std::string SqliteDir(sqlite3* db) {
  return std::filesystem::path(sqlite3_db_filename(db, "main")).parent_path();
}

void BM_BigGet_Orderstore(benchmark::State& state) {
  const Store& store = BigStore();
  WarmPageCache(store.path());
  StoreGets(state, store, FreshKeys());
  state.counters["cache_mib"] =
      static_cast<double>(BigCacheBytes()) / (1 << 20);
}
BENCHMARK(BM_BigGet_Orderstore);

void BM_BigGet_OrderstoreBlockCache(benchmark::State& state) {
  const Store& store = BigStoreBlockCacheOnly();
  WarmPageCache(store.path());
  StoreGets(state, store, FreshKeys());
}
BENCHMARK(BM_BigGet_OrderstoreBlockCache);

// Get, then verify and read the record as the store does.
void BM_BigGet_RocksdbFloor(benchmark::State& state) {
  RocksDb& db = BigFloorDb();
  WarmPageCache(db.path);
  RocksGets(state, db, FreshKeys(), /*verify=*/true);
}
BENCHMARK(BM_BigGet_RocksdbFloor);

void BM_BigGet_Sqlite(benchmark::State& state) {
  sqlite3* db = BigSqliteDb();
  WarmPageCache(SqliteDir(db));
  SqliteGets(state, db, FreshKeys());
}
BENCHMARK(BM_BigGet_Sqlite);

void BM_BigMultiGet64_Orderstore(benchmark::State& state) {
  const Store& store = BigStore();
  WarmPageCache(store.path());
  StoreGetMany(state, store, FreshKeys());
}
BENCHMARK(BM_BigMultiGet64_Orderstore);

void BM_BigMultiGet64_RocksdbFloor(benchmark::State& state) {
  RocksDb& db = BigFloorDb();
  WarmPageCache(db.path);
  RocksMultiGet(state, db, FreshKeys(), /*verify=*/true);
}
BENCHMARK(BM_BigMultiGet64_RocksdbFloor);

void BM_BigDayWindow_Orderstore(benchmark::State& state) {
  const Store& store = BigStore();
  WarmPageCache(store.path());
  StoreDayWindows(state, store);
}
BENCHMARK(BM_BigDayWindow_Orderstore)->Unit(benchmark::kMicrosecond);

void BM_BigDayWindow_Sqlite(benchmark::State& state) {
  sqlite3* db = BigSqliteDb();
  WarmPageCache(SqliteDir(db));
  SqliteDayWindows(state, db);
}
BENCHMARK(BM_BigDayWindow_Sqlite)->Unit(benchmark::kMicrosecond);

// Opened afresh, so that no page of its files is mapped when they are
// dropped, and without the key filter, whose build would read them all (it
// answers only hashes the store does not hold).
void BM_BigGetCold_Orderstore(benchmark::State& state) {
  Options options = BigStoreOptions();
  options.key_filter = false;
  Result<std::unique_ptr<Store>> store = Store::Open(options, ColdStorePath());
  if (!store.ok()) Die(store.status().ToString());
  DropPageCache(ColdStorePath());
  StoreGets(state, **store, FreshKeys());
}
BENCHMARK(BM_BigGetCold_Orderstore)->Iterations(kColdGets)->UseRealTime();

void BM_BigGetCold_RocksdbFloor(benchmark::State& state) {
  std::unique_ptr<RocksDb> db =
      OpenRocks(ColdFloorPath(), internal::RocksOptions(BigStoreOptions()));
  DropPageCache(ColdFloorPath());
  RocksGets(state, *db, FreshKeys(), /*verify=*/true);
}
BENCHMARK(BM_BigGetCold_RocksdbFloor)->Iterations(kColdGets)->UseRealTime();

void BM_BigGetCold_Sqlite(benchmark::State& state) {
  sqlite3* db = BigSqliteDb();
  DropPageCache(SqliteDir(db));
  SqliteGets(state, db, FreshKeys());
}
BENCHMARK(BM_BigGetCold_Sqlite)->Iterations(kColdGets)->UseRealTime();

}  // namespace
}  // namespace orderstore::bench
