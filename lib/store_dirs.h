// Making a new store's directory durable, through the store's own file
// system (so that a test's fault-injecting one, tests/fault_fs.h, sees it
// as it sees the database).
#ifndef ORDERSTORE_LIB_STORE_DIRS_H_
#define ORDERSTORE_LIB_STORE_DIRS_H_

#include <rocksdb/file_system.h>

#include <string>

#include "orderstore/status.h"

namespace orderstore::internal {

// Syncs the directory holding `store_path`, once Open has created the
// store there. RocksDB syncs the files it makes and the store's directory,
// but not that directory's own entry in its parent: without this, a power
// loss soon after creating a store could take the whole store with it,
// writes already acknowledged included. IOError naming the directory.
Status SyncParentDir(rocksdb::FileSystem* fs, const std::string& store_path);

}  // namespace orderstore::internal

#endif  // ORDERSTORE_LIB_STORE_DIRS_H_
