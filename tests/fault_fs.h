// FaultFs: a RocksDB file system for tests that fails chosen calls and
// simulates power loss, wrapped around the default (POSIX) one.
//
// Failures: FailNth makes the n-th call of one kind (write, sync, read,
// rename or link, file or directory creation) fail with EIO or ENOSPC, once
// or from then on (a full disk stays full).
//
// Power loss: the file system records, for every file, how many of its
// bytes were synced, and for every directory, which entries (file names
// and the files they name) it held when it was last synced. CutPower is
// the moment the power goes: from then on nothing reaches the disk for
// good. The store runs on (its calls still succeed, as they would for the
// instant before a machine stops) but no sync counts any more, and a test
// takes no acknowledgement after the cut as one (the client died too).
// Once the store is destroyed, LoseUnsynced turns the real disk into what
// it would hold after the power came back:
//   - every file is cut back to the bytes synced before the cut (files are
//     only ever appended to, so that is all that was lost);
//   - every directory holds exactly the entries it held when last synced:
//     files created, renamed in or linked in since are gone, and files
//     deleted, renamed away or replaced since are back (their contents are
//     kept aside, under the `trash` directory, until then);
//   - a directory created since its parent was last synced is gone.
// A sync that failed loses the bytes it was syncing for good, even if a
// later sync succeeds: on Linux a failed fsync may drop the dirty pages
// and report success next time ("fsyncgate").
// Then a test reopens the store from what is left with the default file
// system. The model is the pessimistic one POSIX allows: a real disk may
// keep more (ext4 commits metadata in order), never less.
//
// Why the store's calls succeed after the cut rather than fail: they
// cannot change what the disk keeps either way, and failing them costs a
// second per cut (RocksDB sleeps that long after a failed background flush
// before the store can close). Failing calls is what FailNth is for.
//
// What it does not model: torn or reordered writes inside the synced
// prefix, and corruption of synced data. (The store's info log is written
// through it as any file: lib/info_log.h.)
//
// Thread safety: every method may be called from any thread.
#ifndef ORDERSTORE_TESTS_FAULT_FS_H_
#define ORDERSTORE_TESTS_FAULT_FS_H_

#include <rocksdb/file_system.h>

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "orderstore/options.h"
#include "orderstore/status.h"
#include "orderstore/store.h"

namespace orderstore::testing {

// The kinds of call FailNth can fail.
enum class FaultOp {
  kWrite,   // an append to a file
  kSync,    // a file's or a directory's fsync
  kRead,    // a read from a file
  kRename,  // a rename or a hard link
  kCreate,  // creating a file (or opening one to append) or a directory
};
inline constexpr size_t kFaultOpCount = 5;
const char* FaultOpName(FaultOp op);

class FaultFs : public rocksdb::FileSystemWrapper {
 public:
  // `trash`: a directory on the same file system as the store and outside
  // it, where deleted and replaced files are kept until LoseUnsynced
  // (emptied, or created if missing, here and by LoseUnsynced).
  explicit FaultFs(const std::string& trash);
  ~FaultFs() override;

  // --- Failures. Errors come back as RocksDB's IOError ("injected EIO")
  // or its NoSpace IOError ("injected ENOSPC").

  // Fails the n-th call of kind `op` counted from now (n >= 1) with
  // `error`, EIO or ENOSPC; with `sticky`, every later one too.
  void FailNth(FaultOp op, uint64_t n, int error, bool sticky = false);
  // Stops failing calls.
  void Heal();
  // Calls of kind `op` on `path` for which `spare(op, path)` is true are
  // neither counted nor failed by FailNth (FailReads still applies).
  void Spare(std::function<bool(FaultOp, const std::string&)> spare);
  // Fails with EIO every read (at `offset`; a sequential read's is
  // UINT64_MAX) for which `fail(path, offset)` is true, until Heal.
  void FailReads(std::function<bool(const std::string&, uint64_t)> fail);
  // Calls of kind `op` so far (failed ones included).
  uint64_t Calls(FaultOp op) const;
  // Failures injected so far, of kind `op`.
  uint64_t Injected(FaultOp op) const;
  // The last failure injected: its kind and file ("read of /x/000012.sst").
  std::string LastInjected() const;

  // --- Power loss.

  // The power goes off: from now on no sync counts and nothing fails.
  void CutPower();
  // False once CutPower was called. A write the store acknowledged is
  // acknowledged only if the power was still on when the store returned.
  bool PowerIsOn() const;
  // Makes the real disk what it would hold after the power came back (see
  // above). REQUIRES: nothing uses this file system any more (the store on
  // it is destroyed).
  // Returns "" or what went wrong.
  std::string LoseUnsynced();

  // --- rocksdb::FileSystem.
  static const char* kClassName() { return "FaultFs"; }
  const char* Name() const override { return kClassName(); }

