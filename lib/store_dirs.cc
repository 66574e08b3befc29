#include "lib/store_dirs.h"

#include <memory>

namespace orderstore::internal {

Status SyncParentDir(rocksdb::FileSystem* fs, const std::string& store_path) {
  std::string parent = store_path;
  while (parent.size() > 1 && parent.back() == '/') parent.pop_back();
  const size_t slash = parent.rfind('/');
  parent = slash == std::string::npos ? "."
           : slash == 0               ? "/"
                                      : parent.substr(0, slash);
  std::unique_ptr<rocksdb::FSDirectory> dir;
  rocksdb::IOStatus s = fs->NewDirectory(parent, rocksdb::IOOptions(), &dir, nullptr);
  if (s.ok()) s = dir->Fsync(rocksdb::IOOptions(), nullptr);
  if (!s.ok()) return Status::IOError(parent + ": " + s.ToString());
  return Status::OK();
}

}  // namespace orderstore::internal
