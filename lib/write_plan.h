// The write planner: what a batch changes in each column family. For each
// order a batch writes, it reads the stored record and works out which
// index entries go and which come, so that Store::Write (one RocksDB
// batch) and Store::Import (one table file per column family) apply the
// same changes.
#ifndef ORDERSTORE_LIB_WRITE_PLAN_H_
#define ORDERSTORE_LIB_WRITE_PLAN_H_

#include <rocksdb/db.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lib/change_format.h"
#include "lib/index.h"
#include "lib/store_impl.h"
#include "lib/write_batch_rep.h"
#include "orderstore/order.h"
#include "orderstore/status.h"

namespace orderstore::internal {

// The final record of one order a batch writes.
struct FinalRecord {
  OrderHash hash;
  const std::string* record;  // into the batch; null: deleted
  bool create;                // stored only if absent (WriteBatch::Create)
};

// The final record of each order `ops` writes, sorted by hash: a batch
// lands all at once, so only the last entry for a hash matters.
std::vector<FinalRecord> FinalRecords(const std::vector<BatchOp>& ops);

// One RocksDB key a batch writes: a put of `value`, or a deletion.
struct KeyChange {
  std::string_view key;    // into its FamilyChanges' KeyArena
  std::string_view value;  // into the batch's records; empty for index entries
  bool deleted = false;
};

// The bytes of the keys a plan writes, packed in blocks that never move
// (a KeyChange's key stays valid as more are added) and freed at once. An
// import plans millions of keys: one heap string each made allocating,
// touching (scattered over the heap, read again by the sort and the table
// writer) and freeing them a fifth of the import's time.
class KeyArena {
 public:
  std::string_view Copy(std::string_view key) {
    if (key.size() > free_) {
      const size_t size = std::max(kBlockSize, key.size());
      blocks_.push_back(std::make_unique_for_overwrite<char[]>(size));
      next_ = blocks_.back().get();
      free_ = size;
    }
    std::memcpy(next_, key.data(), key.size());
    const std::string_view copy(next_, key.size());
    next_ += key.size();
    free_ -= key.size();
    return copy;
  }

 private:
  static constexpr size_t kBlockSize = size_t{1} << 20;
  std::vector<std::unique_ptr<char[]>> blocks_;
  char* next_ = nullptr;
  size_t free_ = 0;
};

// Which column family a FamilyChanges slot is for: the orders, then one
// per internal::Index.
constexpr size_t kOrdersSlot = 0;
constexpr size_t kFamilySlots = 1 + internal::kIndexCount;
inline size_t SlotOf(Index index) { return 1 + static_cast<size_t>(index); }

// The column family of FamilyChanges slot `slot` in `impl`.
rocksdb::ColumnFamilyHandle* FamilyOfSlot(const StoreImpl& impl, size_t slot);

// What a batch changes in each column family, every key at most once. Each
// slot is written sorted by key (see SortChanges): the order in which
// RocksDB's memtable inserts fastest (each insert starts from the previous
// one's place in the skip list), and the order a table file needs.
struct FamilyChanges {
  std::array<std::vector<KeyChange>, kFamilySlots> slots;
  KeyArena keys;  // every slot's keys
  // What the change feed and the history record: one per order changed.
  std::vector<ChangeNote> notes;
  WriteOutcome creates;  // what the batch's creates found (none written
                         // but those that found their order absent)
  std::vector<KeyChange>& operator[](size_t slot) { return slots[slot]; }
};

// Sorts one column family's changes by key. Comparing the keys' first 16
// bytes, held in a contiguous array, decides almost every pair without
// reaching the keys' own heap bytes: an import sorts millions of keys, and
// chasing a pointer per comparison made that the slowest part of it.
void SortChanges(std::vector<KeyChange>* changes);

// Reads the stored record of every order in `finals` (sorted by hash), in
// sorted MultiGets of a bounded size, and returns the changes that writing
// the final records makes, not yet sorted (see SortChanges). An order the
// key filter rules out is not read: it is not stored, and stays so until
// this write commits (its stripe, or Import's gate, excludes other writers
// of it). With `expected` (one order): Conflict unless the stored record is
// byte for byte *expected (empty: absent). A create (FinalRecord::create)
// is planned only when its order is absent, and counted in the result's
// `creates` (see CheckCreate in lib/order_diff.h).
// REQUIRES: the caller holds the stripes of every order in `finals`.
Result<FamilyChanges> PlanChanges(const StoreImpl& impl,
                                  const std::vector<FinalRecord>& finals,
                                  const std::string_view* expected);

// Adds the orders `finals` puts to the key filter. REQUIRES: the caller
// holds import_gate (shared or alone) until the write commits: a get must
// never see an order its filter lacks.
void AddToKeyFilter(StoreImpl& impl, const std::vector<FinalRecord>& finals);

}  // namespace orderstore::internal

#endif  // ORDERSTORE_LIB_WRITE_PLAN_H_
