// Store::Import: a large batch written as one table file per column family
// and ingested into the store in one step.
#include "lib/import.h"

#include <rocksdb/db.h>
#include <rocksdb/file_system.h>
#include <rocksdb/sst_file_writer.h>

#include <array>
#include <filesystem>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <vector>

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
// files before ingesting them.
constexpr char kImportDir[] = "import.tmp";

}  // namespace

namespace internal {

void RemoveImportLeftovers(const std::string& path) {
  std::error_code ignored;
  std::filesystem::remove_all(std::filesystem::path(path) / kImportDir, ignored);
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
  const std::filesystem::path dir = std::filesystem::path(impl_->path) / kImportDir;
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  // Through the store's file system, which gives it the store's mode.
  s = FromRocks(impl_->db->GetFileSystem()->CreateDir(dir.string(), {}, nullptr),
                dir.string());
  if (!s.ok()) return s;
  struct RemoveDir {
    const std::filesystem::path& dir;
    ~RemoveDir() {
      std::error_code ignored;
      std::filesystem::remove_all(dir, ignored);
    }
  } remove_dir{dir};

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
    files[slot] = (dir / (family->GetName() + ".sst")).string();
    written[slot] = WriteTableFile(*impl_->db, family, slot_changes, files[slot]);
  };
  std::thread orders_writer(write_slot, kOrdersSlot);
  for (size_t slot = kOrdersSlot + 1; slot < kFamilySlots; ++slot) write_slot(slot);
  std::vector<rocksdb::IngestExternalFileArg> feed_files;
  const Status feed_written =
      impl_->feed->AddImportFiles(changes->notes, dir, &feed_files);
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
  // One step for all column families, the changes and the history
  // included: RocksDB records the files of every family in one manifest
  // write, synced, so after a crash the store has all of them or none.
  s = FromRocks(impl_->db->IngestExternalFiles(args), "store " + impl_->path);
  if (s.ok()) impl_->feed->ImportCommitted(changes->notes.size());
  return s;
}

}  // namespace orderstore
