// The dataset in LMDB: the same FlatBuffers records as the store, keyed by
// the 16 hash bytes.
//
// Thread safety: one thread (the benchmark runner's).
#ifndef ORDERSTORE_BENCH_LMDB_DB_H_
#define ORDERSTORE_BENCH_LMDB_DB_H_

#include <lmdb.h>

#include <string>

namespace orderstore::bench {

struct Lmdb {
  MDB_env* env = nullptr;
  MDB_dbi dbi = 0;
  std::string path;
};

// The loaded and synced database.
Lmdb& LmdbDb();

}  // namespace orderstore::bench

#endif  // ORDERSTORE_BENCH_LMDB_DB_H_
