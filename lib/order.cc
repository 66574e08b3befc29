#include "orderstore/order.h"

#include <array>
#include <cmath>
#include <string>

#include "lib/text.h"
#include "lib/time.h"

namespace orderstore {
namespace {

// The documented spellings, indexed by enum value: the one place they live.
constexpr std::array<std::string_view, kOrderStatusCount> kOrderStatusNames = {
    "new", "paid", "canceled", "complete", "refund"};
constexpr std::array<std::string_view, kItemStatusCount> kItemStatusNames = {
    "non_executable", "executable", "processing", "success",
    "failed",         "fail_over",  "cancelled",  "refunded"};

template <typename Enum, size_t N>
std::string_view NameOf(const std::array<std::string_view, N>& names,
                        Enum value) {
  size_t index = static_cast<size_t>(value);
  return index < N ? names[index] : std::string_view();
}

template <typename Enum, size_t N>
Result<Enum> ParseName(const std::array<std::string_view, N>& names,
                       std::string_view text, const char* what) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == text) return static_cast<Enum>(i);
  }
  return Status::InvalidArgument(std::string("unknown ") + what + " " +
                                 internal::Quote(text));
}

// Each check names the offending field ("price: negative amount"); an
// item's errors get their "items[i]." prefix from ValidateOrder, on
// failure only (making it for every item cost more than the checks).
Status Invalid(std::string_view name, std::string_view why) {
  std::string message(name);
  message += ": ";
  message += why;
  return Status::InvalidArgument(std::move(message));
}

Status CheckMoney(double amount, std::string_view name) {
  if (!std::isfinite(amount)) return Invalid(name, "not a finite number");
  if (amount < 0) return Invalid(name, "negative amount");
  return Status::OK();
}

Status CheckTime(const Timestamp& t, std::string_view name) {
  if (internal::IsValidTimestamp(t)) return Status::OK();
  return Invalid(name, ValidateTimestamp(t).message());
}

Status CheckText(std::string_view text, std::string_view name) {
  if (!internal::IsValidUtf8(text)) return Invalid(name, "not valid UTF-8");
  return Status::OK();
}

Status ValidateItem(const OrderItem& item) {
  Status s;
  if (!(s = CheckText(item.order_type, "order_type")).ok()) return s;
  if (!(s = CheckText(item.resource_type, "resource_type")).ok()) return s;
  if (!(s = CheckText(item.resource_id, "resource_id")).ok()) return s;
  if (!(s = CheckText(item.region, "region")).ok()) return s;
  if (!(s = CheckMoney(item.price, "price")).ok()) return s;
  if (ToString(item.status).empty()) return Invalid("status", "not an item status");
  if (!(s = CheckTime(item.life_start_time, "life_start_time")).ok()) return s;
  return CheckTime(item.life_expire_time, "life_expire_time");
}

}  // namespace

std::string_view ToString(OrderStatus status) {
  return NameOf(kOrderStatusNames, status);
}

std::string_view ToString(ItemStatus status) {
  return NameOf(kItemStatusNames, status);
}

Result<OrderStatus> ParseOrderStatus(std::string_view text) {
  return ParseName<OrderStatus>(kOrderStatusNames, text, "order status");
}

Result<ItemStatus> ParseItemStatus(std::string_view text) {
  return ParseName<ItemStatus>(kItemStatusNames, text, "item status");
}

Status ValidateOrder(const Order& order) {
  Status s;
  if (!(s = CheckMoney(order.fee, "fee")).ok()) return s;
  if (!(s = CheckMoney(order.c_fee, "c_fee")).ok()) return s;
  if (!(s = CheckTime(order.create_time, "create_time")).ok()) return s;
  if (!(s = CheckTime(order.pay_time, "pay_time")).ok()) return s;
  if (!(s = CheckTime(order.cancel_time, "cancel_time")).ok()) return s;
  if (!(s = CheckTime(order.expire_time, "expire_time")).ok()) return s;
  if (ToString(order.status).empty()) return Invalid("status", "not an order status");
  for (size_t i = 0; i < order.items.size(); ++i) {
    s = ValidateItem(order.items[i]);
    if (!s.ok()) {
      return Status::InvalidArgument("items[" + std::to_string(i) + "]." +
                                     s.message());
    }
  }
  return Status::OK();
}

}  // namespace orderstore
