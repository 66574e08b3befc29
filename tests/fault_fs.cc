#include "tests/fault_fs.h"

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <set>
#include <system_error>
#include <utility>
#include <vector>

#include "lib/store_hooks.h"

namespace orderstore::testing {

namespace fs = std::filesystem;
using rocksdb::FileOptions;
using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;
using rocksdb::Slice;

const char* FaultOpName(FaultOp op) {
  switch (op) {
    case FaultOp::kWrite:
      return "write";
    case FaultOp::kSync:
      return "sync";
    case FaultOp::kRead:
      return "read";
    case FaultOp::kRename:
      return "rename";
    case FaultOp::kCreate:
      return "create";
  }
  return "?";
}

// A file (or directory) as the disk knows it; the names in Dir's maps point
// at these, so that a hard link or a rename keeps one file's state.
struct FaultFs::Node {
  bool is_dir = false;
  uint64_t size = 0;    // bytes written (files are only appended to)
  uint64_t synced = 0;  // of which synced
  // A failed sync loses the bytes from here on, whatever later syncs say.
  uint64_t lost_from = UINT64_MAX;
  // Where its contents were kept (trash) when a name of it went away.
  std::string kept;
};

// A directory: the entries it holds now, and those it held when last synced
// (or when first seen, if it was never synced since).
struct FaultFs::Dir {
  std::map<std::string, NodePtr> live, durable;
};

namespace {

std::string Norm(const std::string& path) {
  std::string p = fs::path(path).lexically_normal().string();
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p;
}
std::string ParentOf(const std::string& path) {
  return fs::path(path).parent_path().string();
}
std::string NameOf(const std::string& path) {
  return fs::path(path).filename().string();
}

// A RocksDB owner wrapper (`Base`, over a `File`) that reports to its
// FaultFs, knowing the path it was opened by.
template <typename Base, typename File>
class Watched : public Base {
 public:
  Watched(std::unique_ptr<File> file, FaultFs* owner, std::string path)
      : Base(std::move(file)), fs_(owner), path_(std::move(path)) {}

