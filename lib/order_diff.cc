// Field-by-field comparison of two orders (see order_diff.h).
#include "lib/order_diff.h"

#include <algorithm>

#include "orderstore/order_view.h"

namespace orderstore::internal {
namespace {

std::string ItemPath(size_t i, const char* field) {
  return "items[" + std::to_string(i) + "]." + field;
}

// The first differing field of two items at index `i`, or empty.
std::string ItemDifference(size_t i, const OrderItem& a, const OrderItem& b) {
  if (a.order_type != b.order_type) return ItemPath(i, "order_type");
  if (a.resource_type != b.resource_type) return ItemPath(i, "resource_type");
  if (a.resource_id != b.resource_id) return ItemPath(i, "resource_id");
  if (a.region != b.region) return ItemPath(i, "region");
  if (a.price != b.price) return ItemPath(i, "price");
  if (a.status != b.status) return ItemPath(i, "status");
  if (a.life_start_time != b.life_start_time) {
    return ItemPath(i, "life_start_time");
  }
  if (a.life_expire_time != b.life_expire_time) {
    return ItemPath(i, "life_expire_time");
  }
  return {};
}

}  // namespace

std::string FirstDifference(const Order& a, const Order& b) {
  // The order of the documented output (and of Order's members).
  if (a.hash != b.hash) return "order";
  if (a.fee != b.fee) return "fee";
  if (a.c_fee != b.c_fee) return "c_fee";
  if (a.create_time != b.create_time) return "create_time";
  if (a.pay_time != b.pay_time) return "pay_time";
  if (a.cancel_time != b.cancel_time) return "cancel_time";
  if (a.expire_time != b.expire_time) return "expire_time";
  if (a.status != b.status) return "status";
  const size_t common = std::min(a.items.size(), b.items.size());
  for (size_t i = 0; i < common; ++i) {
    std::string path = ItemDifference(i, a.items[i], b.items[i]);
    if (!path.empty()) return path;
  }
  if (a.items.size() != b.items.size()) return "items.length";
  return {};
}

Result<std::string> RecordDifference(std::string_view stored,
                                     std::string_view record) {
  if (stored == record) return std::string();
  // Different bytes may still hold equal orders (a record encoded by an
  // earlier build): only the fields decide.
  Result<OrderView> old_view = VerifyRecord(stored);
  if (!old_view.ok()) return old_view.status();
  return FirstDifference(old_view->ToOwned(), VerifyRecord(record)->ToOwned());
}

bool CheckCreate(const OrderHash& hash, std::string_view old_record,
                 std::string_view record, WriteOutcome* creates) {
  if (old_record.empty()) {
    ++creates->created;
    return true;
  }
  Result<std::string> field = RecordDifference(old_record, record);
  if (!field.ok()) {
    creates->conflicts.push_back(
        {hash, "record (the stored one is damaged: " + field.status().message() +
                   ")"});
  } else if (field->empty()) {
    ++creates->existed;
  } else {
    creates->conflicts.push_back({hash, std::move(*field)});
  }
  return false;
}

Status ReportCreates(WriteOutcome found, WriteOutcome* outcome) {
  Status s;
  if (!found.conflicts.empty()) {
    const CreateConflict& first = found.conflicts.front();
    std::string message = "order " + first.hash.ToHex() +
                          " already exists with a different " + first.field;
    if (found.conflicts.size() > 1) {
      message += " (and " + std::to_string(found.conflicts.size() - 1) +
                 " more creates of the batch conflict); nothing written";
    } else {
      message += "; nothing written";
    }
    s = Status::AlreadyExists(std::move(message));
  }
  if (outcome != nullptr) *outcome = std::move(found);
  return s;
}

}  // namespace orderstore::internal
