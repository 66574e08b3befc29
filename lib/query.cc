// Queries over the secondary indexes, and the index check. See lib/index.h
// for the key layouts.
#include <rocksdb/db.h>
#include <rocksdb/snapshot.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "lib/index.h"
#include "lib/record.h"
#include "lib/store_impl.h"
#include "lib/text.h"
#include "orderstore/query.h"
#include "orderstore/store.h"

namespace orderstore {

using internal::AsView;
using internal::FromRocks;
using internal::Derives;
using internal::Index;
using internal::KeyOf;

namespace {

const char* FamilyName(Index index) {
  return internal::kIndexFamilies[static_cast<size_t>(index)];
}

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
// fetching each entry's order from the same snapshot.
class IndexQuery final : public QueryIterator {
 public:
  IndexQuery(const Store::Impl& impl, const ReadOptions& options, Index index,
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
    rocksdb::Iterator& it = *current_->it;
    backward_ ? it.Prev() : it.Next();
    Settle();
  }

  OrderView view() const override {
    assert(valid_);
    return *VerifyRecord(AsView(order_));  // verified when positioned
  }

  Status status() const override { return status_; }

  std::string cursor() const override {
    if (exhausted_ || last_suffix_.empty()) return "";
    return internal::EncodeHex(last_suffix_);
  }

 private:
  struct Source {
    Range range;
    rocksdb::Slice lower, upper;  // point into `range`
    std::unique_ptr<rocksdb::Iterator> it;
    std::string_view suffix() const {
      return AsView(it->key()).substr(range.prefix.size());
    }
  };

  // Moves to the next entry (in suffix order over all ranges) whose order
  // exists and derives it, or ends the query.
  void Settle() {
    valid_ = false;
    while (status_.ok()) {
      if (limit_ != 0 && yielded_ >= limit_) return;  // more may follow
      current_ = nullptr;
      for (auto& source : sources_) {
        if (!source->it->Valid()) {
          if (!source->it->status().ok()) {
            status_ = FromRocks(source->it->status(), FamilyName(index_));
            return;
          }
          continue;
        }
        if (current_ == nullptr ||
            (backward_ ? source->suffix() > current_->suffix()
                       : source->suffix() < current_->suffix())) {
          current_ = source.get();
        }
      }
      if (current_ == nullptr) {
        exhausted_ = true;
        return;
      }
      std::string_view key = AsView(current_->it->key());
      if (key.size() < OrderHash::kSize) {
        status_ = Status::Corruption(std::string(FamilyName(index_)) +
                                     ": malformed index key");
        return;
      }
      std::array<uint8_t, OrderHash::kSize> bytes;
      std::copy_n(key.end() - OrderHash::kSize, OrderHash::kSize, bytes.begin());
      OrderHash hash(bytes);
      order_.Reset();
      rocksdb::Status got =
          impl_.db->Get(read_, impl_.orders, KeyOf(hash), &order_);
      if (got.IsNotFound()) {
        status_ = Status::Corruption(std::string(FamilyName(index_)) +
                                     " entry points at missing order " +
                                     hash.ToHex());
        return;
      }
      if (!got.ok()) {
        status_ = FromRocks(got, "order " + hash.ToHex());
        return;
      }
      Result<OrderView> view = internal::VerifyStored(hash, AsView(order_));
      if (!view.ok()) {
        status_ = view.status();
        return;
      }
      if (Derives(*view, index_, key)) {
        last_suffix_ = std::string(current_->suffix());
        valid_ = true;
        return;
      }
      // A stale entry (its order was rewritten over a damaged record):
      // skip it; CheckIndexes reports it.
      backward_ ? current_->it->Prev() : current_->it->Next();
    }
  }