 protected:
  FaultFs* const fs_;
  const std::string path_;
};

class FaultWritableFile
    : public Watched<rocksdb::FSWritableFileOwnerWrapper, rocksdb::FSWritableFile> {
 public:
  FaultWritableFile(std::unique_ptr<rocksdb::FSWritableFile> file,
                    FaultFs* owner, FaultFs::NodePtr node, std::string path)
      : Watched(std::move(file), owner, std::move(path)),
        node_(std::move(node)) {}

  IOStatus Append(const Slice& data, const IOOptions& options,
                  IODebugContext* dbg) override {
    IOStatus s = fs_->Enter(FaultOp::kWrite, path_);
    if (s.ok()) s = target()->Append(data, options, dbg);
    if (s.ok()) fs_->Appended(node_, data.size());
    return s;
  }
  IOStatus Append(const Slice& data, const IOOptions& options,
                  const rocksdb::DataVerificationInfo& info,
                  IODebugContext* dbg) override {
    IOStatus s = fs_->Enter(FaultOp::kWrite, path_);
    if (s.ok()) s = target()->Append(data, options, info, dbg);
    if (s.ok()) fs_->Appended(node_, data.size());
    return s;
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset,
                            const IOOptions& options,
                            IODebugContext* dbg) override {
    IOStatus s = fs_->Enter(FaultOp::kWrite, path_);
    if (s.ok()) s = target()->PositionedAppend(data, offset, options, dbg);
    if (s.ok()) fs_->Resized(node_, offset + data.size(), /*grow_only=*/true);
    return s;
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset,
                            const IOOptions& options,
                            const rocksdb::DataVerificationInfo& info,
                            IODebugContext* dbg) override {
    IOStatus s = fs_->Enter(FaultOp::kWrite, path_);
    if (s.ok()) {
      s = target()->PositionedAppend(data, offset, options, info, dbg);
    }
    if (s.ok()) fs_->Resized(node_, offset + data.size(), /*grow_only=*/true);
    return s;
  }
  IOStatus Truncate(uint64_t size, const IOOptions& options,
                    IODebugContext* dbg) override {
    IOStatus s = target()->Truncate(size, options, dbg);
    if (s.ok()) fs_->Resized(node_, size, /*grow_only=*/false);
    return s;
  }
  // The real fdatasync is left out (as for directories): what survives a
  // power cut is what this model says, and a real sync per acknowledged
  // write would make the tests' many cuts slow on a disk.
  IOStatus Sync(const IOOptions& /*options*/, IODebugContext* /*dbg*/) override {
    IOStatus s = fs_->Enter(FaultOp::kSync, path_);
    fs_->Synced(node_, s.ok());
    return s;
  }
  IOStatus Fsync(const IOOptions& options, IODebugContext* dbg) override {
    return Sync(options, dbg);
  }
  IOStatus RangeSync(uint64_t /*offset*/, uint64_t /*nbytes*/,
                     const IOOptions& /*options*/,
                     IODebugContext* /*dbg*/) override {
    return IOStatus::OK();  // a hint to write back early, never a sync
  }

 private:
  const FaultFs::NodePtr node_;
};

class FaultRandomAccessFile
    : public Watched<rocksdb::FSRandomAccessFileOwnerWrapper,
                     rocksdb::FSRandomAccessFile> {
 public:
  using Watched::Watched;

  IOStatus Read(uint64_t offset, size_t n, const IOOptions& options,
                Slice* result, char* scratch,
                IODebugContext* dbg) const override {
    IOStatus s = fs_->EnterRead(path_, offset);
    return s.ok() ? target()->Read(offset, n, options, result, scratch, dbg)
                  : s;
  }
  // One call, one count: all its requests fail together.
  IOStatus MultiRead(rocksdb::FSReadRequest* reqs, size_t num_reqs,
                     const IOOptions& options, IODebugContext* dbg) override {
    IOStatus s = fs_->EnterRead(path_, num_reqs > 0 ? reqs[0].offset : 0);
    if (s.ok()) return target()->MultiRead(reqs, num_reqs, options, dbg);
    for (size_t i = 0; i < num_reqs; ++i) reqs[i].status = s;
    return s;
  }
  // The base class's synchronous fallback, which reads through Read above.
  IOStatus ReadAsync(rocksdb::FSReadRequest& req, const IOOptions& options,
                     std::function<void(const rocksdb::FSReadRequest&, void*)> cb,
                     void* cb_arg, void** io_handle, rocksdb::IOHandleDeleter* del_fn,
                     IODebugContext* dbg) override {
    return FSRandomAccessFile::ReadAsync(req, options, std::move(cb), cb_arg,
                                         io_handle, del_fn, dbg);
  }
};

class FaultSequentialFile
    : public Watched<rocksdb::FSSequentialFileOwnerWrapper,
                     rocksdb::FSSequentialFile> {
 public:
  using Watched::Watched;

  IOStatus Read(size_t n, const IOOptions& options, Slice* result,
                char* scratch, IODebugContext* dbg) override {
    IOStatus s = fs_->EnterRead(path_, UINT64_MAX);
    return s.ok() ? target()->Read(n, options, result, scratch, dbg) : s;
  }
  IOStatus PositionedRead(uint64_t offset, size_t n, const IOOptions& options,
                          Slice* result, char* scratch,
                          IODebugContext* dbg) override {
    IOStatus s = fs_->EnterRead(path_, offset);
    return s.ok() ? target()->PositionedRead(offset, n, options, result,
                                             scratch, dbg)
                  : s;
  }
};

class FaultDirectory
    : public Watched<rocksdb::FSDirectoryWrapper, rocksdb::FSDirectory> {
 public:
  using Watched::Watched;

  // No real fsync: see FaultWritableFile::Sync.
  IOStatus Fsync(const IOOptions& /*options*/, IODebugContext* /*dbg*/) override {
    IOStatus s = fs_->Enter(FaultOp::kSync, path_);
    fs_->DirSynced(path_, s.ok());
    return s;
  }
  IOStatus FsyncWithDirOptions(
      const IOOptions& options, IODebugContext* dbg,
      const rocksdb::DirFsyncOptions& /*dir_options*/) override {
    return Fsync(options, dbg);
  }
};

}  // namespace

FaultFs::FaultFs(const std::string& trash)
    : FileSystemWrapper(rocksdb::FileSystem::Default()), trash_(Norm(trash)) {
  std::error_code ec;
  fs::remove_all(trash_, ec);  // what an earlier FaultFs kept there
  fs::create_directories(trash_, ec);
}

FaultFs::~FaultFs() = default;

// ------------------------------------------------------------ failures

void FaultFs::FailNth(FaultOp op, uint64_t n, int error, bool sticky) {
  std::lock_guard<std::mutex> lock(mu_);
  const size_t i = static_cast<size_t>(op);
  arms_[i] = Arm{n, error, sticky};
  armed_at_[i] = calls_[i];
}

void FaultFs::Heal() {
  std::lock_guard<std::mutex> lock(mu_);
  arms_ = {};
  fail_read_ = nullptr;
}

void FaultFs::Spare(std::function<bool(FaultOp, const std::string&)> spare) {
  std::lock_guard<std::mutex> lock(mu_);
  spare_ = std::move(spare);
}

void FaultFs::FailReads(
    std::function<bool(const std::string&, uint64_t)> fail) {
  std::lock_guard<std::mutex> lock(mu_);
  fail_read_ = std::move(fail);
}

IOStatus FaultFs::EnterRead(const std::string& path, uint64_t offset) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!off_ && fail_read_ && fail_read_(path, offset)) {
      ++injected_[static_cast<size_t>(FaultOp::kRead)];
      last_injected_ = "read of " + path;
      return IOStatus::IOError("injected EIO");
    }
  }
  return Enter(FaultOp::kRead, path);
}

