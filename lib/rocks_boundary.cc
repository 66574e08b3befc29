#include "lib/rocks_boundary.h"

#include <utility>

namespace orderstore::internal {
namespace {

[[gnu::noinline]] rocksdb::Status RocksDbWrite(
    rocksdb::DB* db, const rocksdb::WriteOptions& options,
    rocksdb::WriteBatch* batch) {
  return db->Write(options, batch);
}

}  // namespace

Status FromRocks(const rocksdb::Status& s, const std::string& context) {
  if (s.ok()) return Status::OK();
  std::string message = context + ": " + s.ToString();
  if (s.IsNotFound()) return Status::NotFound(std::move(message));
  if (s.IsCorruption()) return Status::Corruption(std::move(message));
  if (s.IsInvalidArgument() || s.IsNotSupported()) {
    return Status::InvalidArgument(std::move(message));
  }
  return Status::IOError(std::move(message));
}

[[gnu::noinline]] rocksdb::Status CommitToRocksDb(
    rocksdb::DB* db, const rocksdb::WriteOptions& options,
    rocksdb::WriteBatch* batch) {
  return RocksDbWrite(db, options, batch);
}

}  // namespace orderstore::internal
