// Store::CheckChanges (the feed and the history against the orders) and
// Store::TrimHistory: the two calls that read the whole history.
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <map>
#include <memory>

#include "lib/change_format.h"
#include "lib/change_log.h"
#include "lib/rocks_options.h"
#include "lib/store_impl.h"
#include "orderstore/store.h"

namespace orderstore {

using internal::AsView;
using internal::CommitToRocksDb;
using internal::FromRocks;

namespace {

OrderHash HashOfKey(std::string_view key) {
  std::array<uint8_t, OrderHash::kSize> bytes{};
  std::copy_n(key.data(), std::min(key.size(), bytes.size()), bytes.begin());
  return OrderHash(bytes);
}

}  // namespace

Result<size_t> Store::CheckChanges(
    const std::function<void(const Status&)>& problem) const {
  const internal::ChangeLog& feed = *impl_->feed;
  if (feed.changes() == nullptr || feed.history() == nullptr) return size_t{0};
  rocksdb::DB* db = impl_->db.get();
  std::shared_ptr<const Snapshot> snapshot = GetSnapshot();
  ReadOptions options;
  options.snapshot = snapshot.get();
  options.fill_cache = false;
  rocksdb::ReadOptions read = internal::RocksRead(options);

  // The latest retained change of each order.
  std::map<OrderHash, uint64_t> latest;
  size_t checked = 0;
  {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(read, feed.changes()));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      ++checked;
      Result<ChangeView> change =
          internal::DecodeChange(AsView(it->key()), AsView(it->value()));
      if (!change.ok()) {
        problem(change.status());
        continue;
      }
      latest[change->hash()] = change->seq();
    }
    Status s = FromRocks(it->status(), "change feed");
    if (!s.ok()) return s;
  }
  for (const auto& [hash, seq] : latest) {
    std::string key;
    internal::AppendSeqKey(seq, &key);
    rocksdb::PinnableSlice value;
    Status s = FromRocks(db->Get(read, feed.changes(), key, &value),
                         "change " + std::to_string(seq));
    if (!s.ok()) return s;
    Result<ChangeView> change = internal::DecodeChange(key, AsView(value));
    if (!change.ok()) continue;  // reported above
    Result<PinnedOrder> order = Get(options, hash);
    const std::string what = "order " + hash.ToHex() + ": latest change " +
                             std::to_string(seq);
    if (change->op() == ChangeOp::kDelete) {
      if (order.ok()) problem(Status::Corruption(what + " deletes it, yet it is stored"));
    } else if (order.status().IsNotFound()) {
      problem(Status::Corruption(what + " puts it, yet it is not stored"));
    } else if (order.ok() &&
               order->view().record() != change->order().record()) {
      problem(Status::Corruption(what + " holds another record than the stored one"));
    }
  }

  // Each order's latest history entry against the store and the feed.
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(read, feed.history()));
  auto check_last = [&](const OrderHash& hash, const HistoryEntry& last) {
    const std::string what = "order " + hash.ToHex() + ": latest history entry " +
                             std::to_string(last.seq);
    Result<PinnedOrder> order = Get(options, hash);
    const bool deleted = last.kind == HistoryKind::kDeleted;
    if (deleted && order.ok()) {
      problem(Status::Corruption(what + " deletes it, yet it is stored"));
    } else if (!deleted && order.status().IsNotFound()) {
      problem(Status::Corruption(what + " names an order that is not stored"));
    }
    auto found = latest.find(hash);
    if (found != latest.end() && found->second != last.seq) {
      problem(Status::Corruption(what + " differs from its latest change, " +
                                 std::to_string(found->second)));
    }
  };
  std::optional<std::pair<OrderHash, HistoryEntry>> previous;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    Result<HistoryEntry> entry =
        internal::DecodeHistory(AsView(it->key()), AsView(it->value()));
    const OrderHash hash = HashOfKey(AsView(it->key()));
    if (!entry.ok()) {
      problem(entry.status().WithContext("order " + hash.ToHex()));
      continue;
    }
    if (previous && previous->first != hash) check_last(previous->first, previous->second);
    previous.emplace(hash, std::move(*entry));
  }
  if (previous) check_last(previous->first, previous->second);
  Status s = FromRocks(it->status(), "order history");
  if (!s.ok()) return s;
  return checked;
}

Result<size_t> Store::TrimHistory(uint64_t before) {
  Status s = impl_->CheckWritable();
  if (!s.ok()) return s;
  rocksdb::ColumnFamilyHandle* history = impl_->feed->history();
  rocksdb::WriteBatch batch;
  size_t trimmed = 0;
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(rocksdb::ReadOptions(), history));
  // An order's entries are together, oldest first: its last one decides.
  // One created again after this scan gets entries numbered past the
  // deleted range, which it keeps.
  std::string last_key, last_value;
  auto consider = [&]() -> Status {
    if (last_key.empty()) return Status::OK();
    Result<HistoryEntry> entry = internal::DecodeHistory(last_key, last_value);
    if (!entry.ok() || entry->kind != HistoryKind::kDeleted || entry->seq >= before) {
      return Status::OK();
    }
    ++trimmed;
    std::string end = last_key.substr(0, OrderHash::kSize);
    const std::string begin = end + std::string(internal::kSeqKeySize, '\0');
    internal::AppendSeqKey(entry->seq + 1, &end);
    return FromRocks(batch.DeleteRange(history, begin, end), "order history");
  };
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (it->key().size() != internal::kHistoryKeySize) continue;
    if (!last_key.empty() &&
        AsView(it->key()).substr(0, OrderHash::kSize) !=
            std::string_view(last_key).substr(0, OrderHash::kSize)) {
      s = consider();
      if (!s.ok()) return s;
    }
    last_key.assign(it->key().data(), it->key().size());
    last_value.assign(it->value().data(), it->value().size());
  }
  s = consider();
  if (!s.ok()) return s;
  s = FromRocks(it->status(), "order history");
  if (!s.ok()) return s;
  it.reset();
  if (trimmed == 0) return trimmed;
  rocksdb::WriteOptions write;
  write.sync = true;
  s = FromRocks(CommitToRocksDb(impl_->db.get(), write, &batch),
                "trimming the history");
  if (!s.ok()) return s;
  return trimmed;
}

}  // namespace orderstore