uint64_t FaultFs::Calls(FaultOp op) const {
  std::lock_guard<std::mutex> lock(mu_);
  return calls_[static_cast<size_t>(op)];
}

std::string FaultFs::LastInjected() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_injected_;
}

uint64_t FaultFs::Injected(FaultOp op) const {
  std::lock_guard<std::mutex> lock(mu_);
  return injected_[static_cast<size_t>(op)];
}

IOStatus FaultFs::Enter(FaultOp op, const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  if (off_) return IOStatus::OK();  // nothing fails in a dead machine
  if (spare_ && spare_(op, path)) return IOStatus::OK();
  const size_t i = static_cast<size_t>(op);
  const uint64_t nth = ++calls_[i] - armed_at_[i];
  const Arm& arm = arms_[i];
  if (arm.nth == 0 || nth < arm.nth || (nth > arm.nth && !arm.sticky)) {
    return IOStatus::OK();
  }
  ++injected_[i];
  last_injected_ = std::string(FaultOpName(op)) + " of " + path;
  return arm.error == ENOSPC ? IOStatus::NoSpace("injected ENOSPC")
                             : IOStatus::IOError("injected EIO");
}

// ------------------------------------------------------- what is durable

void FaultFs::Appended(const NodePtr& node, uint64_t bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  node->size += bytes;
}

void FaultFs::Resized(const NodePtr& node, uint64_t size, bool grow_only) {
  std::lock_guard<std::mutex> lock(mu_);
  if (grow_only && size <= node->size) return;
  node->size = size;
  node->synced = std::min(node->synced, size);
}

void FaultFs::Synced(const NodePtr& node, bool ok) {
  std::lock_guard<std::mutex> lock(mu_);
  if (off_) return;  // too late
  if (ok) {
    node->synced = node->size;
  } else {
    node->lost_from = std::min(node->lost_from, node->synced);
  }
}

