// The big-store case: the dataset in stores whose caches hold a few percent
// of it, as a billing daemon with millions of orders runs, the files hot in
// the operating system's page cache (or dropped from it, for the cold
// variant). Built lazily, like the rest of the run's dataset (dataset.h).
//
// Thread safety: one thread (the benchmark runner's).
#ifndef ORDERSTORE_BENCH_BIG_STORE_H_
#define ORDERSTORE_BENCH_BIG_STORE_H_

#include <sqlite3.h>

#include <cstdint>
#include <string>

#include "bench/dataset.h"
#include "bench/floor_db.h"
#include "orderstore/options.h"
#include "orderstore/store.h"

namespace orderstore::bench {

// The memory every big-store contender gets for its caches: 5% of the
// records' uncompressed bytes (RecordBytes()).
uint64_t BigCacheBytes();

// Options() with its caches scaled down to BigCacheBytes() in all, split
// between the row cache and the block cache as Options() splits its own.
Options BigStoreOptions();

// A copy of the store's files opened as a Store with BigStoreOptions(),
// its key filter built.
Store& BigStore();
// Another copy opened as a Store with the same budget all in the block
// cache (no row cache).
Store& BigStoreBlockCacheOnly();
// Another copy, opened with bare RocksDB and BigStoreOptions()' RocksDB
// options: the floor.
RocksDb& BigFloorDb();
// A copy of SqliteDb() with its indexes (AddSqliteIndexes), opened with a
// page cache of BigCacheBytes().
sqlite3* BigSqliteDb();

// Copies of the store's files for the cold benchmarks, which open them
// afresh each time: a RocksDB database reads its table files through a
// memory map, and pages it has mapped stay in the page cache whatever
// DropPageCache asks.
const std::string& ColdStorePath();
const std::string& ColdFloorPath();

// Reads every file under `path` once, so that it is in the page cache.
void WarmPageCache(const std::string& path);
// Drops every file under `path` from the page cache
// (posix_fadvise(POSIX_FADV_DONTNEED) after fdatasync). Pages a process has
// mapped stay.
void DropPageCache(const std::string& path);

}  // namespace orderstore::bench

#endif  // ORDERSTORE_BENCH_BIG_STORE_H_
