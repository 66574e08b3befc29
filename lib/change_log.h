// ChangeLog: numbers and commits the store's writes together with their
// change feed and history entries (change_format.h), trims the feed, and
// wakes followers.
//
// Why our own group commit: a change's number is part of its key, so it
// must be known when the batch is built, and numbers must become visible
// in order. Assigning numbers and writing under one mutex is correct but
// makes concurrent synced writers pay one fsync each, where RocksDB would
// share one among them. So writers queue here (Commit); the first in the
// queue, the leader, takes every write queued behind it, numbers their
// changes in queue order, writes them all as one RocksDB batch (one log
// write, one fsync), then wakes them. Only the leader writes, so batches
// land in number order, and a reader can never see change N+1 without N.
#ifndef ORDERSTORE_LIB_CHANGE_LOG_H_
#define ORDERSTORE_LIB_CHANGE_LOG_H_

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "lib/change_format.h"
#include "orderstore/changes.h"
#include "orderstore/options.h"
#include "orderstore/status.h"

namespace orderstore::internal {

class ChangeLog {
 public:
  enum class Mode { kReadWrite, kReadOnly, kSecondary };

  // The feed of the open database `db`; `changes` and `history` are its
  // column families (null only in a read-only store written before they
  // existed: the feed is then empty). A read-write open recovers the next
  // number and trims what `retention` no longer keeps (everything, when it
  // is zero).
  static Result<std::unique_ptr<ChangeLog>> Open(
      rocksdb::DB* db, rocksdb::ColumnFamilyHandle* changes,
      rocksdb::ColumnFamilyHandle* history, std::chrono::seconds retention,
      Mode mode);

  // Adds a write's own keys to a batch.
  using Fill = std::function<Status(rocksdb::WriteBatch*)>;

  // Commits one write: `fill`'s keys, plus a change (while the feed is on)
  // and a history entry for each of `notes`, numbered in commit order.
  // Returns when the write has landed (durably with options.sync), or its
  // error. Validates options.actor and options.reason first. Thread-safe.
  Status Commit(const WriteOptions& options, const Fill& fill,
                std::span<const ChangeNote> notes);

  // For Store::Import, which excludes every other writer meanwhile: writes
  // the table files that record `notes` (sorted by hash, one per hash)
  // into `dir` and adds them to `args`, numbered from the next number.
  // Once they are ingested, ImportCommitted publishes the numbers.
  Status AddImportFiles(std::span<const ChangeNote> notes,
                        const std::filesystem::path& dir,
                        std::vector<rocksdb::IngestExternalFileArg>* args);
  void ImportCommitted(size_t count);

  ChangeFeedInfo Info() const;

  // Waits until a change after `after` is committed or `timeout` passes;
  // whether one is. In a secondary store, catches up with the writer
  // every 50 ms meanwhile.
  bool WaitForChanges(uint64_t after, std::chrono::milliseconds timeout);

  // Re-reads latest and oldest from the database (a secondary store, after
  // catching up).
  Status Refresh();

  // Trims every change numbered below `before` (clamped to latest + 1);
  // returns the oldest number kept afterwards. Never touches orders.
  Result<uint64_t> Trim(uint64_t before);
  // Trims every change committed before `cutoff_micros`.
  Result<uint64_t> TrimOlderThan(int64_t cutoff_micros);

  rocksdb::ColumnFamilyHandle* changes() const { return changes_; }
  rocksdb::ColumnFamilyHandle* history() const { return history_; }
  rocksdb::DB* db() const { return db_; }
  Mode mode() const { return mode_; }

  // The oldest number kept, as the snapshot `read` sees it.
  Result<uint64_t> OldestAt(const rocksdb::ReadOptions& read) const;

 private:
  struct Writer;
  ChangeLog() = default;

  // The leader's work: numbers, writes and completes `group`.
  void CommitGroup(const std::vector<Writer*>& group);
  int64_t NextTime();  // REQUIRES: mu_ held
  void MaybeTrimByAge();

  rocksdb::DB* db_ = nullptr;
  rocksdb::ColumnFamilyHandle* changes_ = nullptr;
  rocksdb::ColumnFamilyHandle* history_ = nullptr;
  std::chrono::seconds retention_{0};
  Mode mode_ = Mode::kReadWrite;
  bool enabled_ = true;

  mutable std::mutex mu_;
  std::deque<Writer*> queue_;        // the first is the leader
  uint64_t next_ = 1;                // the next number to give
  uint64_t oldest_ = 1;
  int64_t last_time_ = 0;            // the last commit's time
  std::condition_variable committed_;  // latest moved (WaitForChanges)

  std::mutex trim_mu_;  // one trim at a time
  std::chrono::steady_clock::time_point next_age_trim_;
};

}  // namespace orderstore::internal

#endif  // ORDERSTORE_LIB_CHANGE_LOG_H_