void FaultFs::DirSynced(const std::string& dir, bool ok) {
  if (!ok) return;  // the entries stay as undurable as they were
  std::lock_guard<std::mutex> lock(mu_);
  if (off_) return;  // too late
  Dir& d = DirOf(Norm(dir));
  d.durable = d.live;
}

FaultFs::Dir& FaultFs::DirOf(const std::string& path) {
  auto [it, added] = dirs_.try_emplace(path);
  if (!added) return it->second;
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(path, ec)) {
    auto node = std::make_shared<Node>();
    if (entry.is_directory(ec)) {
      node->is_dir = true;
    } else {
      node->size = node->synced = entry.file_size(ec);
    }
    it->second.live[entry.path().filename().string()] = node;
  }
  it->second.durable = it->second.live;
  return it->second;
}

FaultFs::NodePtr FaultFs::LiveNode(const std::string& path) {
  Dir& dir = DirOf(ParentOf(path));
  auto it = dir.live.find(NameOf(path));
  return it == dir.live.end() ? nullptr : it->second;
}

bool FaultFs::IsDurable(const NodePtr& node) const {
  for (const auto& [path, dir] : dirs_) {
    for (const auto& [name, durable] : dir.durable) {
      if (durable == node) return true;
    }
  }
  return false;
}

std::string FaultFs::NextTrashPath() {
  return trash_ + "/" + std::to_string(++trash_files_);
}

void FaultFs::KeepIfDurable(const std::string& path, const NodePtr& node) {
  if (node == nullptr || node->is_dir || !node->kept.empty() ||
      !IsDurable(node)) {
    return;
  }
  // A hard link: the contents stay whatever becomes of the name.
  std::string kept = NextTrashPath();
  std::error_code ec;
  fs::create_hard_link(path, kept, ec);
  if (!ec) node->kept = std::move(kept);
}

// -------------------------------------------------------------- files

IOStatus FaultFs::NewSequentialFile(const std::string& f,
                                    const FileOptions& options,
                                    std::unique_ptr<rocksdb::FSSequentialFile>* result,
                                    IODebugContext* dbg) {
  IOStatus s = target()->NewSequentialFile(f, options, result, dbg);
  if (s.ok()) result->reset(new FaultSequentialFile(std::move(*result), this, f));
  return s;
}

IOStatus FaultFs::NewRandomAccessFile(
    const std::string& f, const FileOptions& options,
    std::unique_ptr<rocksdb::FSRandomAccessFile>* result, IODebugContext* dbg) {
  IOStatus s = target()->NewRandomAccessFile(f, options, result, dbg);
  if (s.ok()) {
    result->reset(new FaultRandomAccessFile(std::move(*result), this, f));
  }
  return s;
}

IOStatus FaultFs::NewWritableFile(const std::string& f,
                                  const FileOptions& options,
                                  std::unique_ptr<rocksdb::FSWritableFile>* result,
                                  IODebugContext* dbg) {
  IOStatus s = Enter(FaultOp::kCreate, f);
  if (!s.ok()) return s;
  std::lock_guard<std::mutex> lock(mu_);
  const std::string path = Norm(f);
  Dir& dir = DirOf(ParentOf(path));
  // Truncating an existing file changes it in place: a copy a power loss
  // may bring back must be moved aside first.
  if (NodePtr old = LiveNode(path); old != nullptr && !old->is_dir) {
    if (old->kept.empty() && IsDurable(old)) {
      std::string kept = NextTrashPath();
      std::error_code ec;
      fs::rename(path, kept, ec);
      if (!ec) old->kept = std::move(kept);
    }
    dir.live.erase(NameOf(path));
  }
  s = target()->NewWritableFile(f, options, result, dbg);
  if (!s.ok()) return s;
  auto node = std::make_shared<Node>();
  dir.live[NameOf(path)] = node;
  result->reset(new FaultWritableFile(std::move(*result), this, node, f));
  return s;
}

