// Store's change feed and history calls (include/orderstore/store.h,
// changes.h): reading the feed and the history, waiting, trimming.
#include <rocksdb/db.h>

#include <memory>

#include "lib/change_format.h"
#include "lib/change_log.h"
#include "lib/rocks_options.h"
#include "lib/store_impl.h"
#include "orderstore/store.h"

namespace orderstore {

using internal::AsView;
using internal::FromRocks;

namespace {

class FeedIterator final : public ChangeIterator {
 public:
  // `snapshot` (may be null) is released with the iterator.
  FeedIterator(rocksdb::DB* db, std::unique_ptr<rocksdb::Iterator> it,
               const rocksdb::Snapshot* snapshot)
      : db_(db), it_(std::move(it)), snapshot_(snapshot) {}
  ~FeedIterator() override {
    it_.reset();
    if (snapshot_ != nullptr) db_->ReleaseSnapshot(snapshot_);
  }

  bool Valid() const override { return it_ != nullptr && it_->Valid(); }
  void Next() override {
    assert(Valid());
    it_->Next();
  }
  Result<ChangeView> change() const override {
    assert(Valid());
    return internal::DecodeChange(AsView(it_->key()), AsView(it_->value()));
  }
  Status status() const override {
    return it_ == nullptr ? Status::OK()
                          : FromRocks(it_->status(), "change feed");
  }

 private:
  rocksdb::DB* db_;
  std::unique_ptr<rocksdb::Iterator> it_;  // null: a store with no feed
  const rocksdb::Snapshot* snapshot_;
};

}  // namespace

Result<std::unique_ptr<ChangeIterator>> Store::ChangesAfter(
    const ReadOptions& options, uint64_t after) const {
  const internal::ChangeLog& feed = *impl_->feed;
  rocksdb::DB* db = impl_->db.get();
  if (feed.changes() == nullptr) {
    return std::unique_ptr<ChangeIterator>(
        std::make_unique<FeedIterator>(db, nullptr, nullptr));
  }
  rocksdb::ReadOptions read = internal::RocksRead(options);
  const rocksdb::Snapshot* own = nullptr;
  if (read.snapshot == nullptr && !impl_->read_only) {
    own = db->GetSnapshot();
    read.snapshot = own;
  }
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(read, feed.changes()));
  // The trim point is read after the iterator is made, from the same
  // snapshot (or, in a read-only store, a state no older): a trim the
  // iterator sees is then always seen here.
  Result<uint64_t> oldest = feed.OldestAt(read);
  Status refused = oldest.status();
  if (refused.ok() && after < *oldest - 1) {
    refused = Status::OutOfRange(
        "store " + impl_->path + ": the changes after " +
        std::to_string(after) + " were trimmed; the oldest change kept is " +
        std::to_string(*oldest));
  }
  if (!refused.ok()) {
    it.reset();
    if (own != nullptr) db->ReleaseSnapshot(own);
    return refused;
  }
  if (after == UINT64_MAX) {
    it->SeekToLast();
    if (it->Valid()) it->Next();
  } else {
    std::string start;
    internal::AppendSeqKey(after + 1, &start);
    it->Seek(start);
  }
  return std::unique_ptr<ChangeIterator>(
      std::make_unique<FeedIterator>(db, std::move(it), own));
}

ChangeFeedInfo Store::ChangeFeed() const { return impl_->feed->Info(); }

bool Store::WaitForChanges(uint64_t after,
                           std::chrono::milliseconds timeout) const {
  return impl_->feed->WaitForChanges(after, timeout);
}

Result<std::vector<HistoryEntry>> Store::History(const ReadOptions& options,
                                                 const OrderHash& hash) const {
  std::vector<HistoryEntry> entries;
  rocksdb::ColumnFamilyHandle* history = impl_->feed->history();
  if (history == nullptr) return entries;
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(internal::RocksRead(options), history));
  const rocksdb::Slice prefix = internal::KeyOf(hash);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix);
       it->Next()) {
    Result<HistoryEntry> entry =
        internal::DecodeHistory(AsView(it->key()), AsView(it->value()));
    if (!entry.ok()) return entry.status().WithContext("order " + hash.ToHex());
    entries.push_back(std::move(*entry));
  }
  Status s = FromRocks(it->status(), "history of order " + hash.ToHex());
  if (!s.ok()) return s;
  return entries;
}

Result<uint64_t> Store::TrimChanges(uint64_t before) {
  Status s = impl_->CheckWritable();
  if (!s.ok()) return s;
  Result<uint64_t> oldest = impl_->feed->Trim(before);
  if (!oldest.ok()) return oldest.status().WithContext("store " + impl_->path);
  return oldest;
}

Result<uint64_t> Store::TrimChangesOlderThan(std::chrono::seconds age) {
  Status s = impl_->CheckWritable();
  if (!s.ok()) return s;
  const int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  Result<uint64_t> oldest = impl_->feed->TrimOlderThan(
      now - std::chrono::duration_cast<std::chrono::microseconds>(age).count());
  if (!oldest.ok()) return oldest.status().WithContext("store " + impl_->path);
  return oldest;
}

}  // namespace orderstore
