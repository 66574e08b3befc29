// Backups through RocksDB's BackupEngine (see backup.h): incremental
// (table files shared between backups, named by the RocksDB session that
// wrote them), each file's crc32c computed while it is copied.
#include "orderstore/backup.h"

#include <fcntl.h>
#include <unistd.h>

#include <rocksdb/env.h>
#include <rocksdb/utilities/backup_engine.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "lib/file_modes.h"
#include "lib/store_impl.h"

namespace orderstore {

using internal::FromRocks;

namespace {

// How often a backup from a secondary instance is tried again when the
// writer changed its files during the copy. A flush or compaction that
// lands inside every one of these windows means the writer is too busy for
// a backup from outside.
constexpr int kSecondaryAttempts = 5;

// Backups and restored stores hold the same billing data as the store:
// their files get the default store file mode (Options::file_mode), as a
// new store's do, whatever the umask.
rocksdb::Env* PrivateEnv() { return internal::ModeSettingEnv(Options().file_mode); }

rocksdb::BackupEngineOptions EngineOptions(const std::string& backup_dir) {
  rocksdb::BackupEngineOptions options(backup_dir);
  options.backup_env = PrivateEnv();
  // Two copying threads: reading one file while writing another.
  options.max_background_operations = 2;
  // sync (the default) stays on: a backup or restore that returned
  // survives a machine crash.
  return options;
}

// The status of a BackupEngine call as ours. RocksDB names the backup
// directory (and the file) in most of its messages already.
Status FromEngine(const rocksdb::IOStatus& s, const std::string& context) {
  return FromRocks(rocksdb::Status(s), context);
}

BackupInfo ToInfo(const rocksdb::BackupInfo& rocks) {
  BackupInfo info;
  info.id = rocks.backup_id;
  info.timestamp = rocks.timestamp;
  info.size = rocks.size;
  info.files = rocks.number_files;
  return info;
}

// The table files of the database's current version, sorted: what a
// writer's flush or compaction changes. (GetLiveFiles, which would add the
// manifest, is not supported by a secondary instance; a new manifest comes
// only with changed table files or a reopen of the writer.)
Result<std::vector<std::string>> LiveFiles(rocksdb::DB* db) {
  std::vector<rocksdb::LiveFileMetaData> metadata;
  db->GetLiveFilesMetaData(&metadata);
  std::vector<std::string> files;
  for (const rocksdb::LiveFileMetaData& file : metadata) {
    files.push_back(file.column_family_name + "/" + file.name);
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Whether `dir` holds a BackupEngine directory.
bool IsBackupDir(const std::string& dir) {
  std::error_code ec;
  return std::filesystem::is_directory(std::filesystem::path(dir) / "meta", ec);
}

Result<std::unique_ptr<rocksdb::BackupEngineReadOnly>> OpenReadOnly(
    const std::string& backup_dir) {
  if (!IsBackupDir(backup_dir)) {
    return Status::NotFound("backup directory " + backup_dir +
                            ": no backups here");
  }
  rocksdb::BackupEngineReadOnly* engine = nullptr;
  rocksdb::IOStatus s = rocksdb::BackupEngineReadOnly::Open(
      EngineOptions(backup_dir), PrivateEnv(), &engine);
  if (!s.ok()) return FromEngine(s, "backup directory " + backup_dir);
  return std::unique_ptr<rocksdb::BackupEngineReadOnly>(engine);
}

// Backup `id` as BackupEngine numbers it (kLatestBackup resolved), or
// NotFound.
Result<rocksdb::BackupInfo> FindBackup(
    const rocksdb::BackupEngineReadOnlyBase& engine,
    const std::string& backup_dir, uint32_t id, bool file_details) {
  rocksdb::BackupInfo info;
  rocksdb::Status s =
      id == kLatestBackup
          ? engine.GetLatestBackupInfo(&info, file_details)
          : engine.GetBackupInfo(id, &info, file_details);
  if (s.IsNotFound()) {
    return Status::NotFound(
        "backup directory " + backup_dir + ": " +
        (id == kLatestBackup ? std::string("no backups here")
                             : "no backup " + std::to_string(id)));
  }
  if (!s.ok()) return FromRocks(s, "backup directory " + backup_dir);
  return info;
}

// Syncs directory `dir` (a rename in it, made durable).
Status SyncDir(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0 || ::fsync(fd) != 0) {
    if (fd >= 0) ::close(fd);
    return Status::IOError(dir.string() + ": cannot sync the directory");
  }
  ::close(fd);
  return Status::OK();
}

}  // namespace

Result<BackupInfo> Store::Backup(const std::string& backup_dir) const {
  rocksdb::DB* db = impl_->db.get();
  const std::string context =
      "backup of store " + impl_->path + " into " + backup_dir;

  rocksdb::BackupEngine* raw_engine = nullptr;
  rocksdb::IOStatus opened = rocksdb::BackupEngine::Open(
      EngineOptions(backup_dir), PrivateEnv(), &raw_engine);
  if (!opened.ok()) return FromEngine(opened, context);
  std::unique_ptr<rocksdb::BackupEngine> engine(raw_engine);

  // Only a secondary instance catches up; every other kind of store says
  // NotSupported, and sees every write already.
  rocksdb::Status caught_up = db->TryCatchUpWithPrimary();
  const bool secondary = !caught_up.IsNotSupported();
  if (secondary && !caught_up.ok()) return FromRocks(caught_up, context);

  // No flush: the engine copies the live write-ahead log up to its size at
  // the instant it lists the files, which holds every write acknowledged
  // before. A flush for each backup would only add small table files for
  // compactions to merge.
  rocksdb::CreateBackupOptions create;
  create.flush_before_backup = false;
  rocksdb::BackupID id = 0;
  Status result;
  for (int attempt = 0;; ++attempt) {
    Result<std::vector<std::string>> before = LiveFiles(db);
    if (!before.ok()) return before.status().WithContext(context);
    rocksdb::IOStatus s = engine->CreateNewBackup(create, db, &id);
    if (!secondary) {
      if (!s.ok()) return FromEngine(s, context);
      break;
    }
    // From a secondary instance the copy is of the writer's files as this
    // instance last saw them: torn if the writer flushed or compacted (a
    // file gone, a log emptied into a table this copy lacks) meanwhile.
    // Unchanged files before and after mean every file copied was the
    // one listed, whole.
    rocksdb::Status again = db->TryCatchUpWithPrimary();
    Result<std::vector<std::string>> after = LiveFiles(db);
    if (s.ok() && again.ok() && after.ok() && *after == *before) break;
    if (s.ok()) engine->DeleteBackup(id).PermitUncheckedError();
    if (!again.ok()) return FromRocks(again, context);
    if (attempt + 1 == kSecondaryAttempts) {
      return Status::IOError(
          context + ": the writer changed the store's files during each of " +
          std::to_string(kSecondaryAttempts) +
          " attempts (flushes or compactions); back it up through the "
          "process that writes it" +
          (s.ok() ? std::string() : " (last error: " + s.ToString() + ")"));
    }
  }

  // Read the new backup back against the checksums computed while writing.
  rocksdb::IOStatus verified = engine->VerifyBackup(id, /*verify_with_checksum=*/true);
  if (!verified.ok()) {
    engine->DeleteBackup(id).PermitUncheckedError();
    return FromEngine(verified, context + ": backup " + std::to_string(id) +
                                    " read back wrong and was removed");
  }
  Result<rocksdb::BackupInfo> info = FindBackup(*engine, backup_dir, id, false);
  if (!info.ok()) return info.status();
  return ToInfo(*info);
}

Result<BackupInfo> BackupStoreAt(const std::string& path,
                                 const std::string& backup_dir) {
  Options options;
  options.read_only = true;
  options.secondary = true;
  Result<std::unique_ptr<Store>> store = Store::Open(options, path);
  if (!store.ok()) return store.status();
  return (*store)->Backup(backup_dir);
}

Result<std::vector<BackupInfo>> ListBackups(const std::string& backup_dir) {
  auto engine = OpenReadOnly(backup_dir);
  if (!engine.ok()) return engine.status();
  std::vector<rocksdb::BackupInfo> rocks;
  (*engine)->GetBackupInfo(&rocks);
  std::vector<BackupInfo> infos;
  for (const rocksdb::BackupInfo& info : rocks) infos.push_back(ToInfo(info));
  std::sort(infos.begin(), infos.end(),
            [](const BackupInfo& a, const BackupInfo& b) { return a.id < b.id; });
  return infos;
}

Status VerifyBackup(const std::string& backup_dir, uint32_t id) {
  auto engine = OpenReadOnly(backup_dir);
  if (!engine.ok()) return engine.status();
  Result<rocksdb::BackupInfo> info = FindBackup(**engine, backup_dir, id, false);
  if (!info.ok()) return info.status();
  return FromEngine(
      (*engine)->VerifyBackup(info->backup_id, /*verify_with_checksum=*/true),
      "backup directory " + backup_dir + ", backup " +
          std::to_string(info->backup_id));
}

Status RestoreBackup(const std::string& backup_dir, uint32_t id,
                     const std::string& target) {
  namespace fs = std::filesystem;
  const fs::path to = fs::absolute(fs::path(target)).lexically_normal();
  std::error_code ec;
  if (fs::exists(to, ec)) {
    if (!fs::is_directory(to, ec)) {
      return Status::InvalidArgument("restore target " + target +
                                     " exists and is not a directory");
    }
    if (!fs::is_empty(to, ec)) {
      return Status::InvalidArgument("restore target " + target +
                                     " is not empty");
    }
  }
  auto engine = OpenReadOnly(backup_dir);
  if (!engine.ok()) return engine.status();
  Result<rocksdb::BackupInfo> info = FindBackup(**engine, backup_dir, id, false);
  if (!info.ok()) return info.status();
  const std::string context = "restore of backup " +
                              std::to_string(info->backup_id) + " from " +
                              backup_dir;

  // Into a sibling first: the target only ever holds a whole store.
  const fs::path parent = to.parent_path();
  fs::create_directories(parent, ec);
  if (ec) return Status::IOError(parent.string() + ": " + ec.message());
  const fs::path staging =
      to.string() + ".restoring-" + std::to_string(::getpid());
  fs::remove_all(staging, ec);

  rocksdb::IOStatus s = (*engine)->RestoreDBFromBackup(
      rocksdb::RestoreOptions(), info->backup_id, staging.string(),
      staging.string());
  if (!s.ok()) {
    // RocksDB 7.8's restore names no file in a checksum mismatch; its
    // verification does.
    Status named = FromEngine(s, context);
    if (s.IsCorruption()) {
      rocksdb::IOStatus verified =
          (*engine)->VerifyBackup(info->backup_id, /*verify_with_checksum=*/true);
      if (verified.IsCorruption()) named = FromEngine(verified, context);
    }
    // Only once the engine's copying threads are gone.
    engine->reset();
    fs::remove_all(staging, ec);
    return named;
  }
  // Over an empty directory too: rename replaces one.
  fs::rename(staging, to, ec);
  if (ec) {
    return Status::IOError(context + ": renaming " + staging.string() +
                           " to " + target + ": " + ec.message());
  }
  return SyncDir(parent).WithContext(context);
}

}  // namespace orderstore