  rocksdb::IOStatus NewSequentialFile(
      const std::string& f, const rocksdb::FileOptions& options,
      std::unique_ptr<rocksdb::FSSequentialFile>* result,
      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus NewRandomAccessFile(
      const std::string& f, const rocksdb::FileOptions& options,
      std::unique_ptr<rocksdb::FSRandomAccessFile>* result,
      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus NewWritableFile(
      const std::string& f, const rocksdb::FileOptions& options,
      std::unique_ptr<rocksdb::FSWritableFile>* result,
      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReopenWritableFile(
      const std::string& f, const rocksdb::FileOptions& options,
      std::unique_ptr<rocksdb::FSWritableFile>* result,
      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReuseWritableFile(
      const std::string& f, const std::string& old_f,
      const rocksdb::FileOptions& options,
      std::unique_ptr<rocksdb::FSWritableFile>* result,
      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus NewRandomRWFile(
      const std::string& f, const rocksdb::FileOptions& options,
      std::unique_ptr<rocksdb::FSRandomRWFile>* result,
      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus NewMemoryMappedFileBuffer(
      const std::string& f,
      std::unique_ptr<rocksdb::MemoryMappedFileBuffer>* result) override;
  rocksdb::IOStatus NewDirectory(
      const std::string& d, const rocksdb::IOOptions& options,
      std::unique_ptr<rocksdb::FSDirectory>* result,
      rocksdb::IODebugContext* dbg) override;

  rocksdb::IOStatus DeleteFile(const std::string& f,
                               const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus Truncate(const std::string& f, size_t size,
                             const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus RenameFile(const std::string& from, const std::string& to,
                               const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus LinkFile(const std::string& from, const std::string& to,
                             const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus CreateDir(const std::string& d,
                              const rocksdb::IOOptions& options,
                              rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus CreateDirIfMissing(const std::string& d,
                                       const rocksdb::IOOptions& options,
                                       rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus DeleteDir(const std::string& d,
                              const rocksdb::IOOptions& options,
                              rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus LockFile(const std::string& f,
                             const rocksdb::IOOptions& options,
                             rocksdb::FileLock** lock,
                             rocksdb::IODebugContext* dbg) override;

  // What the files and directory wrappers (fault_fs.cc) share with it.
  struct Node;
  using NodePtr = std::shared_ptr<Node>;
  // Counts a call of kind `op` and says whether it fails: OK or an
  // injected error.
  rocksdb::IOStatus Enter(FaultOp op, const std::string& path);
  // The same for a read of `path` at `offset`.
  rocksdb::IOStatus EnterRead(const std::string& path, uint64_t offset);
  void Appended(const NodePtr& node, uint64_t bytes);
  void Resized(const NodePtr& node, uint64_t size, bool grow_only);
  void Synced(const NodePtr& node, bool ok);
  void DirSynced(const std::string& dir, bool ok);

 private:
  struct Dir;
  struct Arm {
    uint64_t nth = 0;  // 0: off
    int error = 0;
    bool sticky = false;
  };

  // The state of directory `path` (normalised), read from the disk the
  // first time it is asked for: what it holds then counts as synced.
  Dir& DirOf(const std::string& path);
  // The node `path` names now, or null.
  NodePtr LiveNode(const std::string& path);
  // Records the directory `path` (normalised) just created in `parent`.
  void AddDir(Dir* parent, const std::string& path);
  // A rename of `from` to `to` or (with `link`) a hard link, made by
  // `call`: counted, maybe failed, and recorded.
  rocksdb::IOStatus NewName(const std::string& from, const std::string& to,
                            bool link,
                            const std::function<rocksdb::IOStatus()>& call);
  // Keeps the file `path` (about to be deleted or replaced) under the trash
  // directory if a power loss may bring it back.
  void KeepIfDurable(const std::string& path, const NodePtr& node);
  bool IsDurable(const NodePtr& node) const;
  std::string NextTrashPath();

  const std::string trash_;
  mutable std::mutex mu_;
  bool off_ = false;  // the power was cut
  std::array<uint64_t, kFaultOpCount> calls_{};
  std::array<uint64_t, kFaultOpCount> injected_{};
  std::array<uint64_t, kFaultOpCount> armed_at_{};
  std::array<Arm, kFaultOpCount> arms_{};
  std::map<std::string, Dir> dirs_;  // by normalised path
  uint64_t trash_files_ = 0;
  std::string last_injected_;
  std::function<bool(FaultOp, const std::string&)> spare_;
  std::function<bool(const std::string&, uint64_t)> fail_read_;
};

// Store::Open with every file of the store going through `fs` (handed over
// by StoreHooks::FileSystem: options.hooks is replaced), and RocksDB's
// sleeps cut to at most 10 ms (StoreHooks::Clock).
Result<std::unique_ptr<Store>> OpenOn(std::shared_ptr<rocksdb::FileSystem> fs,
                                      Options options, const std::string& path);

}  // namespace orderstore::testing

#endif  // ORDERSTORE_TESTS_FAULT_FS_H_
