#include "lib/ingest_check.h"

#include <rocksdb/metadata.h>

namespace orderstore::internal {
namespace {

size_t Unbounded(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* family) {
  rocksdb::ColumnFamilyMetaData meta;
  db.GetColumnFamilyMetaData(family, &meta);
  size_t n = 0;
  for (const rocksdb::LevelMetaData& level : meta.levels) {
    for (const rocksdb::SstFileMetaData& file : level.files) {
      n += file.smallestkey.empty() && file.largestkey.empty();
    }
  }
  return n;
}

}  // namespace

std::vector<size_t> CountUnboundedFiles(
    rocksdb::DB& db, const std::vector<rocksdb::ColumnFamilyHandle*>& families) {
  std::vector<size_t> counts;
  for (rocksdb::ColumnFamilyHandle* family : families) {
    counts.push_back(Unbounded(db, family));
  }
  return counts;
}

rocksdb::Status RewriteUnboundedIngestions(
    rocksdb::DB& db, const std::vector<rocksdb::ColumnFamilyHandle*>& families,
    const std::vector<size_t>& before,
    const std::function<rocksdb::Status(size_t, rocksdb::WriteBatch*)>& fill) {
  rocksdb::WriteBatch batch;
  for (size_t i = 0; i < families.size(); ++i) {
    if (Unbounded(db, families[i]) <= before[i]) continue;
    rocksdb::Status s = fill(i, &batch);
    if (!s.ok()) return s;
  }
  if (batch.Count() == 0) return rocksdb::Status::OK();
  rocksdb::WriteOptions synced;
  synced.sync = true;
  return db.Write(synced, &batch);
}

}  // namespace orderstore::internal
