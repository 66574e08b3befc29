// Store::LockHolder: who holds a store's lock, from /proc/locks.
#include "lib/lock_holder.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "orderstore/store.h"

namespace orderstore {
namespace internal {

namespace {

// Reads the file field of a /proc/locks line, "MAJOR:MINOR:INODE" (the
// device numbers in hex, the inode in decimal), into its parts.
bool ParseFile(const std::string& field, unsigned long* major,
               unsigned long* minor, unsigned long long* inode) {
  const char* p = field.c_str();
  char* end = nullptr;
  *major = std::strtoul(p, &end, 16);
  if (end == p || *end != ':') return false;
  p = end + 1;
  *minor = std::strtoul(p, &end, 16);
  if (end == p || *end != ':') return false;
  p = end + 1;
  *inode = std::strtoull(p, &end, 10);
  return end != p && *end == '\0';
}

}  // namespace

int LockHolderIn(std::istream& locks, dev_t device, ino_t inode, pid_t self) {
  // Lines look like
  //   "1: POSIX  ADVISORY  WRITE 4242 fd:01:1835023 0 EOF"
  // ("1: -> POSIX ..." for a waiter). Inode numbers are only unique within
  // one filesystem, so the device must match too: a lock on another
  // filesystem's file with the same inode number is not the store's.
  std::string line;
  while (std::getline(locks, line)) {
    std::istringstream fields(line);
    std::string id, kind, mode, access, pid, file;
    if (!(fields >> id >> kind >> mode >> access >> pid >> file)) continue;
    unsigned long file_major, file_minor;
    unsigned long long file_inode;
    if (kind == "->" ||
        !ParseFile(file, &file_major, &file_minor, &file_inode) ||
        file_major != major(device) || file_minor != minor(device) ||
        file_inode != inode) {
      continue;
    }
    const int holder = std::atoi(pid.c_str());
    if (holder > 0 && holder != self) return holder;
  }
  return 0;
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
  // without touching the file.
  std::ifstream locks("/proc/locks");
  return internal::LockHolderIn(locks, lock_file.st_dev, lock_file.st_ino,
                                ::getpid());
}

}  // namespace orderstore
