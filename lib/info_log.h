// The store's info log (RocksDB's LOG file), written by a logger of ours.
// RocksDB 7.8's own (EnvLogger) stops the process on a full disk: once
// one of its writes has failed, its next message trips an assertion
// (WritableFileWriter::AssertFalseAndGetStatusForPrevError) that Debian's
// build keeps, and the first failed write of a store on a full disk logs
// one. This one drops what it cannot write instead: the info log is for
// people reading it, never for the store's own state.
#ifndef ORDERSTORE_LIB_INFO_LOG_H_
#define ORDERSTORE_LIB_INFO_LOG_H_

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <memory>

namespace orderstore::internal {

// A logger appending timestamped lines to `file` (RocksDB's format: time,
// thread, message), flushed after each. After a failed write it writes
// nothing more: RocksDB opens the next log file when it rolls this one
// over or reopens the store. Thread-safe.
std::shared_ptr<rocksdb::Logger> NewInfoLog(
    std::unique_ptr<rocksdb::FSWritableFile> file);

}  // namespace orderstore::internal

#endif  // ORDERSTORE_LIB_INFO_LOG_H_
