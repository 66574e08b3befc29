// The dataset in SQLite, the fair baseline: WAL, synchronous=NORMAL,
// locking_mode=EXCLUSIVE, a page cache of up to 2 GiB.
//
// Thread safety: one thread (the benchmark runner's).
#ifndef ORDERSTORE_BENCH_SQLITE_DB_H_
#define ORDERSTORE_BENCH_SQLITE_DB_H_

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <vector>

#include "orderstore/order.h"

namespace orderstore::bench {

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

}  // namespace orderstore::bench

#endif  // ORDERSTORE_BENCH_SQLITE_DB_H_
