#include "lib/store_dirs.h"

#include <memory>
#include <vector>

namespace orderstore::internal {
namespace {

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

}  // namespace

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

ImportDir::ImportDir(rocksdb::FileSystem* fs, const std::string& store_path)
    : fs_(fs), dir_(store_path + "/" + kImportDir) {}

ImportDir::~ImportDir() { RemoveDir(fs_, dir_).PermitUncheckedError(); }

Status ImportDir::Create() {
  rocksdb::IOStatus s = RemoveDir(fs_, dir_);
  if (s.ok()) s = fs_->CreateDir(dir_, rocksdb::IOOptions(), nullptr);
  if (!s.ok()) return Status::IOError(dir_ + ": " + s.ToString());
  return Status::OK();
}

void ImportDir::RemoveLeftovers(rocksdb::FileSystem* fs,
                                const std::string& store_path) {
  RemoveDir(fs, store_path + "/" + kImportDir).PermitUncheckedError();
}

}  // namespace orderstore::internal
