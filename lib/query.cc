// Queries over the secondary indexes. See lib/index.h for the key layouts.
#include <rocksdb/db.h>
#include <rocksdb/snapshot.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "lib/index.h"
#include "lib/store_impl.h"
#include "lib/text.h"
#include "orderstore/query.h"
#include "orderstore/store.h"

namespace orderstore {

using internal::AsView;
using internal::CheckQueryable;
using internal::FromRocks;
using internal::Derives;
using internal::FamilyName;
using internal::Index;
using internal::KeyOf;

namespace {

// The smallest key greater than every key that starts with `prefix` (empty:
// there is none).
std::string PrefixSuccessor(std::string prefix) {
  while (!prefix.empty() && static_cast<uint8_t>(prefix.back()) == 0xff) {
    prefix.pop_back();
  }
  if (!prefix.empty()) prefix.back() = static_cast<char>(prefix.back() + 1);
  return prefix;
}

// Parses a cursor: the hex of a `size`-byte key suffix.
Result<std::string> ParseCursor(std::string_view cursor, size_t size) {
  std::string bytes(size, '\0');
  if (cursor.size() != 2 * size ||
      !internal::DecodeHex(cursor, reinterpret_cast<uint8_t*>(bytes.data()))) {
    return Status::InvalidArgument("malformed cursor " + internal::Quote(cursor));
  }
  return bytes;
}

// One range of one index: keys in [lower, upper), all starting with
// `prefix`, whose remainder (the suffix) orders the query's results.
struct Range {
  std::string prefix;
  std::string lower;
  std::string upper;  // empty: no upper bound
};

// Walks one or more ranges of one index in suffix order (merging them),
// fetching the entries' orders from the same snapshot a batch at a time:
// one MultiGet of up to kMaxBatch orders costs less per order than as
// many Gets (one superversion reference, one pass over the files for keys
// in sorted order). Batches start small and double, so that a caller who
// stops after a few orders fetches few.
class IndexQuery final : public QueryIterator {
 public:
  IndexQuery(const internal::StoreImpl& impl, const ReadOptions& options, Index index,
             std::vector<Range> ranges, bool backward, size_t limit)
      : impl_(impl), index_(index), backward_(backward), limit_(limit) {
    if (options.snapshot != nullptr) {
      read_.snapshot = options.snapshot->rep();
    } else if (!impl.read_only) {
      snapshot_ = std::make_unique<rocksdb::ManagedSnapshot>(impl.db.get());
      read_.snapshot = snapshot_->snapshot();
    }
    read_.fill_cache = options.fill_cache;
    for (Range& range : ranges) {
      auto source = std::make_unique<Source>();
      source->range = std::move(range);
      source->lower = source->range.lower;
      source->upper = source->range.upper;
      rocksdb::ReadOptions bounded = read_;
      bounded.iterate_lower_bound = &source->lower;
      if (!source->range.upper.empty()) bounded.iterate_upper_bound = &source->upper;
      source->it.reset(impl.db->NewIterator(bounded, impl.family(index)));
      sources_.push_back(std::move(source));
    }
  }

  // Positions every range at its start, or just past `resume` (a suffix).
  void Start(const std::string& resume) {
    for (auto& source : sources_) {
      rocksdb::Iterator& it = *source->it;
      if (resume.empty()) {
        backward_ ? it.SeekToLast() : it.SeekToFirst();
        continue;
      }
      const std::string target = source->range.prefix + resume;
      if (backward_) {
        it.SeekForPrev(target);
        if (it.Valid() && it.key() == target) it.Prev();
      } else {
        it.Seek(target);
        if (it.Valid() && it.key() == target) it.Next();
      }
    }
    Settle();
  }

  bool Valid() const override { return valid_; }

  void Next() override {
    assert(valid_);
    ++yielded_;
    ++position_;
    Settle();
  }

  Result<OrderView> view() const override {
    assert(valid_);
    if (!damaged_.ok()) return damaged_;
    return view_;
  }

  Status status() const override { return status_; }

  std::string cursor() const override {
    if (exhausted_ || last_suffix_.empty()) return "";
    return internal::EncodeHex(last_suffix_);
  }

 private:
  static constexpr size_t kFirstBatch = 8;
  static constexpr size_t kMaxBatch = 64;

  struct Source {
    Range range;
    rocksdb::Slice lower, upper;  // point into `range`
    std::unique_ptr<rocksdb::Iterator> it;
    std::string_view suffix() const {
      return AsView(it->key()).substr(range.prefix.size());
    }
  };

