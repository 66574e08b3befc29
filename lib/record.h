// The stored record: an Order encoded as a FlatBuffers buffer
// (schema/order.fbs), and the bridge that turns verified bytes into views.
#ifndef ORDERSTORE_LIB_RECORD_H_
#define ORDERSTORE_LIB_RECORD_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "orderstore/order.h"
#include "orderstore/order_view.h"

namespace orderstore::internal {

// Appends the record for `order` to *out. REQUIRES: ValidateOrder(order).ok()
void AppendRecord(const Order& order, std::string* out);

// The record for `order`, as a new string. REQUIRES: as AppendRecord.
std::string EncodeRecord(const Order& order);

// Asks the CPU to start loading the cache lines of `record` now, all at
// once, so that reading it waits for about one
// memory access instead of one per line: verification walks the FlatBuffers
// tables from the root to the items and their strings (the builder wrote
// the first item last, at the end), and each step would otherwise wait for
// its own line. A record fresh from RocksDB's row cache is usually in no CPU
// cache (random keys over a row cache far larger than L3). Costs a few
// instructions when the lines are already cached, and never faults, so it
// may run before verification. Only the first kMaxPrefetch bytes: a record
// of a few items is 200-600 bytes, and a damaged value of any size must not
// cost more than that.
inline void PrefetchRecord(std::string_view record) {
  constexpr uintptr_t kLine = 64;
  constexpr size_t kMaxPrefetch = 2048;
  const uintptr_t begin = reinterpret_cast<uintptr_t>(record.data());
  const uintptr_t end =
      begin + (record.size() < kMaxPrefetch ? record.size() : kMaxPrefetch);
  for (uintptr_t line = begin & ~(kLine - 1); line < end; line += kLine) {
    __builtin_prefetch(reinterpret_cast<const void*>(line));
  }
}

// Builds views; only lib/ code that has verified the bytes may call these.
struct ViewAccess {
  static OrderView MakeView(const uint8_t* verified, size_t size) {
    return OrderView(verified, size);
  }
  static OrderItemView MakeItemView(const void* table) {
    return OrderItemView(table);
  }
  static ItemsView MakeItemsView(const void* vector) {
    return ItemsView(vector);
  }
  static void* Pin(PinnedOrder& pinned) { return pinned.pin_; }
  static const void* Pin(const PinnedOrder& pinned) { return pinned.pin_; }
  static void SetHasValue(PinnedOrder& pinned, bool has_value) {
    pinned.has_value_ = has_value;
  }
};

}  // namespace orderstore::internal

#endif  // ORDERSTORE_LIB_RECORD_H_
