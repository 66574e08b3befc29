// StoreHooks: the points where a store calls out to its tests, so that a
// test can act between two steps of a background build or of a read.
// leveldb's Env is the model: the store gets the object at Open
// (Options::hooks) and calls only it, so production code keeps no
// process-wide test state; without one, a store calls nothing.
#ifndef ORDERSTORE_LIB_STORE_HOOKS_H_
#define ORDERSTORE_LIB_STORE_HOOKS_H_

#include <rocksdb/file_system.h>
#include <rocksdb/status.h>
#include <rocksdb/system_clock.h>

#include <memory>

#include <cstddef>

namespace orderstore::internal {

class LiveKeyFilter;

// Each default does nothing. Calls may come from any thread; an override
// must be thread-safe and must outlive every store opened with it (the
// store holds a shared_ptr to it).
class StoreHooks {
 public:
  virtual ~StoreHooks() = default;

  // At Open: the file system every file of the store goes through (its
  // database, Store::Import's table files and their directory), under the
  // store's file modes, instead of the default one; for the fault tests
  // (tests/fault_fs.h). Null: the default.
  virtual std::shared_ptr<rocksdb::FileSystem> FileSystem() { return nullptr; }

  // At Open: the clock RocksDB reads the time from and sleeps by, instead
  // of the system's (lib/hooked_env.h). The fault tests give one that
  // sleeps less: RocksDB waits a second after every failed background job
  // before the store can close. Null: the default.
  virtual std::shared_ptr<rocksdb::SystemClock> Clock() { return nullptr; }

  // At Open, with the store's key filter (lib/key_filter.h; null when it
  // has none), for tests that ask the filter directly. Its first build may
  // have started already.
  virtual void KeyFilterOpened(LiveKeyFilter* /*filter*/) {}

  // On the key filter's thread as each build starts, its snapshot taken,
  // so that a test can write while a build runs; a status other than OK
  // fails that build as a read error would.
  virtual rocksdb::Status KeyFilterBuildStarting() {
    return rocksdb::Status::OK();
  }

  // By GetMany (without a snapshot) after the key filter has ruled out
  // some of its hashes and before it reads the others, so that a test can
  // write in between.
  virtual void GetManyFiltered() {}

  // By an import after it has written the table files of part `part`
  // (counted from 0); a status other than OK fails the import there as a
  // write error would, so that a test can fail one in the middle.
  virtual rocksdb::Status ImportPartWritten(size_t /*part*/) {
    return rocksdb::Status::OK();
  }
};

}  // namespace orderstore::internal

#endif  // ORDERSTORE_LIB_STORE_HOOKS_H_