  // An index entry of the current batch and the fetch of its order.
  struct Entry {
    size_t key_offset;  // the entry's key is keys_[key_offset, +key_size)
    size_t key_size;
    size_t prefix_size;  // its range's prefix, before the suffix
    OrderHash hash;
  };

  std::string_view IndexKey(const Entry& e) const {
    return std::string_view(keys_).substr(e.key_offset, e.key_size);
  }

  // Moves to the next entry whose order exists and derives it (fetching
  // batches as needed), or ends the query.
  void Settle() {
    valid_ = false;
    while (status_.ok()) {
      if (limit_ != 0 && yielded_ >= limit_) return;  // more may follow
      if (position_ == entries_.size()) {
        // An error met while reading ahead comes after the entries read
        // before it.
        if (!pending_.ok()) {
          status_ = pending_;
          return;
        }
        if (!FetchBatch()) return;
        continue;
      }
      const Entry& e = entries_[position_];
      const rocksdb::Status& got = statuses_[position_];
      if (got.IsNotFound()) {
        status_ = Status::Corruption(std::string(FamilyName(index_)) +
                                     " entry points at missing order " +
                                     e.hash.ToHex());
        return;
      }
      if (!got.ok()) {
        status_ = FromRocks(got, "order " + e.hash.ToHex());
        return;
      }
      Result<OrderView> view =
          internal::VerifyStored(e.hash, AsView(orders_[position_]));
      const std::string_view key = IndexKey(e);
      if (!view.ok()) {
        // A damaged record is a position of its own (iterator.h's rule):
        // view() reports it and Next() moves on, so that one bad record
        // neither ends a listing nor stops its cursor from passing it.
        last_suffix_.assign(key.substr(e.prefix_size));
        damaged_ = view.status();
        valid_ = true;
        return;
      }
      if (Derives(*view, index_, key)) {
        last_suffix_.assign(key.substr(e.prefix_size));
        view_ = *view;
        damaged_ = Status::OK();
        valid_ = true;
        return;
      }
      // A stale entry (its order was rewritten over a damaged record):
      // skip it; CheckIndexes reports it.
      ++position_;
    }
  }

  // Reads the next batch of entries, in suffix order over all ranges, and
  // fetches their orders. An error that stops the reading is kept in
  // pending_. False when no entry was read.
  bool FetchBatch() {
    size_t want = batch_size_;
    batch_size_ = std::min(batch_size_ * 2, kMaxBatch);
    if (limit_ != 0) want = std::min(want, limit_ - yielded_);
    entries_.clear();
    keys_.clear();
    position_ = 0;
    while (entries_.size() < want) {
      Source* next = nullptr;
      for (auto& source : sources_) {
        if (!source->it->Valid()) {
          if (!source->it->status().ok()) {
            pending_ = FromRocks(source->it->status(), FamilyName(index_));
            break;
          }
          continue;
        }
        if (next == nullptr ||
            (backward_ ? source->suffix() > next->suffix()
                       : source->suffix() < next->suffix())) {
          next = source.get();
        }
      }
      if (!pending_.ok() || next == nullptr) break;
      std::string_view key = AsView(next->it->key());
      if (key.size() < OrderHash::kSize) {
        pending_ = Status::Corruption(std::string(FamilyName(index_)) +
                                     ": malformed index key");
        break;
      }
      std::array<uint8_t, OrderHash::kSize> bytes;
      std::copy_n(key.end() - OrderHash::kSize, OrderHash::kSize, bytes.begin());
      entries_.push_back(
          {keys_.size(), key.size(), next->range.prefix.size(), OrderHash(bytes)});
      keys_.append(key);
      backward_ ? next->it->Prev() : next->it->Next();
    }
    if (entries_.empty()) {
      if (pending_.ok()) exhausted_ = true;
      return false;
    }
    const size_t n = entries_.size();
    std::vector<rocksdb::Slice> order_keys;
    order_keys.reserve(n);
    for (const Entry& e : entries_) order_keys.push_back(internal::KeyOf(e.hash));
    for (size_t i = 0; i < n; ++i) orders_[i].Reset();
    statuses_.assign(n, rocksdb::Status());
    impl_.db->MultiGet(read_, impl_.orders, n, order_keys.data(), orders_.data(),
                       statuses_.data());
    internal::PrefetchFound(orders_.data(), statuses_.data(), n);
    return true;
  }

