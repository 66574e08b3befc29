#include "lib/ingest_check.h"

#include <rocksdb/metadata.h>
#include <rocksdb/sst_file_reader.h>

#include <memory>

#include "lib/rocks_boundary.h"

namespace orderstore::internal {
namespace {

// The files of `family` without valid key bounds: no file of ours holds
// the empty key, so a bound that is empty can only be one RocksDB failed
// to read. Their names (as DB::DeleteFile takes them) and paths.
std::vector<std::pair<std::string, std::string>> Unbounded(
    rocksdb::DB& db, rocksdb::ColumnFamilyHandle* family) {
  rocksdb::ColumnFamilyMetaData meta;
  db.GetColumnFamilyMetaData(family, &meta);
  std::vector<std::pair<std::string, std::string>> files;
  for (const rocksdb::LevelMetaData& level : meta.levels) {
    for (const rocksdb::SstFileMetaData& file : level.files) {
      if (file.smallestkey.empty() || file.largestkey.empty()) {
        files.emplace_back(file.name, file.db_path + file.name);
      }
    }
  }
  return files;
}

// Adds every entry of the table file at `path` of `family` to `batch`,
// read through RocksDB's own reader (which shows no deletions: only for
// files that hold none).
rocksdb::Status AddFromFile(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* family,
                            const std::string& path, rocksdb::WriteBatch* batch) {
  rocksdb::SstFileReader reader(db.GetOptions(family));
  rocksdb::Status s = reader.Open(path);
  if (!s.ok()) return s;
  std::unique_ptr<rocksdb::Iterator> it(reader.NewIterator(rocksdb::ReadOptions()));
  for (it->SeekToFirst(); s.ok() && it->Valid(); it->Next()) {
    s = batch->Put(family, it->key(), it->value());
  }
  return s.ok() ? it->status() : s;
}

}  // namespace

std::set<std::string> UnboundedFiles(
    rocksdb::DB& db, const std::vector<rocksdb::ColumnFamilyHandle*>& families) {
  std::set<std::string> names;
  for (rocksdb::ColumnFamilyHandle* family : families) {
    for (auto& file : Unbounded(db, family)) names.insert(std::move(file.first));
  }
  return names;
}

rocksdb::Status RewriteUnboundedIngestions(
    rocksdb::DB& db, const std::vector<rocksdb::ColumnFamilyHandle*>& families,
    const std::set<std::string>& before) {
  rocksdb::WriteBatch batch;
  std::vector<std::string> lost;
  for (size_t i = 0; i < families.size(); ++i) {
    std::vector<std::string> paths;
    for (auto& [name, path] : Unbounded(db, families[i])) {
      if (before.count(name) != 0) continue;
      lost.push_back(name);
      paths.push_back(path);
    }
    if (paths.empty()) continue;
    for (const std::string& path : paths) {
      rocksdb::Status s = AddFromFile(db, families[i], path, &batch);
      if (!s.ok()) return s;
    }
  }
  if (lost.empty()) return rocksdb::Status::OK();
  rocksdb::WriteOptions synced;
  synced.sync = true;
  rocksdb::Status s = CommitToRocksDb(&db, synced, &batch);
  // Then the file goes: its wrong bounds break the order a level's files
  // must keep, which iterators rely on.
  for (size_t i = 0; s.ok() && i < lost.size(); ++i) s = db.DeleteFile(lost[i]);
  return s;
}

}  // namespace orderstore::internal
