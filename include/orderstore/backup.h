// Backups of a store: copies taken while the store is in use, kept in a
// backup directory of their own, and restored into a new store directory.
//
// A backup directory holds any number of backups, numbered 1, 2, ... in
// the order they were taken. They share table files: a backup copies only
// the files the previous backups lack, so a second backup of a store that
// changed a little costs little. Each file's checksum is computed while it
// is copied and the new backup is read back against it before Backup
// returns. Every column family of the store (orders, indexes, and any
// other) is in each backup.
//
// Thread safety: the functions may be called from any thread. Two calls
// that change one backup directory (Backup) must not run at the same time,
// in one process or in two; reading calls (ListBackups, VerifyBackup,
// RestoreBackup) may run beside each other.
#ifndef ORDERSTORE_BACKUP_H_
#define ORDERSTORE_BACKUP_H_

#include <cstdint>
#include <string>
#include <vector>

#include "orderstore/export.h"
#include "orderstore/status.h"
#include "orderstore/store.h"

namespace orderstore {

// One backup in a backup directory.
struct BackupInfo {
  uint32_t id = 0;         // 1 for the first backup taken into the directory
  int64_t timestamp = 0;   // when it was taken: seconds since 1970 (UTC)
  uint64_t size = 0;       // bytes of its files, shared ones included
  uint32_t files = 0;      // how many files it consists of
};

// For the `id` parameters below: the newest backup.
inline constexpr uint32_t kLatestBackup = 0;

// Store::Backup(backup_dir) (store.h) backs an open store up into
// `backup_dir` (created if missing, not its parents) as a new backup
// numbered one above the newest there. The backup is the
// store as of one instant during the call: every write that returned
// before the call is in it, with everything the store held then. It holds
// the store's table files and its write-ahead log up to that instant, so
// nothing is flushed for it and writes go on meanwhile; a restore replays
// the log when the restored store is first opened. (A read-only store, not
// secondary: as it was when opened.)
//
// The store may be open read-write (a daemon backing up the store it
// holds), read-only, or a secondary instance (Options::secondary) of a
// store another process writes. A secondary instance copies files the
// writer may delete or replace meanwhile (a flush, a compaction); Backup
// notices when the writer changed its set of files while the copy ran,
// drops that backup and tries again, up to a few times (then IOError
// saying so: back up through the writer instead).
//
// Errors: IOError when the backup directory cannot be written or a
// store file read; Corruption when the copy read back does not match the
// checksum computed while writing it (the broken backup is removed).
// Nothing is left behind by a failed call but files a later Backup
// removes.

// Backs up the store in directory `path` (see Store::Backup), whether or not
// another process has it open for writing: opens it as a secondary
// instance, which takes no lock and writes nothing into the store's
// directory. NotFound when there is no store in `path`.
ORDERSTORE_EXPORT Result<BackupInfo> BackupStoreAt(
    const std::string& path, const std::string& backup_dir);

// The backups in `backup_dir`, oldest first. A backup whose description
// file is damaged is left out. NotFound when `backup_dir` holds no backup
// directory; IOError when it cannot be read.
ORDERSTORE_EXPORT Result<std::vector<BackupInfo>> ListBackups(
    const std::string& backup_dir);

// Reads every file of backup `id` (kLatestBackup: the newest) back and
// checks its size and checksum against those recorded when it was taken.
// Corruption naming the first file that differs (its path inside
// `backup_dir`); NotFound for an unknown id; IOError when a file cannot be
// read.
ORDERSTORE_EXPORT Status VerifyBackup(const std::string& backup_dir,
                                      uint32_t id = kLatestBackup);

// Restores backup `id` (kLatestBackup: the newest) of `backup_dir` as a new
// store in directory `target`, which must not exist or be empty
// (InvalidArgument otherwise). The files are copied into a sibling
// directory of `target` and checked against their checksums as they are
// copied; only once all are there (and synced) is that directory renamed
// to `target`, so a failed or interrupted restore never leaves a store at
// `target` (a killed one may leave the sibling, "<target>.restoring-*").
// Corruption naming the damaged file; NotFound for an unknown id; IOError
// when a file cannot be read or written.
ORDERSTORE_EXPORT Status RestoreBackup(const std::string& backup_dir,
                                       uint32_t id, const std::string& target);

}  // namespace orderstore

#endif  // ORDERSTORE_BACKUP_H_
