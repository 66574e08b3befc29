// The change feed and the order history (docs/changes.md).
//
// Every committed change to an order (a put that creates or replaces it, a
// delete, a status update, each order of Store::Import) is recorded in the
// same atomic write as the change itself, under a store-wide change
// sequence number: numbers are strictly increasing in commit order, and a
// change never becomes visible before one with a smaller number. Writes
// that change nothing (deleting a missing order, putting the stored record
// again) record nothing.
//
//  - The feed keeps each change (its number, commit time, operation, hash,
//    the writer's actor and reason, and the order's record for puts) for
//    Options::change_retention, or until Store::TrimChanges. Read it with
//    Store::ChangesAfter.
//  - The history keeps one small entry per change of each order (what kind
//    of change, the order status before and after, which field groups
//    changed, time, actor, reason) for as long as the order exists, and
//    for a deleted order until Store::TrimHistory. Read it with
//    Store::History.
//
// Thread safety: a ChangeIterator must not be used from two threads at
// once; HistoryEntry is a plain value.
#ifndef ORDERSTORE_CHANGES_H_
#define ORDERSTORE_CHANGES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "orderstore/export.h"
#include "orderstore/order.h"
#include "orderstore/order_view.h"
#include "orderstore/status.h"

namespace orderstore {

// What a change did to its order.
enum class ChangeOp : uint8_t {
  kPut = 1,     // the order was created or replaced: the change holds it
  kDelete = 2,  // the order was deleted
};

// "put" or "delete".
ORDERSTORE_EXPORT std::string_view ToString(ChangeOp op);

// Limits on WriteOptions::actor and WriteOptions::reason, in bytes.
inline constexpr size_t kMaxActorSize = 64;
inline constexpr size_t kMaxReasonSize = 200;

// One change of the feed, read in place from the iterator's current value.
// Lifetime: valid until the iterator moves or is destroyed (like
// Iterator::view).
class ORDERSTORE_EXPORT ChangeView {
 public:
  // The change's sequence number (1 for a store's first change).
  uint64_t seq() const { return seq_; }
  // The commit time, UTC, to the microsecond; as microseconds since the
  // Unix epoch. Never decreases as seq grows.
  Timestamp time() const;
  int64_t time_micros() const { return time_micros_; }
  // Whether the order was put or deleted, and its hash.
  ChangeOp op() const { return op_; }
  const OrderHash& hash() const { return hash_; }
  // The writer's WriteOptions::actor and reason; empty when not given.
  std::string_view actor() const { return actor_; }
  std::string_view reason() const { return reason_; }
  // The order as this change wrote it, verified like a stored record.
  // REQUIRES: op() == ChangeOp::kPut
  OrderView order() const { return order_; }

 private:
  friend struct ChangeViewAccess;
  uint64_t seq_ = 0;
  int64_t time_micros_ = 0;
  ChangeOp op_ = ChangeOp::kPut;
  OrderHash hash_;
  std::string_view actor_, reason_;
  OrderView order_;
};

// Walks the changes after a sequence number, oldest first, from the
// snapshot taken when it was made (Store::ChangesAfter): each change
// exactly once, in order, with no gap other than numbers that were never
// committed. Must be destroyed before its Store.
//
//   auto it = store->ChangesAfter({}, cursor);
//   if (!it.ok()) { ... }  // OutOfRange: the changes after cursor are gone
//   for (; (*it)->Valid(); (*it)->Next()) {
//     Result<ChangeView> change = (*it)->change();
//     if (!change.ok()) { report(change.status()); break; }
//     ship(*change);
//     cursor = change->seq();
//   }
//   if (!(*it)->status().ok()) { ... }
class ORDERSTORE_EXPORT ChangeIterator {
 public:
  ChangeIterator() = default;
  ChangeIterator(const ChangeIterator&) = delete;
  ChangeIterator& operator=(const ChangeIterator&) = delete;
  virtual ~ChangeIterator() = default;

  // True while positioned at a change.
  virtual bool Valid() const = 0;
  // Moves to the next change. REQUIRES: Valid()
  virtual void Next() = 0;
  // The current change, verified (its record too). Corruption naming the
  // sequence number when its bytes are damaged; the iterator stays usable.
  // REQUIRES: Valid()
  virtual Result<ChangeView> change() const ORDERSTORE_LIFETIMEBOUND = 0;
  // OK, or the error that made Valid() false early.
  virtual Status status() const = 0;
};

// What a history entry says happened.
enum class HistoryKind : uint8_t {
  kCreated = 1,        // a put of an order the store did not hold
  kReplaced = 2,       // a put over a stored order
  kStatusChanged = 3,  // Store::UpdateStatus: the transition it checked
  kDeleted = 4,
};

// "created", "replaced", "status", "deleted".
ORDERSTORE_EXPORT std::string_view ToString(HistoryKind kind);

// The field groups a change touched (HistoryEntry::changed, a bitmask).
enum FieldGroup : uint8_t {
  kStatusFields = 1,  // status, pay_time, cancel_time, any item's status
  kMoneyFields = 2,   // fee, c_fee, any item's price
  kItemFields = 4,    // items added or removed, or an item's other fields
  kOtherFields = 8,   // create_time, expire_time
};

// The names of the groups in `changed` ("status", "money", "items",
// "other"), in that order, comma-separated.
ORDERSTORE_EXPORT std::string FieldGroupNames(uint8_t changed);

// One entry of an order's history.
struct HistoryEntry {
  uint64_t seq = 0;         // the change's sequence number
  int64_t time_micros = 0;  // its commit time, microseconds since the epoch
  HistoryKind kind = HistoryKind::kCreated;  // what happened
  std::optional<OrderStatus> from;  // the status before; none for kCreated
  std::optional<OrderStatus> to;    // the status after; none for kDeleted
  // The FieldGroup bits that differ between the old and the new record:
  // every group for kCreated and kDeleted.
  uint8_t changed = 0;
  std::string actor;   // the writer's WriteOptions::actor
  std::string reason;  // the writer's WriteOptions::reason
};

// Where the feed stands (Store::ChangeFeed).
struct ChangeFeedInfo {
  // The number of the last committed change; 0 before the first.
  uint64_t latest = 0;
  // The smallest number the feed may still hold: every change before it
  // was trimmed (or never kept, with change_retention 0). ChangesAfter(n)
  // succeeds for every n >= oldest - 1.
  uint64_t oldest = 1;
  // Whether this store records changes (Options::change_retention > 0).
  bool enabled = true;
};

}  // namespace orderstore

#endif  // ORDERSTORE_CHANGES_H_
