// The two crossings of the boundary with RocksDB that every lib/ file
// shares: its statuses translated into ours, and its write path entered
// through one function.
#ifndef ORDERSTORE_LIB_ROCKS_BOUNDARY_H_
#define ORDERSTORE_LIB_ROCKS_BOUNDARY_H_

#include <rocksdb/db.h>
#include <rocksdb/status.h>
#include <rocksdb/write_batch.h>

#include <string>

#include "orderstore/status.h"

namespace orderstore::internal {

// Translates a RocksDB status; `context` says what was being done
// ("store /x", "order 6028..."). NotFound, Corruption and InvalidArgument
// (NotSupported too) keep their kind; anything else is an IOError.
Status FromRocks(const rocksdb::Status& s, const std::string& context);

// db->Write(options, batch), and nothing else. Every batch orderstore
// writes enters RocksDB here, so that ThreadSanitizer reports can name
// RocksDB's write path: TSan records only instrumented frames, and shows an
// instrumented function only at the call it is making, so a race inside
// Debian's (uninstrumented) RocksDB, such as a write group's leader copying
// the other writers' batches, would otherwise show only as its caller's
// line. This function is the frame in those reports that
// scripts/tsan.supp matches; it calls an out-of-line function so that it
// stays a frame of its own.
rocksdb::Status CommitToRocksDb(rocksdb::DB* db,
                                const rocksdb::WriteOptions& options,
                                rocksdb::WriteBatch* batch);

}  // namespace orderstore::internal

#endif  // ORDERSTORE_LIB_ROCKS_BOUNDARY_H_
