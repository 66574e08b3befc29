// The order lifecycle: which status changes are allowed, and applying one.
//
// Thread safety: plain functions over values; callable from any thread.
//
// The transition table (the one place it lives, lib/lifecycle.cc):
//   order: new -> paid, new -> canceled, paid -> complete, paid -> refund,
//          complete -> refund
//   item:  non_executable -> executable -> processing -> success | failed,
//          failed -> processing (retry) | fail_over,
//          any undelivered state (non_executable, executable, processing,
//          failed, fail_over) -> cancelled,
//          success -> refunded
// Staying in the same status is not a transition and is refused too.
#ifndef ORDERSTORE_LIFECYCLE_H_
#define ORDERSTORE_LIFECYCLE_H_

#include <cstddef>
#include <optional>
#include <vector>

#include "orderstore/export.h"
#include "orderstore/order.h"
#include "orderstore/status.h"

namespace orderstore {

// Whether the table above allows changing `from` to `to`.
ORDERSTORE_EXPORT bool IsAllowedTransition(OrderStatus from, OrderStatus to);
ORDERSTORE_EXPORT bool IsAllowedTransition(ItemStatus from, ItemStatus to);

// A change of an order's status and/or its items' statuses.
struct StatusUpdate {
  // A new status for one item.
  struct Item {
    size_t index;       // position in the order's items
    ItemStatus status;  // the new status
  };
  std::optional<OrderStatus> order_status;  // none: the order's stays
  std::vector<Item> items;  // the items that change, in any order
  // When the change happened: becomes pay_time on -> paid and cancel_time
  // on -> canceled. Unset: the current time (UTC).
  Timestamp at;
};

// Applies `update` to `*order`. Every change must be allowed by the table;
// otherwise InvalidArgument naming both states ("order status: complete ->
// paid is not allowed", "items[1].status: success -> failed ..."), or an
// item index out of range; *order is then unchanged.
ORDERSTORE_EXPORT Status ApplyStatusUpdate(const StatusUpdate& update,
                                           Order* order);

}  // namespace orderstore

#endif  // ORDERSTORE_LIFECYCLE_H_