IOStatus FaultFs::ReopenWritableFile(
    const std::string& f, const FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* result, IODebugContext* dbg) {
  IOStatus s = Enter(FaultOp::kCreate, f);
  if (!s.ok()) return s;
  std::lock_guard<std::mutex> lock(mu_);
  const std::string path = Norm(f);
  NodePtr node = LiveNode(path);
  s = target()->ReopenWritableFile(f, options, result, dbg);
  if (!s.ok()) return s;
  if (node == nullptr) {
    node = std::make_shared<Node>();
    DirOf(ParentOf(path)).live[NameOf(path)] = node;
  }
  // (The reopened file object counts its size from 0: ask the disk.)
  uint64_t size = 0;
  if (target()->GetFileSize(f, IOOptions(), &size, dbg).ok()) node->size = size;
  result->reset(new FaultWritableFile(std::move(*result), this, node, f));
  return s;
}

// Not used by the store (RocksDB recycles log files only with
// recycle_log_file_num, which it leaves at 0): refused rather than left
// untracked.
IOStatus FaultFs::ReuseWritableFile(const std::string&, const std::string&,
                                    const FileOptions&,
                                    std::unique_ptr<rocksdb::FSWritableFile>*,
                                    IODebugContext*) {
  return IOStatus::NotSupported("FaultFs: ReuseWritableFile");
}
// Files written in place (RocksDB's only use: rewriting an ingested file's
// global sequence number, which the store never asks for).
IOStatus FaultFs::NewRandomRWFile(const std::string&, const FileOptions&,
                                  std::unique_ptr<rocksdb::FSRandomRWFile>*,
                                  IODebugContext*) {
  return IOStatus::NotSupported("FaultFs: NewRandomRWFile");
}
IOStatus FaultFs::NewMemoryMappedFileBuffer(
    const std::string&, std::unique_ptr<rocksdb::MemoryMappedFileBuffer>*) {
  return IOStatus::NotSupported("FaultFs: NewMemoryMappedFileBuffer");
}

IOStatus FaultFs::NewDirectory(const std::string& d, const IOOptions& options,
                               std::unique_ptr<rocksdb::FSDirectory>* result,
                               IODebugContext* dbg) {
  IOStatus s = target()->NewDirectory(d, options, result, dbg);
  if (s.ok()) result->reset(new FaultDirectory(std::move(*result), this, d));
  return s;
}

IOStatus FaultFs::DeleteFile(const std::string& f, const IOOptions& options,
                             IODebugContext* dbg) {
  IOStatus s;
  std::lock_guard<std::mutex> lock(mu_);
  const std::string path = Norm(f);
  KeepIfDurable(path, LiveNode(path));
  s = target()->DeleteFile(f, options, dbg);
  if (s.ok()) DirOf(ParentOf(path)).live.erase(NameOf(path));
  return s;
}

IOStatus FaultFs::Truncate(const std::string& f, size_t size,
                           const IOOptions& options, IODebugContext* dbg) {
  IOStatus s;
  std::lock_guard<std::mutex> lock(mu_);
  s = target()->Truncate(f, size, options, dbg);
  if (NodePtr node = LiveNode(Norm(f)); s.ok() && node != nullptr) {
    node->size = size;
    node->synced = std::min<uint64_t>(node->synced, size);
  }
  return s;
}

IOStatus FaultFs::RenameFile(const std::string& from, const std::string& to,
                             const IOOptions& options, IODebugContext* dbg) {
  return NewName(from, to, /*link=*/false,
                 [&] { return target()->RenameFile(from, to, options, dbg); });
}

IOStatus FaultFs::LinkFile(const std::string& from, const std::string& to,
                           const IOOptions& options, IODebugContext* dbg) {
  return NewName(from, to, /*link=*/true,
                 [&] { return target()->LinkFile(from, to, options, dbg); });
}

