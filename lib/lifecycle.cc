#include "orderstore/lifecycle.h"

#include <chrono>
#include <string>

namespace orderstore {
namespace {

bool IsDelivered(ItemStatus s) {
  return s == ItemStatus::kSuccess || s == ItemStatus::kRefunded ||
         s == ItemStatus::kCancelled;
}

std::string Refused(const std::string& field, std::string_view from,
                    std::string_view to) {
  return field + ": " + std::string(from) + " -> " + std::string(to) +
         " is not allowed";
}

Timestamp Now() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now).count();
  Timestamp t;
  t.unix_seconds = ns / 1000000000;
  t.nanos = static_cast<int32_t>(ns % 1000000000);
  t.offset_minutes = 0;
  return t;
}

}  // namespace

bool IsAllowedTransition(OrderStatus from, OrderStatus to) {
  using S = OrderStatus;
  switch (from) {
    case S::kNew:
      return to == S::kPaid || to == S::kCanceled;
    case S::kPaid:
      return to == S::kComplete || to == S::kRefund;
    case S::kComplete:
      return to == S::kRefund;
    case S::kCanceled:
    case S::kRefund:
      return false;
  }
  return false;
}

bool IsAllowedTransition(ItemStatus from, ItemStatus to) {
  using S = ItemStatus;
  if (to == S::kCancelled) return !IsDelivered(from);
  switch (from) {
    case S::kNonExecutable:
      return to == S::kExecutable;
    case S::kExecutable:
      return to == S::kProcessing;
    case S::kProcessing:
      return to == S::kSuccess || to == S::kFailed;
    case S::kFailed:
      return to == S::kProcessing || to == S::kFailOver;
    case S::kSuccess:
      return to == S::kRefunded;
    case S::kFailOver:
    case S::kCancelled:
    case S::kRefunded:
      return false;
  }
  return false;
}

Status ApplyStatusUpdate(const StatusUpdate& update, Order* order) {
  Order changed = *order;
  if (update.order_status) {
    OrderStatus to = *update.order_status;
    if (ToString(to).empty()) {
      return Status::InvalidArgument("status: not an order status");
    }
    if (!IsAllowedTransition(order->status, to)) {
      return Status::InvalidArgument(
          Refused("status", ToString(order->status), ToString(to)));
    }
    changed.status = to;
    Timestamp at = update.at.is_set() ? update.at : Now();
    Status valid = ValidateTimestamp(at);
    if (!valid.ok()) return valid.WithContext("at");
    if (to == OrderStatus::kPaid) changed.pay_time = at;
    if (to == OrderStatus::kCanceled) changed.cancel_time = at;
  }
  for (const StatusUpdate::Item& item : update.items) {
    const std::string field = "items[" + std::to_string(item.index) + "].status";
    if (item.index >= changed.items.size()) {
      return Status::InvalidArgument(field + ": the order has " +
                                     std::to_string(changed.items.size()) +
                                     " items");
    }
    ItemStatus& status = changed.items[item.index].status;
    if (ToString(item.status).empty()) {
      return Status::InvalidArgument(field + ": not an item status");
    }
    if (!IsAllowedTransition(status, item.status)) {
      return Status::InvalidArgument(
          Refused(field, ToString(status), ToString(item.status)));
    }
    status = item.status;
  }
  *order = std::move(changed);
  return Status::OK();
}

}  // namespace orderstore
