// The change feed's commit path, trimming and waiting (change_log.h).
#include "lib/change_log.h"

#include <rocksdb/sst_file_writer.h>

#include <algorithm>
#include <thread>

#include "lib/rocks_boundary.h"

namespace orderstore::internal {
namespace {

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string SeqKey(uint64_t seq) {
  std::string key;
  AppendSeqKey(seq, &key);
  return key;
}

// How often a busy store checks the age of its oldest changes.
constexpr auto kAgeTrimInterval = std::chrono::minutes(1);

}  // namespace

struct ChangeLog::Writer {
  const WriteOptions* options;
  const Fill* fill;
  std::span<const ChangeNote> notes;
  Status status;
  bool done = false;
  std::condition_variable cv;
};

Result<std::unique_ptr<ChangeLog>> ChangeLog::Open(
    rocksdb::DB* db, rocksdb::ColumnFamilyHandle* changes,
    rocksdb::ColumnFamilyHandle* history, std::chrono::seconds retention,
    Mode mode) {
  std::unique_ptr<ChangeLog> log(new ChangeLog());
  log->db_ = db;
  log->changes_ = changes;
  log->history_ = history;
  log->retention_ = retention;
  log->mode_ = mode;
  log->enabled_ = retention.count() > 0;
  Status s = log->Refresh();
  if (!s.ok()) return s;
  log->last_time_ = 0;
  if (mode == Mode::kReadWrite) {
    Result<uint64_t> trimmed =
        log->enabled_ ? log->TrimOlderThan(NowMicros() - retention.count() * 1000000)
                      : log->Trim(log->next_);
    if (!trimmed.ok()) return trimmed.status();
    log->next_age_trim_ = std::chrono::steady_clock::now() + kAgeTrimInterval;
  }
  return log;
}

Status ChangeLog::Refresh() {
  uint64_t latest = 0, oldest = 1;
  int64_t last_time = 0;
  if (changes_ != nullptr) {
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions(), changes_));
    it->SeekToLast();
    if (it->Valid() && it->key().size() == kSeqKeySize) {
      latest = DecodeSeqKey(std::string_view(it->key().data(), it->key().size()));
      Result<ChangeView> last = DecodeChange(
          std::string_view(it->key().data(), it->key().size()),
          std::string_view(it->value().data(), it->value().size()));
      if (last.ok()) last_time = last->time_micros();
    }
    if (!it->status().ok()) return FromRocks(it->status(), "change feed");
    Result<uint64_t> kept = OldestAt(rocksdb::ReadOptions());
    if (!kept.ok()) return kept.status();
    oldest = *kept;
  }
  std::lock_guard<std::mutex> lock(mu_);
  // A trim point past the last change: every change was trimmed (or the
  // feed is off), and numbering goes on from there.
  next_ = std::max({next_, latest + 1, oldest});
  oldest_ = std::max(oldest_, oldest);
  last_time_ = std::max(last_time_, last_time);
  committed_.notify_all();
  return Status::OK();
}

Result<uint64_t> ChangeLog::OldestAt(const rocksdb::ReadOptions& read) const {
  std::string value;
  rocksdb::Status s = db_->Get(read, db_->DefaultColumnFamily(), kOldestKey, &value);
  if (s.IsNotFound()) return uint64_t{1};
  if (!s.ok()) return FromRocks(s, "change feed");
  return std::max<uint64_t>(1, DecodeOldest(value));
}

ChangeFeedInfo ChangeLog::Info() const {
  std::lock_guard<std::mutex> lock(mu_);
  ChangeFeedInfo info;
  info.latest = next_ - 1;
  info.oldest = oldest_;
  info.enabled = enabled_;
  return info;
}

int64_t ChangeLog::NextTime() {
  // Commit times never go back, even when the clock does: trimming by age
  // relies on times growing with numbers.
  last_time_ = std::max(last_time_, NowMicros());
  return last_time_;
}

