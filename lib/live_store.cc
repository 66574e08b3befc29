// Reading a store another process writes (see live_store.h and
// Store::LockHolder).
#include "lib/live_store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdarg>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "orderstore/store.h"

namespace orderstore {
namespace internal {
namespace {

// Secondary instances write an info log of their own; ours writes none, so
// that reading a live store leaves no trace anywhere.
class DiscardLogger final : public rocksdb::Logger {
 public:
  using rocksdb::Logger::Logv;
  void Logv(const char* /*format*/, va_list /*ap*/) override {}
};

}  // namespace

rocksdb::Status OpenSecondary(
    rocksdb::DBOptions options, const std::string& path,
    const std::vector<rocksdb::ColumnFamilyDescriptor>& descriptors,
    std::vector<rocksdb::ColumnFamilyHandle*>* handles, rocksdb::DB** db) {
  options.info_log = std::make_shared<DiscardLogger>();
  options.max_open_files = -1;  // required of a secondary instance
  // The secondary path only holds a secondary's info log, which ours does
  // not write.
  rocksdb::Status s = rocksdb::DB::OpenAsSecondary(
      options, path, std::filesystem::temp_directory_path().string(),
      descriptors, handles, db);
  if (!s.ok()) return s;
  // The writer may have flushed (and dropped a log) while Open read the
  // manifest; catching up reads the rest of the manifest.
  s = (*db)->TryCatchUpWithPrimary();
  if (!s.ok()) {
    for (rocksdb::ColumnFamilyHandle* handle : *handles) {
      (*db)->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
    }
    handles->clear();
    delete *db;
    *db = nullptr;
  }
  return s;
}

}  // namespace internal

int Store::LockHolder(const std::string& path) {
  struct stat lock_file;
  if (::stat((std::filesystem::path(path) / "LOCK").c_str(), &lock_file) != 0) {
    return 0;
  }
  // RocksDB locks the LOCK file with fcntl. Asking fcntl (F_GETLK) would
  // need a descriptor of the file, and closing any descriptor of a file
  // drops every fcntl lock this process holds on it; /proc/locks tells
  // without touching the file. Lines look like
  //   "1: POSIX  ADVISORY  WRITE 4242 fd:01:1835023 0 EOF"
  // ("1: -> POSIX ..." for a waiter), the last part of the device field
  // being the inode.
  std::ifstream locks("/proc/locks");
  std::string line;
  const std::string inode = ":" + std::to_string(lock_file.st_ino);
  while (std::getline(locks, line)) {
    std::istringstream fields(line);
    std::string id, kind, mode, access, pid, device;
    if (!(fields >> id >> kind >> mode >> access >> pid >> device)) continue;
    if (kind == "->" || device.size() < inode.size() ||
        device.compare(device.size() - inode.size(), inode.size(), inode) !=
            0) {
      continue;
    }
    const int holder = std::atoi(pid.c_str());
    if (holder > 0 && holder != ::getpid()) return holder;
  }
  return 0;
}

}  // namespace orderstore
