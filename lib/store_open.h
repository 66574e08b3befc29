// Opening a store on a RocksDB file system of the caller's choosing: how
// the fault-injection tests (tests/fault_fs.h) put a file system that can
// fail calls or lose unsynced data under a store. Internal: the public API
// names no RocksDB type.
#ifndef ORDERSTORE_LIB_STORE_OPEN_H_
#define ORDERSTORE_LIB_STORE_OPEN_H_

#include <rocksdb/file_system.h>

#include <memory>
#include <string>

#include "orderstore/options.h"
#include "orderstore/status.h"
#include "orderstore/store.h"

namespace orderstore::internal {

// Store::Open, with every file the store reads, writes, renames, links,
// syncs or removes going through `fs` (its database, Store::Import's table
// files and their directory). Null: the default file system, as
// Store::Open. The store keeps `fs` alive until it is destroyed.
Result<std::unique_ptr<Store>> OpenWithFileSystem(
    const Options& options, const std::string& path,
    std::shared_ptr<rocksdb::FileSystem> fs);

}  // namespace orderstore::internal

#endif  // ORDERSTORE_LIB_STORE_OPEN_H_
