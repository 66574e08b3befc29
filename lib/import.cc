// Store::Import: a large batch written as one table file per column family
// and ingested into the store in one step.
#include "lib/import.h"

#include <rocksdb/db.h>
#include <rocksdb/file_system.h>
#include <rocksdb/sst_file_writer.h>

#include <array>
#include <set>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <vector>

#include "lib/ingest_check.h"
#include "lib/order_diff.h"
#include "lib/store_impl.h"
#include "lib/write_plan.h"
#include "orderstore/store.h"

namespace orderstore {

using internal::AddToKeyFilter;
using internal::FamilyChanges;
using internal::FamilyOfSlot;
using internal::FinalRecord;
using internal::FinalRecords;
using internal::FromRocks;
using internal::kFamilySlots;
using internal::KeyChange;
using internal::kOrdersSlot;
using internal::PlanChanges;
using internal::SortChanges;

namespace {

// The directory inside the store where Store::Import writes its table
// files before ingesting them, handled through the store's file system.
// Nothing in it is ever part of the store: an ingestion links its files
// into the store's own directory, which RocksDB syncs before the manifest
// names them. So the directory itself is never synced, and one a crash
// left behind (with whatever of its files the disk kept) is only garbage.
constexpr char kImportDir[] = "import.tmp";

// Removes `dir` and the files in it (an import writes no subdirectories).
rocksdb::IOStatus RemoveDir(rocksdb::FileSystem* fs, const std::string& dir) {
  const rocksdb::IOOptions io;
  std::vector<std::string> children;
  rocksdb::IOStatus s = fs->GetChildren(dir, io, &children, nullptr);
  if (s.IsNotFound()) return rocksdb::IOStatus::OK();
  if (!s.ok()) return s;
  for (const std::string& child : children) {
    if (child == "." || child == "..") continue;
    s = fs->DeleteFile(dir + "/" + child, io, nullptr);
    if (!s.ok() && !s.IsNotFound()) return s;
  }
  return fs->DeleteDir(dir, io, nullptr);
}

// The directory of one import: made empty by Create, removed with its
// files when this goes, whatever happened.
class ImportDir {
 public:
  ImportDir(rocksdb::FileSystem* fs, const std::string& store_path)
      : fs_(fs), dir_(store_path + "/" + kImportDir) {}
  ~ImportDir() { RemoveDir(fs_, dir_).PermitUncheckedError(); }
  ImportDir(const ImportDir&) = delete;
  ImportDir& operator=(const ImportDir&) = delete;

  // Removes what a killed import left, then creates the directory.
  Status Create() {
    rocksdb::IOStatus s = RemoveDir(fs_, dir_);
    if (s.ok()) s = fs_->CreateDir(dir_, rocksdb::IOOptions(), nullptr);
    if (!s.ok()) return Status::IOError(dir_ + ": " + s.ToString());
    return Status::OK();
  }
  std::string File(const std::string& name) const { return dir_ + "/" + name; }
  const std::string& path() const { return dir_; }

 private:
  rocksdb::FileSystem* fs_;
  std::string dir_;
};

}  // namespace

namespace internal {

void RemoveImportLeftovers(rocksdb::FileSystem* fs, const std::string& path) {
  RemoveDir(fs, path + "/" + kImportDir).PermitUncheckedError();
}

}  // namespace internal

namespace {

// Writes `changes` (sorted, each key once) as a table file at `path` that
// `family`'s options can read.
Status WriteTableFile(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* family,
                      const std::vector<KeyChange>& changes,
                      const std::string& path) {
  // Keep the written blocks in the page cache: an import is usually read
  // soon after.
  rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), db.GetOptions(family),
                                family, /*invalidate_page_cache=*/false);
  rocksdb::Status s = writer.Open(path);
  for (size_t i = 0; s.ok() && i < changes.size(); ++i) {
    const KeyChange& change = changes[i];
    s = change.deleted
            ? writer.Delete(change.key)
            : writer.Put(change.key, rocksdb::Slice(change.value.data(),
                                                    change.value.size()));
  }
  if (s.ok()) s = writer.Finish();
  return FromRocks(s, path);
}

}  // namespace

