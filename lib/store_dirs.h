// The directory handling a store does besides RocksDB's: making a new
// store's directory durable, and the directory where Store::Import writes
// its table files. Done through the store's own file system, so that a
// test's fault-injecting one (tests/fault_fs.h) sees it as it sees the
// database.
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

// The directory inside a store where Store::Import writes its table files
// before RocksDB ingests them. Nothing in it is ever part of the store: an ingestion links its
// files into the store's own directory, synced by RocksDB, before the
// manifest names them. So the directory itself is never synced, and one a
// crash left behind (with whatever of its files the disk kept) is only
// garbage to remove.
class ImportDir {
 public:
  // `fs` must outlive this object.
  ImportDir(rocksdb::FileSystem* fs, const std::string& store_path);
  // Removes the directory and its files, ignoring failures (see Create).
  ~ImportDir();
  ImportDir(const ImportDir&) = delete;
  ImportDir& operator=(const ImportDir&) = delete;

  // Removes what a killed import left behind, then creates the directory
  // empty. IOError naming it on failure.
  Status Create();
  // The path of a file named `name` in the directory.
  std::string File(const std::string& name) const { return dir_ + "/" + name; }

  // Removes what a killed import left behind in the store at `store_path`.
  // Called by a read-write open only: RocksDB's lock is held, so no import
  // of another process is writing there. A failure is harmless (the next
  // import removes it again), so it is not reported.
  static void RemoveLeftovers(rocksdb::FileSystem* fs,
                              const std::string& store_path);

 private:
  rocksdb::FileSystem* fs_;
  std::string dir_;
};

}  // namespace orderstore::internal

#endif  // ORDERSTORE_LIB_STORE_DIRS_H_
