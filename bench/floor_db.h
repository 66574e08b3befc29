// Bare RocksDB beside the store: databases opened directly with the
// store's RocksDB options, and the floor, a copy of the store's own files
// (same keys, same value bytes) read without orderstore in between.
//
// Thread safety: one thread (the benchmark runner's).
#ifndef ORDERSTORE_BENCH_FLOOR_DB_H_
#define ORDERSTORE_BENCH_FLOOR_DB_H_

#include <rocksdb/db.h>

#include <memory>
#include <string>
#include <vector>

namespace orderstore::bench {

// A RocksDB database opened directly with the store's RocksDB options.
struct RocksDb {
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::ColumnFamilyHandle* orders = nullptr;
  std::string path;
  ~RocksDb();
};

// Opens (creating) every column family of the RocksDB database at `path`,
// and "orders", with StoreOptions()' RocksDB options.
std::unique_ptr<RocksDb> OpenRocks(const std::string& path);

// Compacts every column family into its last level, so that every RocksDB
// database of the run has the settled shape of a long-running store (one
// sorted run, no overlapping files) however its load went.
void CompactRocks(const std::string& path);

// Reads every order of the dataset once from `db`'s "orders" family.
void Warm(RocksDb& db);

// Dies with `what` and the status unless `s` is OK.
void Check(const rocksdb::Status& s, const std::string& what);

// A copy of the store's files as loaded, opened with bare RocksDB and
// read once: the floor.
RocksDb& FloorDb();

}  // namespace orderstore::bench

#endif  // ORDERSTORE_BENCH_FLOOR_DB_H_