IOStatus FaultFs::NewName(const std::string& from, const std::string& to,
                          bool link, const std::function<IOStatus()>& call) {
  IOStatus s = Enter(FaultOp::kRename, from);
  if (!s.ok()) return s;
  std::lock_guard<std::mutex> lock(mu_);
  const std::string src = Norm(from), dst = Norm(to);
  NodePtr node = LiveNode(src);
  KeepIfDurable(dst, LiveNode(dst));  // the file a rename replaces
  s = call();
  if (!s.ok()) return s;
  if (node == nullptr) node = std::make_shared<Node>();
  if (!link) DirOf(ParentOf(src)).live.erase(NameOf(src));
  DirOf(ParentOf(dst)).live[NameOf(dst)] = node;  // a link: one file, two names
  return s;
}

// ---------------------------------------------------------- directories

IOStatus FaultFs::CreateDir(const std::string& d, const IOOptions& options,
                            IODebugContext* dbg) {
  IOStatus s = Enter(FaultOp::kCreate, d);
  if (!s.ok()) return s;
  std::lock_guard<std::mutex> lock(mu_);
  const std::string path = Norm(d);
  Dir& parent = DirOf(ParentOf(path));
  s = target()->CreateDir(d, options, dbg);
  if (s.ok()) AddDir(&parent, path);
  return s;
}

IOStatus FaultFs::CreateDirIfMissing(const std::string& d,
                                     const IOOptions& options,
                                     IODebugContext* dbg) {
  IOStatus s = Enter(FaultOp::kCreate, d);
  if (!s.ok()) return s;
  std::lock_guard<std::mutex> lock(mu_);
  const std::string path = Norm(d);
  Dir& parent = DirOf(ParentOf(path));
  const bool existed = parent.live.count(NameOf(path)) != 0;
  s = target()->CreateDirIfMissing(d, options, dbg);
  if (s.ok() && !existed) AddDir(&parent, path);
  return s;
}

void FaultFs::AddDir(Dir* parent, const std::string& path) {
  auto node = std::make_shared<Node>();
  node->is_dir = true;
  parent->live[NameOf(path)] = node;
  dirs_[path] = Dir();
}

IOStatus FaultFs::DeleteDir(const std::string& d, const IOOptions& options,
                            IODebugContext* dbg) {
  IOStatus s;
  std::lock_guard<std::mutex> lock(mu_);
  const std::string path = Norm(d);
  Dir& parent = DirOf(ParentOf(path));
  Dir& dir = DirOf(path);
  s = target()->DeleteDir(d, options, dbg);
  if (!s.ok()) return s;
  parent.live.erase(NameOf(path));
  dir.live.clear();
  return s;
}

IOStatus FaultFs::LockFile(const std::string& f, const IOOptions& options,
                           rocksdb::FileLock** lock, IODebugContext* dbg) {
  IOStatus s;
  std::lock_guard<std::mutex> guard(mu_);
  const std::string path = Norm(f);
  const bool existed = LiveNode(path) != nullptr;
  s = target()->LockFile(f, options, lock, dbg);
  if (s.ok() && !existed) {
    DirOf(ParentOf(path)).live[NameOf(path)] = std::make_shared<Node>();
  }
  return s;
}

// ------------------------------------------------------------ power loss

void FaultFs::CutPower() {
  std::lock_guard<std::mutex> lock(mu_);
  off_ = true;
}

bool FaultFs::PowerIsOn() const {
  std::lock_guard<std::mutex> lock(mu_);
  return !off_;
}

