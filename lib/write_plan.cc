// The write planner (see write_plan.h).
#include "lib/write_plan.h"

#include <cassert>
#include <cstdint>
#include <optional>
#include <utility>

#include "lib/order_diff.h"
#include "lib/record.h"

namespace orderstore::internal {

std::vector<FinalRecord> FinalRecords(const std::vector<BatchOp>& ops) {
  std::vector<FinalRecord> finals;
  finals.reserve(ops.size());
  for (const BatchOp& op : ops) {
    finals.push_back(
        {op.hash, op.record.empty() ? nullptr : &op.record, op.create});
  }
  std::stable_sort(finals.begin(), finals.end(),
                   [](const FinalRecord& a, const FinalRecord& b) {
                     return a.hash < b.hash;
                   });
  // Keep the last of each run of equal hashes.
  auto last = std::unique(finals.rbegin(), finals.rend(),
                          [](const FinalRecord& a, const FinalRecord& b) {
                            return a.hash == b.hash;
                          });
  finals.erase(finals.begin(), last.base());
  return finals;
}

rocksdb::ColumnFamilyHandle* FamilyOfSlot(const StoreImpl& impl, size_t slot) {
  return slot == kOrdersSlot
             ? impl.orders
             : impl.family(static_cast<internal::Index>(slot - 1));
}

namespace {

// Adds the changes that replace `old_record` (empty: absent) of the order
// `hash` with `record` (null: deleted). Index entries that both derive are
// left alone, so a status update that keeps the order's status and
// resources rewrites only the record; an unchanged record writes nothing.
void AddChanges(const OrderHash& hash, std::string_view old_record,
                const std::string* record, FamilyChanges* changes) {
  if (record != nullptr ? old_record == *record : old_record.empty()) return;
  // Each record is verified once here, for the note and the index entries
  // both. A damaged old record derives nothing: it is being replaced, and
  // queries skip entries whose order does not derive them. (An absent one
  // is not verified: its error message alone cost an allocation an order.)
  std::optional<OrderView> old_view, new_view;
  if (!old_record.empty()) {
    if (Result<OrderView> view = VerifyRecord(old_record); view.ok()) {
      old_view = *view;
    }
  }
  if (record != nullptr) {
    // Encoded by WriteBatch::Put from a validated order: always verifies.
    new_view = *VerifyRecord(*record);
  }
  changes->notes.push_back(NoteChange(hash, old_record,
                                      old_view ? &*old_view : nullptr, record,
                                      new_view ? &*new_view : nullptr));
  std::vector<internal::IndexEntry> old_entries, new_entries;
  if (old_view) old_entries = internal::IndexEntriesOf(*old_view);
  if (new_view) new_entries = internal::IndexEntriesOf(*new_view);
  auto has = [](const std::vector<internal::IndexEntry>& entries,
                const internal::IndexEntry& e) {
    return std::find(entries.begin(), entries.end(), e) != entries.end();
  };
  for (internal::IndexEntry& e : old_entries) {
    if (!has(new_entries, e)) {
      (*changes)[SlotOf(e.index)].push_back(
          {changes->keys.Copy(e.key), {}, true});
    }
  }
  for (internal::IndexEntry& e : new_entries) {
    if (!has(old_entries, e)) {
      (*changes)[SlotOf(e.index)].push_back(
          {changes->keys.Copy(e.key), {}, false});
    }
  }
  std::vector<KeyChange>& orders = (*changes)[kOrdersSlot];
  const std::string_view key = changes->keys.Copy(hash.AsKey());
  if (record != nullptr) {
    orders.push_back({key, *record, false});
  } else {
    orders.push_back({key, {}, true});
  }
}

// The first 16 bytes of `key`, big-endian, zero-padded.
std::pair<uint64_t, uint64_t> PrefixOf(std::string_view key) {
  std::array<unsigned char, 16> bytes{};
  std::memcpy(bytes.data(), key.data(), std::min(key.size(), bytes.size()));
  auto load = [&bytes](size_t at) {
    uint64_t value = 0;
    for (size_t i = at; i < at + 8; ++i) value = value << 8 | bytes[i];
    return value;
  };
  return {load(0), load(8)};
}

// Whether the store holds no order whose hash lies between `finals`' first
// and last: one seek. Hashes are spread evenly, so in practice this finds
// an import into an empty store, which then reads no stored record at all.
// (Once the key filter is built, PlanChanges leaves out of its reads each
// order the filter rules out; this seek serves before that.)
// REQUIRES: finals is not empty and sorted by hash.
Result<bool> NoneStored(const StoreImpl& impl,
                        const std::vector<FinalRecord>& finals) {
  std::unique_ptr<rocksdb::Iterator> it(
      impl.db->NewIterator(rocksdb::ReadOptions(), impl.orders));
  it->Seek(KeyOf(finals.front().hash));
  if (!it->status().ok()) return FromRocks(it->status(), "store " + impl.path);
  return !it->Valid() || it->key().compare(KeyOf(finals.back().hash)) > 0;
}

// What `final` replaces: the record an earlier part of the same import
// wrote, else `stored`.
std::string_view PriorOr(const FinalRecord& final, std::string_view stored) {
  return final.prior != nullptr ? std::string_view(*final.prior) : stored;
}

}  // namespace

void SortChanges(std::vector<KeyChange>* changes) {
  struct Sortable {
    std::pair<uint64_t, uint64_t> prefix;
    KeyChange* change;
  };
  std::vector<Sortable> order;
  order.reserve(changes->size());
  for (KeyChange& change : *changes) order.push_back({PrefixOf(change.key), &change});
  std::sort(order.begin(), order.end(), [](const Sortable& a, const Sortable& b) {
    if (a.prefix != b.prefix) return a.prefix < b.prefix;
    return a.change->key < b.change->key;
  });
  std::vector<KeyChange> sorted;
  sorted.reserve(changes->size());
  for (const Sortable& s : order) sorted.push_back(*s.change);
  // An index key ends with its order's hash, and each order adds a key
  // once: no key can repeat.
  assert(std::adjacent_find(sorted.begin(), sorted.end(),
                            [](const KeyChange& a, const KeyChange& b) {
                              return a.key == b.key;
                            }) == sorted.end());
  *changes = std::move(sorted);
}

Result<FamilyChanges> PlanChanges(const StoreImpl& impl,
                                  const std::vector<FinalRecord>& finals,
                                  const std::string_view* expected) {
  assert(expected == nullptr || finals.size() == 1);
  constexpr size_t kChunk = 1024;
  FamilyChanges changes;
  // Every order has a key in the orders, about one in each index and a
  // note: growing these a key at a time cost an import ~5% of its CPU
  // (copies, and fresh pages faulted in).
  for (std::vector<KeyChange>& slot : changes.slots) slot.reserve(finals.size());
  changes.notes.reserve(finals.size());
  // Large batches only: for a few orders the seek would cost as much as
  // the reads it saves.
  if (finals.size() >= kChunk) {
    Result<bool> none_stored = NoneStored(impl, finals);
    if (!none_stored.ok()) return none_stored.status();
    if (*none_stored) {
      for (const FinalRecord& final : finals) {
        changes.creates.created += final.create && final.prior == nullptr;
        AddChanges(final.hash, PriorOr(final, {}), final.record, &changes);
      }
      return changes;
    }
  }
  std::vector<rocksdb::Slice> keys;
  std::vector<size_t> read;  // of the chunk's orders, those read (in order)
  std::vector<rocksdb::PinnableSlice> values(std::min(finals.size(), kChunk));
  std::vector<rocksdb::Status> statuses(values.size());
  for (size_t begin = 0; begin < finals.size(); begin += kChunk) {
    const size_t n = std::min(kChunk, finals.size() - begin);
    keys.clear();
    read.clear();
    for (size_t i = 0; i < n; ++i) {
      const OrderHash& hash = finals[begin + i].hash;
      if (!impl.MayContain(ReadOptions(), hash)) continue;
      read.push_back(i);
      keys.push_back(KeyOf(hash));
    }
    for (size_t j = 0; j < keys.size(); ++j) values[j].Reset();
    if (!keys.empty()) {
      impl.db->MultiGet(rocksdb::ReadOptions(), impl.orders, keys.size(),
                        keys.data(), values.data(), statuses.data(),
                        /*sorted_input=*/true);
    }
    for (size_t i = 0, j = 0; i < n; ++i) {
      const FinalRecord& final = finals[begin + i];
      std::string_view old_record;
      if (j < read.size() && read[j] == i) {
        if (statuses[j].ok()) {
          old_record = AsView(values[j]);
        } else if (!statuses[j].IsNotFound()) {
          return FromRocks(statuses[j], "order " + final.hash.ToHex());
        }
        ++j;
      }
      if (expected != nullptr && old_record != *expected) {
        return Status::Conflict("order " + final.hash.ToHex() +
                                " changed since it was read");
      }
      if (final.create) {
        const size_t created = changes.creates.created;
        if (!CheckCreate(final.hash, old_record, *final.record, &changes.creates)) {
          continue;  // nothing to write: found identical, or a conflict
        }
        // Counted once, by the part that first wrote it.
        if (final.prior != nullptr) changes.creates.created = created;
      }
      AddChanges(final.hash, PriorOr(final, old_record), final.record, &changes);
    }
  }
  return changes;
}

void AddToKeyFilter(StoreImpl& impl, const std::vector<FinalRecord>& finals) {
  if (impl.key_filter == nullptr) return;
  for (const FinalRecord& final : finals) {
    if (final.record != nullptr) impl.key_filter->Add(final.hash);
  }
}

}  // namespace orderstore::internal
