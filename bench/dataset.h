// The benchmarks' dataset and the stores that hold it, built once per run.
//
// Order i of the dataset is GenerateOrder(kSeed, i), i < orders(). Every
// store is loaded lazily on first use, into a temporary directory removed by
// Teardown(), then fully compacted (RocksDB) or checkpointed (SQLite) and
// read once end to end, so that benchmarks see a settled, hot store.
//
// Thread safety: one thread (the benchmark runner's).
#ifndef ORDERSTORE_BENCH_DATASET_H_
#define ORDERSTORE_BENCH_DATASET_H_

#include <lmdb.h>
#include <rocksdb/db.h>
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "orderstore/options.h"
#include "orderstore/order.h"
#include "orderstore/order_view.h"
#include "orderstore/store.h"

namespace orderstore::bench {

constexpr uint64_t kSeed = 20200916;

// Set once by main() before any benchmark runs.
void SetOrderCount(uint64_t orders);
uint64_t orders();

// Hashes of the dataset, in index order.
const std::vector<OrderHash>& Hashes();
// A fixed random permutation of the dataset's hashes: gets walk it so that
// keys are random over the whole dataset.
const std::vector<OrderHash>& ProbeHashes();
// Hashes of no order in the dataset (as many as ProbeHashes, up to 2^20).
const std::vector<OrderHash>& UnknownHashes();

// The options of every RocksDB database in the run: the store's defaults,
// with a row cache that holds the whole dataset, JSON values included
// (1,280 bytes an order).
Options StoreOptions();

// The dataset in an orderstore Store.
Store& OrderStore();

// A RocksDB database opened directly (OpenRocks).
struct RocksDb {
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::ColumnFamilyHandle* orders = nullptr;
  std::string path;
  ~RocksDb();
};
// Opens every column family of the RocksDB database at `path` with
// `options` (each family's as internal::RocksFamilyOptions makes them).
std::unique_ptr<RocksDb> OpenRocks(const std::string& path,
                                   const rocksdb::Options& options);
// Compacts every column family of the RocksDB database at `path`, opened
// with `options`, into its last level: every table file is rewritten with
// `options`' layout (block size, compression).
void CompactRocks(const std::string& path, const rocksdb::Options& options);
// A new copy, under the run's directory at `name`, of the store's files as
// loaded and compacted with StoreOptions(): a copy of every file, whose
// pages in the page cache are its own. Returns its path.
std::string CopyOfStore(const std::string& name);
// The bytes of the dataset's records, uncompressed (keys and values as the
// store's table files count them): what caches of orders are sized against.
uint64_t RecordBytes();

// A copy of the store's files (same keys, same value bytes), opened with
// bare RocksDB: the floor.
RocksDb& FloorDb();
// The dataset as compact JSON values (the bare order object), keyed by the
// 16 hash bytes, with the same options.
RocksDb& JsonDb();

// The dataset in SQLite (see OpenSqlite), hot.
sqlite3* SqliteDb();
// The bytes on disk of SqliteDb()'s directory as loaded, without the
// indexes: measured when it is loaded, since whichever benchmark comes
// first (the order is random with --benchmark_enable_random_interleaving)
// may add them.
uint64_t SqliteTablesDiskBytes();
// Opens (creating) the SQLite database at `path` as the fair baseline: WAL,
// synchronous=NORMAL, locking_mode=EXCLUSIVE, a page cache of up to 2 GiB.
// The one place the schema lives. Orders: one row per order keyed by the 16
// hash bytes; items: one row per item keyed by (hash, index); times as three
// integers (seconds, nanoseconds, offset minutes); statuses as their enum
// values. Both tables WITHOUT ROWID, so a lookup is one B-tree search per
// table, and the key is stored once.
sqlite3* OpenSqlite(const std::string& path);
// Adds to `db` (if not there yet) the indexes that answer what the store's
// secondary indexes answer: orders by creation time, by status and
// creation time, and items by resource_id. Checkpoints the WAL afterwards,
// so that the database file holds them.
void AddSqliteIndexes(sqlite3* db);
// Runs `sql`, or dies naming it.
void SqliteExec(sqlite3* db, const char* sql);
// Inserts orders in one transaction, through prepared statements.
class SqliteLoader {
 public:
  explicit SqliteLoader(sqlite3* db);
  ~SqliteLoader();
  void Insert(const std::vector<Order>& orders);

 private:
  sqlite3* db_;
  sqlite3_stmt* order_ = nullptr;
  sqlite3_stmt* item_ = nullptr;
};

// The dataset in LMDB: the same FlatBuffers records as the store, keyed by
// the 16 hash bytes.
struct Lmdb {
  MDB_env* env = nullptr;
  MDB_dbi dbi = 0;
  std::string path;
};
Lmdb& LmdbDb();

// The dataset as a JSON Lines file of bare order objects, as the store
// exports them.
const std::string& JsonLinesPath();

// A fresh empty directory under the run's temporary directory.
std::string FreshDir(const std::string& name);

// Bytes of the regular files under `path` (a file or a directory).
uint64_t DiskBytes(const std::string& path);

// Reads fee, status and every item's price and status: the question every
// get benchmark answers. Returns a checksum so the reads are not optimized
// away.
double Answer(const OrderView& view);

// Closes every store and removes the temporary directory.
void Teardown();

// Fails the run with `what` (a benchmark setup error).
[[noreturn]] void Die(const std::string& what);

}  // namespace orderstore::bench

#endif  // ORDERSTORE_BENCH_DATASET_H_