  const internal::StoreImpl& impl_;
  std::unique_ptr<rocksdb::ManagedSnapshot> snapshot_;  // null: read-only
  rocksdb::ReadOptions read_;
  const Index index_;
  const bool backward_;
  const size_t limit_;
  std::vector<std::unique_ptr<Source>> sources_;
  size_t batch_size_ = kFirstBatch;
  // The current batch: its entries, their keys back to back, and for each
  // entry its order's record and the status of fetching it.
  std::vector<Entry> entries_;
  std::string keys_;
  // Made at full size once and never resized: RocksDB 7.8's PinnableSlice
  // move constructor leaves its buffer pointer unset when the moved slice
  // was pinned, and a later get that copies a value into that slice writes
  // through it (valgrind: the memtable corrupted when a batch grew from 8
  // to 16 while the first 8 were pinned).
  std::vector<rocksdb::PinnableSlice> orders_ =
      std::vector<rocksdb::PinnableSlice>(kMaxBatch);
  std::vector<rocksdb::Status> statuses_;
  size_t position_ = 0;  // the current entry of the batch
  OrderView view_;       // the current order, verified
  Status damaged_;       // or why the current record failed verification
  std::string last_suffix_;
  size_t yielded_ = 0;
  bool valid_ = false;
  bool exhausted_ = false;
  Status pending_;  // ended the reading of entries; reported after them
  Status status_;
};

}  // namespace

namespace internal {

Status CheckQueryable(const StoreImpl& impl, Index index) {
  if (impl.family(index) == nullptr) {
    return Status::InvalidArgument("store " + impl.path +
                                   " has no indexes yet: open it for writing "
                                   "once to build them");
  }
  return Status::OK();
}

}  // namespace internal

Result<std::unique_ptr<QueryIterator>> Store::QueryCreated(
    const ReadOptions& options, const CreatedQuery& query) const {
  Status s = CheckQueryable(*impl_, Index::kCreated);
  if (!s.ok()) return s;
  for (const auto* bound : {&query.from, &query.to}) {
    if (*bound && !(s = ValidateTimestamp(**bound)).ok()) {
      return s.WithContext(bound == &query.from ? "from" : "to");
    }
  }
  std::string resume;
  if (!query.cursor.empty()) {
    Result<std::string> parsed =
        ParseCursor(query.cursor, internal::kTimeKeySize + OrderHash::kSize);
    if (!parsed.ok()) return parsed.status();
    resume = *std::move(parsed);
  }

  // One range for all statuses, or one per status, merged by time.
  std::vector<std::string> prefixes;
  Index index = Index::kCreated;
  if (query.statuses.empty()) {
    prefixes.emplace_back();
  } else {
    index = Index::kStatusCreated;
    std::vector<OrderStatus> statuses = query.statuses;
    std::sort(statuses.begin(), statuses.end());
    statuses.erase(std::unique(statuses.begin(), statuses.end()), statuses.end());
    for (OrderStatus status : statuses) {
      if (ToString(status).empty()) {
        return Status::InvalidArgument("statuses: not an order status");
      }
      prefixes.emplace_back(1, static_cast<char>(status));
    }
  }
  std::vector<Range> ranges;
  for (const std::string& prefix : prefixes) {
    Range range{prefix, prefix, ""};
    if (query.from) internal::AppendTimeKey(*query.from, &range.lower);
    if (query.to) {
      range.upper = prefix;
      internal::AppendTimeKey(*query.to, &range.upper);
    } else {
      range.upper = PrefixSuccessor(prefix);
    }
    ranges.push_back(std::move(range));
  }
  auto it = std::make_unique<IndexQuery>(*impl_, options, index, std::move(ranges),
                                         query.newest_first, query.limit);
  it->Start(resume);
  return std::unique_ptr<QueryIterator>(std::move(it));
}

Result<std::unique_ptr<QueryIterator>> Store::QueryResource(
    const ReadOptions& options, const ResourceQuery& query) const {
  Status s = CheckQueryable(*impl_, Index::kResource);
  if (!s.ok()) return s;
  std::string resume;
  if (!query.cursor.empty()) {
    Result<std::string> parsed = ParseCursor(query.cursor, OrderHash::kSize);
    if (!parsed.ok()) return parsed.status();
    resume = *std::move(parsed);
  }
  std::string prefix = internal::ResourcePrefix(query.resource_id);
  Range range{prefix, prefix, PrefixSuccessor(prefix)};
  std::vector<Range> ranges;
  ranges.push_back(std::move(range));
  auto it = std::make_unique<IndexQuery>(*impl_, options, Index::kResource,
                                         std::move(ranges), false, query.limit);
  it->Start(resume);
  return std::unique_ptr<QueryIterator>(std::move(it));
}

}  // namespace orderstore
