// The RocksDB settings a Store opens with, in one place, so that benchmarks
// can measure RocksDB's own floor with exactly the same options.
#ifndef ORDERSTORE_LIB_ROCKS_OPTIONS_H_
#define ORDERSTORE_LIB_ROCKS_OPTIONS_H_

#include <rocksdb/options.h>

#include <memory>
#include <string_view>

#include "orderstore/options.h"

namespace orderstore::internal {

// The database options and the order records' column family options for
// `options` (each call makes its own caches).
rocksdb::Options RocksOptions(const Options& options);

// The options of the column family named `family` in a database opened
// with `rocks` (RocksOptions' result): `rocks`' own, sharing its caches,
// except that the index families are always compressed with zstd.
rocksdb::ColumnFamilyOptions RocksFamilyOptions(const rocksdb::Options& rocks,
                                                std::string_view family);

// An LRU cache of `bytes` for the row cache or the block cache: plain LRU,
// no high-priority pool (see rocks_options.cc).
std::shared_ptr<rocksdb::Cache> NewStoreCache(size_t bytes);

// The read options for `options`.
rocksdb::ReadOptions RocksRead(const ReadOptions& options);

}  // namespace orderstore::internal

#endif  // ORDERSTORE_LIB_ROCKS_OPTIONS_H_
