// Store::Import's working directory inside a store (import.cc).
#ifndef ORDERSTORE_LIB_IMPORT_H_
#define ORDERSTORE_LIB_IMPORT_H_

#include <rocksdb/file_system.h>

#include <string>

namespace orderstore::internal {

// Removes the table files a killed Import left behind. Called only with the
// store open read-write: RocksDB's lock is held, so no Import of another
// process is writing there, and a read-only or secondary instance never
// changes a store's directory. Nothing in it is part of the store (an
// ingestion moves its files out), so a failure to remove it is harmless:
// the next Import removes it again. Through `fs`, the store's file system.
void RemoveImportLeftovers(rocksdb::FileSystem* fs, const std::string& path);

}  // namespace orderstore::internal

#endif  // ORDERSTORE_LIB_IMPORT_H_