Status Store::Import(const WriteBatch& batch, WriteOutcome* outcome) {
  Status s = impl_->CheckWritable();
  if (!s.ok()) return s;
  const std::vector<FinalRecord> finals = FinalRecords(batch.rep_->ops);
  if (finals.empty()) return Status::OK();

  // No other write may change an order between our reading it and the
  // files landing.
  std::unique_lock<std::shared_mutex> alone(impl_->import_gate);

  Result<FamilyChanges> changes = PlanChanges(*impl_, finals, nullptr);
  if (!changes.ok()) return changes.status();
  s = internal::ReportCreates(std::move(changes->creates), outcome);
  if (!s.ok()) return s;

  // The files are written in a directory of their own inside the store (a
  // hard link moves them in) and removed whatever happens; one left by a
  // killed import is removed by the next read-write Open or Import.
  ImportDir dir(impl_->db->GetFileSystem(), impl_->path);
  s = dir.Create();
  if (!s.ok()) return s.WithContext("store " + impl_->path);

  // Each column family's file is sorted and written on its own: the
  // orders' file (the records, most of the compression work) on a second
  // thread, the index files and the change feed's and history's
  // (lib/change_log.h) on this one.
  std::array<std::string, kFamilySlots> files;
  std::array<Status, kFamilySlots> written;
  auto write_slot = [&](size_t slot) {
    std::vector<KeyChange>& slot_changes = (*changes)[slot];
    if (slot_changes.empty()) return;  // a table file cannot be empty
    SortChanges(&slot_changes);
    rocksdb::ColumnFamilyHandle* family = FamilyOfSlot(*impl_, slot);
    files[slot] = dir.File(family->GetName() + ".sst");
    written[slot] = WriteTableFile(*impl_->db, family, slot_changes, files[slot]);
  };
  std::thread orders_writer(write_slot, kOrdersSlot);
  for (size_t slot = kOrdersSlot + 1; slot < kFamilySlots; ++slot) write_slot(slot);
  std::vector<rocksdb::IngestExternalFileArg> feed_files;
  const Status feed_written =
      impl_->feed->AddImportFiles(changes->notes, dir.path(), &feed_files);
  orders_writer.join();
  if (!feed_written.ok()) return feed_written.WithContext("store " + impl_->path);

  std::vector<rocksdb::IngestExternalFileArg> args;
  for (size_t slot = 0; slot < kFamilySlots; ++slot) {
    if (!written[slot].ok()) return written[slot].WithContext("store " + impl_->path);
    if (files[slot].empty()) continue;
    rocksdb::IngestExternalFileArg arg;
    arg.column_family = FamilyOfSlot(*impl_, slot);
    arg.external_files = {files[slot]};
    arg.options.move_files = true;
    args.push_back(std::move(arg));
  }
  if (args.empty()) return Status::OK();  // every order was already stored
  for (rocksdb::IngestExternalFileArg& arg : feed_files) args.push_back(std::move(arg));
  AddToKeyFilter(*impl_, finals);
  std::vector<rocksdb::ColumnFamilyHandle*> families;
  for (const rocksdb::IngestExternalFileArg& arg : args) {
    families.push_back(arg.column_family);
  }
  const std::set<std::string> unbounded =
      internal::UnboundedFiles(*impl_->db, families);
  // One step for all column families, the changes and the history
  // included: RocksDB records the files of every family in one manifest
  // write, synced, so after a crash the store has all of them or none.
  rocksdb::Status ingested = impl_->db->IngestExternalFiles(args);
  // Then what a read error may have made RocksDB lose (lib/ingest_check.h).
  if (ingested.ok()) {
    ingested = internal::RewriteUnboundedIngestions(
        *impl_->db, families, unbounded,
        [&](size_t i, rocksdb::WriteBatch* rewrite) {
          for (size_t slot = 0; slot < kFamilySlots; ++slot) {
            if (FamilyOfSlot(*impl_, slot) != families[i]) continue;
            for (const KeyChange& change : (*changes)[slot]) {
              rocksdb::Status added =
                  change.deleted
                      ? rewrite->Delete(families[i], change.key)
                      : rewrite->Put(families[i], change.key,
                                     rocksdb::Slice(change.value.data(),
                                                    change.value.size()));
              if (!added.ok()) return added;
            }
            return rocksdb::Status::OK();
          }
          return rocksdb::Status::NotSupported();  // the feed's: from its file
        });
  }
  s = FromRocks(ingested, "store " + impl_->path);
  if (s.ok()) impl_->feed->ImportCommitted(changes->notes.size());
  return s;
}

}  // namespace orderstore
