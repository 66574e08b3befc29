// The benchmarks' dataset and the store that holds it, built once per run.
// The comparison databases live beside it, one file each: floor_db.h (bare
// RocksDB), json_db.h (JSON values), sqlite_db.h, lmdb_db.h.
//
// Order i of the dataset is GenerateOrder(kSeed, i), i < orders(). Every
// store is loaded lazily on first use, into a temporary directory removed by
// Teardown(), then fully compacted (RocksDB) or checkpointed (SQLite) and
// read once end to end, so that benchmarks see a settled, hot store.
//
// Thread safety: one thread (the benchmark runner's).
#ifndef ORDERSTORE_BENCH_DATASET_H_
#define ORDERSTORE_BENCH_DATASET_H_

#include <cstdint>
#include <functional>
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

// The store's files as loaded and compacted, copied before the store is
// first opened: what the floor (floor_db.h) reads with bare RocksDB.
const std::string& LoadedStoreCopy();

// Calls use(i, order i) for every order of the dataset, in order. Loaders
// write kLoadChunk orders per batch or transaction.
void ForEachOrder(const std::function<void(uint64_t, const Order&)>& use);
constexpr uint64_t kLoadChunk = 10'000;

// Registers how to close a comparison database; Teardown() calls these,
// latest first, before removing the run's directory.
void AtTeardown(std::function<void()> close);

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
