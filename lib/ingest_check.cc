#include "lib/ingest_check.h"

#include <rocksdb/metadata.h>

namespace orderstore::internal {
namespace {

// The files of `family` without valid key bounds: no file of ours holds
// the empty key, so a bound that is empty can only be one RocksDB failed
// to read.
std::vector<std::string> Unbounded(rocksdb::DB& db,
                                   rocksdb::ColumnFamilyHandle* family) {
  rocksdb::ColumnFamilyMetaData meta;
  db.GetColumnFamilyMetaData(family, &meta);
  std::vector<std::string> names;
  for (const rocksdb::LevelMetaData& level : meta.levels) {
    for (const rocksdb::SstFileMetaData& file : level.files) {
      if (file.smallestkey.empty() || file.largestkey.empty()) {
        names.push_back(file.name);
      }
    }
  }
  return names;
}

}  // namespace

std::set<std::string> UnboundedFiles(
    rocksdb::DB& db, const std::vector<rocksdb::ColumnFamilyHandle*>& families) {
  std::set<std::string> names;
  for (rocksdb::ColumnFamilyHandle* family : families) {
    for (std::string& name : Unbounded(db, family)) names.insert(std::move(name));
  }
  return names;
}

rocksdb::Status RewriteUnboundedIngestions(
    rocksdb::DB& db, const std::vector<rocksdb::ColumnFamilyHandle*>& families,
    const std::set<std::string>& before,
    const std::function<rocksdb::Status(size_t, rocksdb::WriteBatch*)>& fill) {
  rocksdb::WriteBatch batch;
  std::vector<std::string> lost;
  for (size_t i = 0; i < families.size(); ++i) {
    bool family_lost = false;
    for (std::string& name : Unbounded(db, families[i])) {
      if (before.count(name) != 0) continue;
      lost.push_back(std::move(name));
      family_lost = true;
    }
    if (!family_lost) continue;
    rocksdb::Status s = fill(i, &batch);
    if (!s.ok()) return s;
  }
  if (lost.empty()) return rocksdb::Status::OK();
  rocksdb::WriteOptions synced;
  synced.sync = true;
  rocksdb::Status s = db.Write(synced, &batch);
  // Then the file goes: its wrong bounds break the order a level's files
  // must keep, which iterators rely on.
  for (size_t i = 0; s.ok() && i < lost.size(); ++i) s = db.DeleteFile(lost[i]);
  return s;
}

}  // namespace orderstore::internal
