// The rocksdb::PinnableSlice a PinnedOrder holds in place, for the lib/
// files that read into one (store.cc) and the one that owns its life
// (pinned_order.cc).
#ifndef ORDERSTORE_LIB_PINNED_ORDER_H_
#define ORDERSTORE_LIB_PINNED_ORDER_H_

#include <rocksdb/slice.h>

#include <new>

#include "lib/record.h"
#include "orderstore/order_view.h"

namespace orderstore::internal {

static_assert(sizeof(rocksdb::PinnableSlice) <= 128 &&
                  alignof(rocksdb::PinnableSlice) <= 8,
              "PinnedOrder::kPinSize is too small for rocksdb::PinnableSlice");

inline rocksdb::PinnableSlice* SliceOf(PinnedOrder& pinned) {
  return std::launder(
      static_cast<rocksdb::PinnableSlice*>(ViewAccess::Pin(pinned)));
}
inline const rocksdb::PinnableSlice* SliceOf(const PinnedOrder& pinned) {
  return std::launder(
      static_cast<const rocksdb::PinnableSlice*>(ViewAccess::Pin(pinned)));
}

}  // namespace orderstore::internal

#endif  // ORDERSTORE_LIB_PINNED_ORDER_H_