  const Store::Impl& impl_;
  std::unique_ptr<rocksdb::ManagedSnapshot> snapshot_;  // null: read-only
  rocksdb::ReadOptions read_;
  const Index index_;
  const bool backward_;
  const size_t limit_;
  std::vector<std::unique_ptr<Source>> sources_;
  Source* current_ = nullptr;
  rocksdb::PinnableSlice order_;  // the current order's record
  std::string last_suffix_;
  size_t yielded_ = 0;
  bool valid_ = false;
  bool exhausted_ = false;
  Status status_;
};

Status CheckQueryable(const Store::Impl& impl, Index index) {
  if (impl.family(index) == nullptr) {
    return Status::InvalidArgument("store " + impl.path +
                                   " has no indexes yet: open it for writing "
                                   "once to build them");
  }
  return Status::OK();
}

}  // namespace

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

Result<size_t> Store::CheckIndexes(
    const std::function<void(const Status&)>& problem) const {
  for (size_t i = 0; i < internal::kIndexCount; ++i) {
    Status s = CheckQueryable(*impl_, static_cast<Index>(i));
    if (!s.ok()) return s;
  }
  std::shared_ptr<const Snapshot> snapshot = GetSnapshot();
  rocksdb::ReadOptions read;
  read.snapshot = snapshot->rep();
  read.fill_cache = false;

  // Every order has the entries it derives.
  size_t checked = 0;
  std::unique_ptr<rocksdb::Iterator> orders(
      impl_->db->NewIterator(read, impl_->orders));
  rocksdb::PinnableSlice found;
  for (orders->SeekToFirst(); orders->Valid(); orders->Next()) {
    ++checked;
    std::array<uint8_t, OrderHash::kSize> bytes{};
    rocksdb::Slice key = orders->key();
    std::copy_n(key.data(), std::min(key.size(), bytes.size()), bytes.begin());
    OrderHash hash(bytes);
    Result<OrderView> view = internal::VerifyStored(hash, AsView(orders->value()));
    if (!view.ok()) continue;  // a damaged record is verify's to report
    for (const internal::IndexEntry& e : internal::IndexEntriesOf(*view)) {
      found.Reset();
      rocksdb::Status got = impl_->db->Get(read, impl_->family(e.index),
                                           rocksdb::Slice(e.key), &found);
      if (got.IsNotFound()) {
        problem(Status::Corruption("order " + hash.ToHex() + ": no entry in " +
                                   FamilyName(e.index)));
      } else if (!got.ok()) {
        return FromRocks(got, FamilyName(e.index));
      }
    }
  }
  Status s = FromRocks(orders->status(), "orders");
  if (!s.ok()) return s;

  // Every entry points at an order that derives it.
  for (size_t i = 0; i < internal::kIndexCount; ++i) {
    const Index index = static_cast<Index>(i);
    std::unique_ptr<rocksdb::Iterator> entries(
        impl_->db->NewIterator(read, impl_->family(index)));
    for (entries->SeekToFirst(); entries->Valid(); entries->Next()) {
      std::string_view key = AsView(entries->key());
      if (key.size() < OrderHash::kSize) {
        problem(Status::Corruption(std::string(FamilyName(index)) +
                                   ": malformed key " + internal::EncodeHex(key)));
        continue;
      }
      std::array<uint8_t, OrderHash::kSize> bytes;
      std::copy_n(key.end() - OrderHash::kSize, OrderHash::kSize, bytes.begin());
      OrderHash hash(bytes);
      found.Reset();
      rocksdb::Status got = impl_->db->Get(read, impl_->orders, KeyOf(hash), &found);
      if (got.IsNotFound()) {
        problem(Status::Corruption(std::string(FamilyName(index)) +
                                   " entry points at missing order " + hash.ToHex()));
        continue;
      }
      if (!got.ok()) return FromRocks(got, "order " + hash.ToHex());
      Result<OrderView> view = internal::VerifyStored(hash, AsView(found));
      if (view.ok() && !Derives(*view, index, key)) {
        problem(Status::Corruption(std::string(FamilyName(index)) +
                                   " entry does not match order " + hash.ToHex()));
      }
    }
    s = FromRocks(entries->status(), FamilyName(index));
    if (!s.ok()) return s;
  }
  return checked;
}

}  // namespace orderstore
