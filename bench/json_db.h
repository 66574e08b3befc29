// The dataset as JSON values: the bare order objects the store exports,
// in a RocksDB database keyed by the 16 hash bytes (with the store's
// RocksDB options), and as a JSON Lines file.
//
// Thread safety: one thread (the benchmark runner's).
#ifndef ORDERSTORE_BENCH_JSON_DB_H_
#define ORDERSTORE_BENCH_JSON_DB_H_

#include <string>

#include "bench/floor_db.h"

namespace orderstore::bench {

// The JSON values in RocksDB, compacted and read once.
RocksDb& JsonDb();

// The JSON Lines file, one bare order object a line, in dataset order.
const std::string& JsonLinesPath();

}  // namespace orderstore::bench

#endif  // ORDERSTORE_BENCH_JSON_DB_H_
