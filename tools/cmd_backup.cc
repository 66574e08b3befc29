// orderstore backup and restore: copies of a store in a backup directory
// (include/orderstore/backup.h).
#include <cinttypes>
#include <cstdio>
#include <optional>
#include <string>

#include "cli.h"
#include "orderstore/backup.h"
#include "orderstore/order.h"

namespace orderstore::tool {
namespace {

// --id N as a backup id; kLatestBackup when absent. Prints a usage error
// (and returns nothing) for 0 or a malformed number.
std::optional<uint32_t> BackupId(const FlagParser& flags) {
  std::optional<uint64_t> id = flags.Count("--id", kLatestBackup);
  if (!id) return std::nullopt;
  if (flags.Has("--id") && (*id == 0 || *id > UINT32_MAX)) {
    flags.UsageError("--id wants a backup number from --list (1, 2, ...)");
    return std::nullopt;
  }
  return static_cast<uint32_t>(*id);
}

std::string Describe(const BackupInfo& info) {
  char line[160];
  std::snprintf(line, sizeof(line), "backup %" PRIu32 "  %s  %" PRIu64
                " bytes  %" PRIu32 " files",
                info.id, FormatTimestamp(Timestamp{info.timestamp, 0}).c_str(),
                info.size, info.files);
  return line;
}

}  // namespace

const char kBackupHelp[] = R"(usage: orderstore [--db DIR] backup BACKUP_DIR
       orderstore backup --list BACKUP_DIR
       orderstore backup --verify [--id N] BACKUP_DIR

Copies the store into BACKUP_DIR (created if missing) as a new backup,
numbered one above the newest there. Backups share table files: each copies
only the files the earlier ones lack. The copy is the store as of one
instant; every write acknowledged before the command started is in it. The
store may be open for writing in another process meanwhile: backup reads it
as a RocksDB secondary instance, takes no lock and writes nothing into the
store's directory; if that process flushes or compacts during the copy, the
copy is taken again (up to 5 times). Each file is read back against its
checksum before the command returns.

  --list      print the backups in BACKUP_DIR: number, time (UTC), bytes, files
  --verify    read every file of a backup back against its checksum
  --id N      with --verify: backup N (default: the newest)
  --db DIR    the store (default: $ORDERSTORE_DB, else ./orderstore.db)

Restore with 'orderstore restore'. Exit: 0 done, 1 no such store or backup,
2 usage error, 4 store or backup error (a damaged file is named).
)";

const char kRestoreHelp[] = R"(usage: orderstore restore [--id N] BACKUP_DIR TARGET

Restores a backup from BACKUP_DIR as a new store in directory TARGET, which
must not exist or be empty. Every file is checked against its checksum as it
is copied; the store is assembled beside TARGET and renamed into place only
when complete, so a failed restore leaves no store at TARGET.

  --id N      restore backup N (default: the newest; see 'backup --list')

Exit: 0 restored, 1 no such backup, 2 usage error, 3 TARGET not empty,
4 backup error (a damaged file is named) or I/O error.
)";

int Backup(const Args& args) {
  FlagParser flags("backup", args.words);
  if (!flags.Parse({"--list", "--verify"}, {"--id"})) return kExitUsage;
  if (flags.operands().size() != 1) {
    return flags.UsageError(flags.operands().empty()
                                ? "no backup directory"
                                : "unexpected argument " + flags.operands()[1]);
  }
  const std::string& dir = flags.operands()[0];
  if (flags.Has("--list") && flags.Has("--verify")) {
    return flags.UsageError("--list and --verify exclude each other");
  }
  if (flags.Has("--id") && !flags.Has("--verify")) {
    return flags.UsageError("--id goes with --verify (or restore)");
  }
  if (flags.Has("--list")) {
    Result<std::vector<BackupInfo>> infos = ListBackups(dir);
    if (!infos.ok()) {
      PrintError("backup", infos.status().message());
      return ExitCodeFor(infos.status());
    }
    std::string out;
    for (const BackupInfo& info : *infos) out += Describe(info) + "\n";
    return Emit(out) ? kExitOk : kExitStoreError;
  }
  if (flags.Has("--verify")) {
    std::optional<uint32_t> id = BackupId(flags);
    if (!id) return kExitUsage;
    Status s = VerifyBackup(dir, *id);
    if (!s.ok()) {
      PrintError("backup", s.message());
      return ExitCodeFor(s);
    }
    std::printf("%s: backup %s verified\n", dir.c_str(),
                *id == kLatestBackup ? "(newest)" : std::to_string(*id).c_str());
    return kExitOk;
  }
  Result<BackupInfo> info = BackupStoreAt(args.db, dir);
  if (!info.ok()) {
    PrintError("backup", info.status().message());
    return ExitCodeFor(info.status());
  }
  std::printf("%s: %s\n", dir.c_str(), Describe(*info).c_str());
  return kExitOk;
}

int Restore(const Args& args) {
  FlagParser flags("restore", args.words);
  if (!flags.Parse({}, {"--id"})) return kExitUsage;
  if (flags.operands().size() != 2) {
    return flags.UsageError("wants BACKUP_DIR and TARGET");
  }
  std::optional<uint32_t> id = BackupId(flags);
  if (!id) return kExitUsage;
  const std::string& dir = flags.operands()[0];
  const std::string& target = flags.operands()[1];
  Status s = RestoreBackup(dir, *id, target);
  if (!s.ok()) {
    PrintError("restore", s.message());
    return ExitCodeFor(s);
  }
  std::printf("restored %s into %s\n", dir.c_str(), target.c_str());
  return kExitOk;
}

}  // namespace orderstore::tool
