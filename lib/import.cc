// ImportFiles (see import.h) and Store::Import, a batch written as one part.
#include "lib/import.h"

#include <rocksdb/file_system.h>
#include <rocksdb/sst_file_writer.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <set>
#include <thread>
#include <utility>

#include "lib/ingest_check.h"
#include "lib/order_diff.h"
#include "lib/write_plan.h"

namespace orderstore {

using internal::FamilyChanges;
using internal::FamilyOfSlot;
using internal::FinalRecord;
using internal::FromRocks;
using internal::kFamilySlots;
using internal::KeyChange;
using internal::kOrdersSlot;

namespace {

// The directory inside the store where an import writes its table files
// before ingesting them.
constexpr char kImportDir[] = "import.tmp";

// Removes `dir` and the files in it (an import writes no subdirectories),
// through the store's file system.
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

// The first 8 bytes of an order's key (its hash), in the keys' order.
uint64_t PrefixOf(std::string_view key) {
  uint64_t prefix = 0;
  for (size_t i = 0; i < 8; ++i) {
    prefix = prefix << 8 | static_cast<unsigned char>(key[i]);
  }
  return prefix;
}

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

namespace internal {

void RemoveImportLeftovers(rocksdb::FileSystem* fs, const std::string& path) {
  RemoveDir(fs, path + "/" + kImportDir).PermitUncheckedError();
}

ImportFiles::ImportFiles(StoreImpl& impl)
    : impl_(impl), alone_(impl.import_gate) {}

ImportFiles::~ImportFiles() {
  // The ingested files were moved out; whatever is left is not the store's.
  if (dir_made_) {
    RemoveDir(impl_.db->GetFileSystem(), dir_.string()).PermitUncheckedError();
  }
}

Result<std::unique_ptr<ImportFiles>> ImportFiles::Start(StoreImpl& impl) {
  Status s = impl.CheckWritable();
  if (!s.ok()) return s;
  std::unique_ptr<ImportFiles> files(new ImportFiles(impl));
  // The files are written in a directory of their own inside the store (a
  // hard link moves them in); one left by a killed import is removed by
  // the next read-write Open or import.
  files->dir_ = std::filesystem::path(impl.path) / kImportDir;
  // Through the store's file system, which gives it the store's mode.
  rocksdb::FileSystem* fs = impl.db->GetFileSystem();
  rocksdb::IOStatus made = RemoveDir(fs, files->dir_.string());
  if (made.ok()) made = fs->CreateDir(files->dir_.string(), {}, nullptr);
  s = FromRocks(made, files->dir_.string());
  if (!s.ok()) return s.WithContext("store " + impl.path);
  files->dir_made_ = true;
  return files;
}

Status ImportFiles::FindPriors(std::vector<FinalRecord>* finals,
                               std::vector<std::string>* priors) {
  std::vector<size_t> repeated;
  for (size_t i = 0; i < finals->size(); ++i) {
    if (std::binary_search(written_.begin(), written_.end(),
                           PrefixOf((*finals)[i].hash.AsKey()))) {
      repeated.push_back(i);
    }
  }
  priors->reserve(repeated.size());  // FinalRecord::prior points into it
  const rocksdb::Options options = impl_.db->GetOptions(impl_.orders);
  for (size_t i : repeated) {
    FinalRecord& final = (*finals)[i];
    const rocksdb::Slice key = KeyOf(final.hash);
    // The latest part that wrote it.
    for (size_t part = order_files_.size(); part-- > 0;) {
      if (order_files_[part].empty()) continue;
      if (readers_[part] == nullptr) {
        auto reader = std::make_unique<rocksdb::SstFileReader>(options);
        Status s = FromRocks(reader->Open(order_files_[part]), order_files_[part]);
        if (!s.ok()) return s;
        readers_[part] = std::move(reader);
      }
      std::unique_ptr<rocksdb::Iterator> it(
          readers_[part]->NewIterator(rocksdb::ReadOptions()));
      it->Seek(key);
      if (!it->status().ok()) return FromRocks(it->status(), order_files_[part]);
      if (it->Valid() && it->key() == key) {
        priors->emplace_back(it->value().data(), it->value().size());
        final.prior = &priors->back();
        break;
      }
    }
  }
  return Status::OK();
}

Status ImportFiles::AddPart(const std::vector<BatchOp>& ops,
                            WriteOutcome* creates) {
  const size_t part = parts_++;
  order_files_.emplace_back();
  readers_.emplace_back();
  std::vector<FinalRecord> finals = FinalRecords(ops);
  if (finals.empty() || failed_) return Status::OK();
  std::vector<std::string> priors;
  Status s = FindPriors(&finals, &priors);
  if (!s.ok()) return s;
  Result<FamilyChanges> changes = PlanChanges(impl_, finals, nullptr);
  if (!changes.ok()) return changes.status();
  creates->created += changes->creates.created;
  creates->existed += changes->creates.existed;
  for (CreateConflict& conflict : changes->creates.conflicts) {
    creates->conflicts.push_back(std::move(conflict));
  }
  // Nothing will be committed: the rest is only looked through for more.
  if (!creates->conflicts.empty()) return Status::OK();

  // Each column family's file is sorted and written on its own: the
  // orders' file (the records, most of the compression work) on a second
  // thread, the index files and the change feed's and history's
  // (lib/change_log.h) on this one.
  const std::string suffix = "-" + std::to_string(part) + ".sst";
  std::array<std::string, kFamilySlots> files;
  std::array<Status, kFamilySlots> written;
  auto write_slot = [&](size_t slot) {
    std::vector<KeyChange>& slot_changes = (*changes)[slot];
    if (slot_changes.empty()) return;  // a table file cannot be empty
    SortChanges(&slot_changes);
    rocksdb::ColumnFamilyHandle* family = FamilyOfSlot(impl_, slot);
    files[slot] = (dir_ / (family->GetName() + suffix)).string();
    written[slot] = WriteTableFile(*impl_.db, family, slot_changes, files[slot]);
  };
  std::thread orders_writer(write_slot, kOrdersSlot);
  for (size_t slot = kOrdersSlot + 1; slot < kFamilySlots; ++slot) write_slot(slot);
  std::vector<rocksdb::IngestExternalFileArg> feed_files;
  const Status feed_written = impl_.feed->AddImportFiles(
      changes->notes, numbered_, dir_, part, &feed_files);
  orders_writer.join();
  s = feed_written;
  for (size_t slot = 0; s.ok() && slot < kFamilySlots; ++slot) s = written[slot];
  if (s.ok() && impl_.hooks != nullptr) {
    s = FromRocks(impl_.hooks->ImportPartWritten(part), "import part");
  }
  if (!s.ok()) {
    failed_ = true;
    return s.WithContext("store " + impl_.path);
  }
  numbered_ += changes->notes.size();

  for (size_t slot = 0; slot < kFamilySlots; ++slot) {
    if (files[slot].empty()) continue;
    ArgOf(FamilyOfSlot(impl_, slot)).external_files.push_back(files[slot]);
  }
  for (rocksdb::IngestExternalFileArg& feed : feed_files) {
    std::vector<std::string>& listed = ArgOf(feed.column_family).external_files;
    for (std::string& file : feed.external_files) listed.push_back(std::move(file));
  }
  order_files_[part] = files[kOrdersSlot];
  AddToKeyFilter(impl_, finals);

  // Remember what this part wrote, for the parts after it.
  std::vector<uint64_t> prefixes;
  prefixes.reserve((*changes)[kOrdersSlot].size());
  for (const KeyChange& change : (*changes)[kOrdersSlot]) {
    prefixes.push_back(PrefixOf(change.key));
  }
  // Sorted already (SortChanges); merged into one sorted array.
  std::vector<uint64_t> merged(written_.size() + prefixes.size());
  std::merge(written_.begin(), written_.end(), prefixes.begin(), prefixes.end(),
             merged.begin());
  written_ = std::move(merged);
  return Status::OK();
}

rocksdb::IngestExternalFileArg& ImportFiles::ArgOf(
    rocksdb::ColumnFamilyHandle* family) {
  for (rocksdb::IngestExternalFileArg& arg : args_) {
    if (arg.column_family == family) return arg;
  }
  rocksdb::IngestExternalFileArg& arg = args_.emplace_back();
  arg.column_family = family;
  arg.options.move_files = true;
  return arg;
}

Status ImportFiles::Commit() {
  if (failed_) return Status::IOError("store " + impl_.path + ": import failed");
  if (args_.empty()) return Status::OK();  // every order was already stored
  std::vector<rocksdb::ColumnFamilyHandle*> families;
  for (const rocksdb::IngestExternalFileArg& arg : args_) {
    families.push_back(arg.column_family);
  }
  const std::set<std::string> unbounded = UnboundedFiles(*impl_.db, families);
  // One step for all column families, the changes and the history
  // included: RocksDB records the files of every family in one manifest
  // write, synced, so after a crash the store has all of them or none.
  rocksdb::Status ingested = impl_.db->IngestExternalFiles(args_);
  // Then what a read error may have made RocksDB lose (lib/ingest_check.h),
  // read back from the lost file itself: the parts' changes are no longer
  // held by now (a part is freed once its files are written).
  if (ingested.ok()) {
    ingested = RewriteUnboundedIngestions(*impl_.db, families, unbounded);
  }
  Status s = FromRocks(ingested, "store " + impl_.path);
  if (s.ok()) impl_.feed->ImportCommitted(numbered_);
  args_.clear();
  return s;
}

}  // namespace internal

Status Store::Import(const WriteBatch& batch, WriteOutcome* outcome) {
  Status s = impl_->CheckWritable();
  if (!s.ok()) return s;
  if (batch.size() == 0) return Status::OK();
  Result<std::unique_ptr<internal::ImportFiles>> files =
      internal::ImportFiles::Start(*impl_);
  if (!files.ok()) return files.status();
  WriteOutcome found;
  s = (*files)->AddPart(batch.rep_->ops, &found);
  if (!s.ok()) return s;
  s = internal::ReportCreates(std::move(found), outcome);
  if (!s.ok()) return s;
  return (*files)->Commit();
}

}  // namespace orderstore
