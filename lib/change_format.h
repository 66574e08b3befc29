// How the change feed and the order history are laid out in RocksDB, and
// what one write records in them (a ChangeNote per order it changes).
//
// Column family "changes", one key per change:
//   key:   seq(8, big-endian), so byte order is commit order
//   value: op(1) actor_size(1) reason_size(1) 0(1) time_micros(8, big-endian)
//          hash(16) actor reason record
// The record is the order's record exactly as the orders family got it (a
// put), or nothing (a delete): a ChangeView's order is a view of it in
// place, verified as a stored record is.
//
// Column family "history", one key per change of an order:
//   key:   hash(16) seq(8, big-endian): an order's entries together, oldest
//          first
//   value: kind(low 4 bits) | changed groups(high 4 bits) (1)
//          from(1) to(1)  (an OrderStatus, or 0xff for none)
//          time_micros (varint, 7 bits a byte)
//          [actor_size(1) actor reason_size(1) reason]  (only when either
//          is given)
// 11 bytes a value without actor and reason. The key order puts an
// order's entries side by side, so RocksDB's key prefix compression stores
// the second and later keys in about 9 bytes (docs/changes.md, Cost, has
// the bytes per order on disk).
//
// The default column family holds one key of the feed's, "changes.oldest":
// the smallest sequence number the feed may still hold (8 bytes,
// big-endian), written with each trim in the same batch as its
// DeleteRange, and with every write while the feed is off.
#ifndef ORDERSTORE_LIB_CHANGE_FORMAT_H_
#define ORDERSTORE_LIB_CHANGE_FORMAT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "orderstore/changes.h"
#include "orderstore/order.h"
#include "orderstore/order_view.h"
#include "orderstore/status.h"

namespace orderstore::internal {

inline constexpr char kChangesFamily[] = "changes";
inline constexpr char kHistoryFamily[] = "history";
inline constexpr char kOldestKey[] = "changes.oldest";

inline constexpr size_t kSeqKeySize = 8;
inline constexpr size_t kChangeHeaderSize = 28;
inline constexpr size_t kHistoryKeySize = OrderHash::kSize + kSeqKeySize;
inline constexpr uint8_t kNoStatus = 0xff;

// What one order's change records, beside the change itself.
struct ChangeNote {
  OrderHash hash;
  const std::string* record = nullptr;  // the new record; null: deleted
  HistoryKind kind = HistoryKind::kCreated;
  uint8_t from = kNoStatus, to = kNoStatus;
  uint8_t changed = 0;  // FieldGroup bits
};

// The note for replacing `old_record` (empty: absent) with `record` (null:
// deleted), given their verified views: `old_view` null when the old record
// is absent or did not verify, `new_view` null exactly when `record` is
// (the planner verifies each record once, for the note and the index
// entries both). REQUIRES: the records differ.
ChangeNote NoteChange(const OrderHash& hash, std::string_view old_record,
                      const OrderView* old_view, const std::string* record,
                      const OrderView* new_view);

// Marks the notes of a compare-and-set write (Store::UpdateStatus) as the
// status change it checked.
void MarkStatusChanges(std::vector<ChangeNote>& notes);

// The FieldGroup bits in which `a` and `b` differ.
uint8_t ChangedGroups(OrderView a, OrderView b);

void AppendSeqKey(uint64_t seq, std::string* out);
uint64_t DecodeSeqKey(std::string_view key);  // REQUIRES: 8 bytes
std::string HistoryKey(const OrderHash& hash, uint64_t seq);

// Appends the "changes" value of `note`.
void AppendChangeValue(const ChangeNote& note, int64_t time_micros,
                       std::string_view actor, std::string_view reason,
                       std::string* out);
// Appends the "history" value of `note`.
void AppendHistoryValue(const ChangeNote& note, int64_t time_micros,
                        std::string_view actor, std::string_view reason,
                        std::string* out);

// Decodes and verifies a "changes" entry (its record too). Corruption
// naming the sequence number on any damage.
Result<ChangeView> DecodeChange(std::string_view key, std::string_view value);

// Decodes a "history" entry. Corruption on damage.
Result<HistoryEntry> DecodeHistory(std::string_view key,
                                   std::string_view value);

// The "changes.oldest" value of `seq`, and back (0 when absent/damaged).
std::string EncodeOldest(uint64_t seq);
uint64_t DecodeOldest(std::string_view value);

// InvalidArgument unless `text` (named `what`) is at most `max` bytes of
// valid UTF-8 without control characters.
Status ValidateLabel(std::string_view what, std::string_view text, size_t max);

}  // namespace orderstore::internal

namespace orderstore {
// Builds ChangeViews; lib/ only.
struct ChangeViewAccess {
  static ChangeView Make(uint64_t seq, int64_t time_micros, ChangeOp op,
                         const OrderHash& hash, std::string_view actor,
                         std::string_view reason, OrderView order) {
    ChangeView v;
    v.seq_ = seq;
    v.time_micros_ = time_micros;
    v.op_ = op;
    v.hash_ = hash;
    v.actor_ = actor;
    v.reason_ = reason;
    v.order_ = order;
    return v;
  }
};
}  // namespace orderstore

#endif  // ORDERSTORE_LIB_CHANGE_FORMAT_H_
