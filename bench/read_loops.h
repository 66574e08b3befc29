// The timed loops of the read benchmarks, shared by the hot ones
// (get_bench.cc, query_bench.cc: a row cache that holds the dataset) and the
// big-store ones (big_store_bench.cc: caches that hold a few percent of it).
// Each answers "fee, status, and every item's price and status" (Answer):
// gets for keys taken in turn from a fixed random permutation of the
// dataset, counting the loop's allocations ("allocs") and page faults
// ("faults"), and one-day creation windows.
#ifndef ORDERSTORE_BENCH_READ_LOOPS_H_
#define ORDERSTORE_BENCH_READ_LOOPS_H_

#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <cstddef>
#include <vector>

#include "bench/dataset.h"
#include "bench/floor_db.h"
#include "orderstore/store.h"

namespace orderstore::bench {

constexpr size_t kMultiGetKeys = 64;

// Cycles through `hashes` from `first`.
class Keys {
 public:
  explicit Keys(const std::vector<OrderHash>& hashes, size_t first = 0)
      : hashes_(hashes), i_(first % hashes.size()) {}
  const OrderHash& Next() {
    const OrderHash& hash = hashes_[i_];
    if (++i_ == hashes_.size()) i_ = 0;
    return hash;
  }

 private:
  const std::vector<OrderHash>& hashes_;
  size_t i_;
};

// Store::Get of each key.
void StoreGets(benchmark::State& state, const Store& store, Keys keys);

// Bare rocksdb::DB::Get into a PinnableSlice of each key, read with
// `store`'s read options, then the answer read from the record through the
// FlatBuffers accessors; with `verify`, the record is verified first, as
// the store does (what a get does beyond RocksDB).
void RocksGets(benchmark::State& state, RocksDb& db, Keys keys, bool verify);

// Store::GetMany of kMultiGetKeys keys at a time; items_per_second counts
// keys.
void StoreGetMany(benchmark::State& state, const Store& store, Keys keys);

// rocksdb::DB::MultiGet of kMultiGetKeys keys at a time, with `verify` as
// for RocksGets.
void RocksMultiGet(benchmark::State& state, RocksDb& db, Keys keys,
                   bool verify);

// Two prepared statements, one B-tree search in each of SQLite's tables.
void SqliteGets(benchmark::State& state, sqlite3* db, Keys keys);

// Store::QueryCreated over one random day (of the generator's six years)
// per iteration, reading every order's view; items_per_second counts
// orders. The days follow a fixed sequence.
void StoreDayWindows(benchmark::State& state, const Store& store);

// The same question in SQLite through its index on the creation time, in
// one join (REQUIRES: AddSqliteIndexes(db)).
void SqliteDayWindows(benchmark::State& state, sqlite3* db);

}  // namespace orderstore::bench

#endif  // ORDERSTORE_BENCH_READ_LOOPS_H_