Status ChangeLog::Commit(const WriteOptions& options, const Fill& fill,
                         std::span<const ChangeNote> notes) {
  Status s = ValidateLabel("actor", options.actor, kMaxActorSize);
  if (s.ok()) s = ValidateLabel("reason", options.reason, kMaxReasonSize);
  if (!s.ok()) return s;
  Writer me{&options, &fill, notes, Status::OK(), false, {}};
  std::unique_lock<std::mutex> lock(mu_);
  queue_.push_back(&me);
  me.cv.wait(lock, [&] { return me.done || queue_.front() == &me; });
  if (me.done) return me.status;
  // The leader: everyone queued now goes in this group.
  std::vector<Writer*> group(queue_.begin(), queue_.end());
  lock.unlock();
  CommitGroup(group);
  const Status result = me.status;
  MaybeTrimByAge();
  return result;
}

void ChangeLog::CommitGroup(const std::vector<Writer*>& group) {
  rocksdb::WriteBatch batch;
  rocksdb::WriteOptions write;
  uint64_t first, count = 0;
  int64_t time;
  {
    std::lock_guard<std::mutex> lock(mu_);
    first = next_;
    time = NextTime();
  }
  Status s;
  std::string key, value;
  for (Writer* w : group) {
    write.sync |= w->options->sync;
    if (s.ok()) s = (*w->fill)(&batch);
    for (const ChangeNote& note : w->notes) {
      if (!s.ok()) break;
      const uint64_t seq = first + count++;
      if (enabled_) {
        key.clear();
        value.clear();
        AppendSeqKey(seq, &key);
        AppendChangeValue(note, time, w->options->actor, w->options->reason,
                          &value);
        s = FromRocks(batch.Put(changes_, key, value), "change feed");
        if (!s.ok()) break;
      }
      value.clear();
      AppendHistoryValue(note, time, w->options->actor, w->options->reason,
                         &value);
      s = FromRocks(batch.Put(history_, HistoryKey(note.hash, seq), value),
                          "order history");
    }
  }
  // With the feed off no change key tells the next number after a restart:
  // the trim point does, moved past every number given.
  if (s.ok() && !enabled_ && count > 0) {
    s = FromRocks(batch.Put(db_->DefaultColumnFamily(), kOldestKey,
                                  EncodeOldest(first + count)),
                        "change feed");
  }
  if (s.ok()) {
    s = FromRocks(CommitToRocksDb(db_, write, &batch), "write");
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (s.ok()) {
    next_ = first + count;
    if (!enabled_) oldest_ = next_;
    if (count > 0) committed_.notify_all();
  }
  for (Writer* w : group) {
    assert(queue_.front() == w);
    queue_.pop_front();
    w->status = s;
    w->done = true;
    w->cv.notify_one();
  }
  if (!queue_.empty()) queue_.front()->cv.notify_one();
}

Status ChangeLog::AddImportFiles(std::span<const ChangeNote> notes,
                                 const std::filesystem::path& dir,
                                 std::vector<rocksdb::IngestExternalFileArg>* args) {
  if (notes.empty()) return Status::OK();
  uint64_t first;
  int64_t time;
  {
    std::lock_guard<std::mutex> lock(mu_);
    first = next_;
    time = NextTime();
  }
  auto write_file = [&](rocksdb::ColumnFamilyHandle* family,
                        const std::string& name,
                        const std::function<rocksdb::Status(
                            rocksdb::SstFileWriter&)>& put_all) -> Status {
    const std::string path = (dir / name).string();
    rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), db_->GetOptions(family),
                                  family, /*invalidate_page_cache=*/false);
    rocksdb::Status s = writer.Open(path);
    if (s.ok()) s = put_all(writer);
    if (s.ok()) s = writer.Finish();
    if (!s.ok()) return FromRocks(s, path);
    rocksdb::IngestExternalFileArg arg;
    arg.column_family = family;
    arg.external_files = {path};
    arg.options.move_files = true;
    args->push_back(std::move(arg));
    return Status::OK();
  };
  std::string key, value;
  Status s;
  if (enabled_) {
    s = write_file(changes_, "changes.sst", [&](rocksdb::SstFileWriter& w) {
      rocksdb::Status put;
      for (size_t i = 0; put.ok() && i < notes.size(); ++i) {
        key.clear();
        value.clear();
        AppendSeqKey(first + i, &key);
        AppendChangeValue(notes[i], time, {}, {}, &value);
        put = w.Put(key, value);
      }
      return put;
    });
    if (!s.ok()) return s;
  } else {
    s = write_file(db_->DefaultColumnFamily(), "feed.sst",
                   [&](rocksdb::SstFileWriter& w) {
                     return w.Put(kOldestKey, EncodeOldest(first + notes.size()));
                   });
    if (!s.ok()) return s;
  }
  // Sorted by hash, one note per hash, numbered in that order: the history
  // keys (hash, number) come out sorted as a table file needs them.
  return write_file(history_, "history.sst", [&](rocksdb::SstFileWriter& w) {
    rocksdb::Status put;
    for (size_t i = 0; put.ok() && i < notes.size(); ++i) {
      value.clear();
      AppendHistoryValue(notes[i], time, {}, {}, &value);
      put = w.Put(HistoryKey(notes[i].hash, first + i), value);
    }
    return put;
  });
}