std::string FaultFs::LoseUnsynced() {
  std::lock_guard<std::mutex> lock(mu_);
  std::string problems;
  auto problem = [&problems](const std::string& what, const std::error_code& ec) {
    problems += what + ": " + ec.message() + "\n";
  };
  std::error_code ec;

  // 1. Every file a synced directory names, but that is not kept yet, is
  // kept now: the steps below remove names before they restore others.
  std::set<Node*> durable;
  for (const auto& [path, dir] : dirs_) {
    for (const auto& [name, node] : dir.durable) durable.insert(node.get());
  }
  for (const auto& [path, dir] : dirs_) {
    for (const auto& [name, node] : dir.live) {
      if (durable.count(node.get()) && !node->is_dir && node->kept.empty()) {
        std::string kept = NextTrashPath();
        fs::create_hard_link(path + "/" + name, kept, ec);
        if (ec) problem("keeping " + path + "/" + name, ec);
        node->kept = std::move(kept);
      }
    }
  }

  // 2. Each directory, parents first (a parent's path sorts before its
  // children's), gets back the entries it held when last synced.
  std::vector<std::string> gone;  // directories whose creation was lost
  for (auto& [path, dir] : dirs_) {
    bool under_gone = false;
    for (const std::string& g : gone) {
      if (path.compare(0, g.size() + 1, g + "/") == 0) under_gone = true;
    }
    if (under_gone) continue;
    auto parent = dirs_.find(ParentOf(path));
    if (parent != dirs_.end()) {
      auto entry = parent->second.durable.find(NameOf(path));
      if (entry == parent->second.durable.end() || !entry->second->is_dir) {
        fs::remove_all(path, ec);
        if (ec) problem("removing " + path, ec);
        gone.push_back(path);
        continue;
      }
      fs::create_directories(path, ec);
    }
    for (const auto& [name, node] : dir.live) {
      auto entry = dir.durable.find(name);
      if (entry != dir.durable.end() && entry->second == node) continue;
      if (node->is_dir && dirs_.count(path + "/" + name)) continue;  // its turn comes
      fs::remove_all(path + "/" + name, ec);
      if (ec) problem("removing " + path + "/" + name, ec);
    }
    for (const auto& [name, node] : dir.durable) {
      const std::string file = path + "/" + name;
      if (node->is_dir) {
        fs::create_directories(file, ec);
        continue;
      }
      auto entry = dir.live.find(name);
      if (entry == dir.live.end() || entry->second != node) {
        if (node->kept.empty()) {
          problems += file + ": its contents were not kept\n";
          continue;
        }
        fs::remove(file, ec);
        fs::create_hard_link(node->kept, file, ec);
        if (ec) problem("restoring " + file, ec);
      }
      const uint64_t keep = std::min(node->synced, node->lost_from);
      const uint64_t size = fs::file_size(file, ec);
      if (!ec && size > keep) fs::resize_file(file, keep, ec);
      if (ec) problem("cutting " + file, ec);
    }
  }

  // 3. The state starts afresh from what the disk now holds.
  dirs_.clear();
  fs::remove_all(trash_, ec);
  fs::create_directories(trash_, ec);
  return problems;
}

namespace {

// The system clock, but no sleep longer than 10 ms: RocksDB sleeps a
// second after each background job an injected error fails (so as not to
// spin on a failing disk), which would make most runs of the I/O-error
// sweep wait that second to close the store. 10 ms still keeps it from
// spinning.
class ShortSleepClock : public rocksdb::SystemClockWrapper {
 public:
  ShortSleepClock() : SystemClockWrapper(rocksdb::SystemClock::Default()) {}
  static const char* kClassName() { return "ShortSleepClock"; }
  const char* Name() const override { return kClassName(); }
  void SleepForMicroseconds(int micros) override {
    SystemClockWrapper::SleepForMicroseconds(std::min(micros, 10000));
  }
};

class FaultHooks : public internal::StoreHooks {
 public:
  explicit FaultHooks(std::shared_ptr<rocksdb::FileSystem> fs)
      : fs_(std::move(fs)), clock_(std::make_shared<ShortSleepClock>()) {}
  std::shared_ptr<rocksdb::FileSystem> FileSystem() override { return fs_; }
  std::shared_ptr<rocksdb::SystemClock> Clock() override { return clock_; }

 private:
  std::shared_ptr<rocksdb::FileSystem> fs_;
  std::shared_ptr<rocksdb::SystemClock> clock_;
};

}  // namespace

Result<std::unique_ptr<Store>> OpenOn(std::shared_ptr<rocksdb::FileSystem> fs,
                                      Options options, const std::string& path) {
  options.hooks = std::make_shared<FaultHooks>(std::move(fs));
  return Store::Open(options, path);
}

}  // namespace orderstore::testing
