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