void ChangeLog::ImportCommitted(size_t count) {
  if (count == 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  next_ += count;
  if (!enabled_) oldest_ = next_;
  committed_.notify_all();
}

bool ChangeLog::WaitForChanges(uint64_t after,
                               std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  if (mode_ != Mode::kSecondary) {
    std::unique_lock<std::mutex> lock(mu_);
    return committed_.wait_until(lock, deadline,
                                 [&] { return next_ - 1 > after; });
  }
  // Another process writes: nothing here signals, so catch up and look.
  constexpr auto kPoll = std::chrono::milliseconds(50);
  for (;;) {
    if (db_->TryCatchUpWithPrimary().ok() && Refresh().ok() &&
        Info().latest > after) {
      return true;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        kPoll, deadline - now));
  }
}

Result<uint64_t> ChangeLog::Trim(uint64_t before) {
  if (mode_ != Mode::kReadWrite) return Status::InvalidArgument("store is open read-only");
  std::lock_guard<std::mutex> trimming(trim_mu_);
  uint64_t oldest;
  {
    std::lock_guard<std::mutex> lock(mu_);
    // Off: every number is trimmed as it is given (CommitGroup), and a
    // trim point written here could land after a later write's.
    if (!enabled_ && oldest_ == next_ && oldest_ > 1) return oldest_;
    before = std::min(before, next_);
    oldest = oldest_;
  }
  if (before <= oldest) return oldest;
  rocksdb::WriteBatch batch;
  // One batch: a reader's snapshot sees the trim point and the range gone
  // together, so it can tell a trimmed range from an empty one.
  rocksdb::Status s = batch.DeleteRange(changes_, SeqKey(0), SeqKey(before));
  if (s.ok()) {
    s = batch.Put(db_->DefaultColumnFamily(), kOldestKey, EncodeOldest(before));
  }
  rocksdb::WriteOptions write;
  write.sync = true;
  if (s.ok()) s = CommitToRocksDb(db_, write, &batch);
  if (!s.ok()) return FromRocks(s, "trimming the change feed");
  std::lock_guard<std::mutex> lock(mu_);
  oldest_ = std::max(oldest_, before);
  return oldest_;
}

Result<uint64_t> ChangeLog::TrimOlderThan(int64_t cutoff_micros) {
  if (mode_ != Mode::kReadWrite) return Status::InvalidArgument("store is open read-only");
  uint64_t before;
  {
    std::lock_guard<std::mutex> lock(mu_);
    before = oldest_;
  }
  // Times grow with numbers: the first change at or after the cutoff ends
  // the range.
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), changes_));
  for (it->Seek(SeqKey(before)); it->Valid(); it->Next()) {
    const std::string_view key(it->key().data(), it->key().size());
    const std::string_view value(it->value().data(), it->value().size());
    if (key.size() != kSeqKeySize || value.size() < kChangeHeaderSize) break;
    before = DecodeSeqKey(key);
    Result<ChangeView> change = DecodeChange(key, value);
    if (!change.ok() || change->time_micros() >= cutoff_micros) break;
    ++before;
  }
  if (!it->status().ok()) return FromRocks(it->status(), "change feed");
  it.reset();
  return Trim(before);
}

void ChangeLog::MaybeTrimByAge() {
  if (!enabled_ || mode_ != Mode::kReadWrite) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const auto now = std::chrono::steady_clock::now();
    if (now < next_age_trim_) return;
    next_age_trim_ = now + kAgeTrimInterval;
  }
  // A failure here is retried at the next interval; the write itself
  // succeeded.
  static_cast<void>(TrimOlderThan(NowMicros() - retention_.count() * 1000000));
}

}  // namespace orderstore::internal
