// The values an order is made of (OrderHash, Timestamp, the two status
// enums) and the owned, mutable Order that writers and the importer fill in.
//
// Thread safety: all types here are plain values with no shared state; the
// free functions may be called from any number of threads at once.
#ifndef ORDERSTORE_ORDER_H_
#define ORDERSTORE_ORDER_H_

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "orderstore/export.h"
#include "orderstore/status.h"

namespace orderstore {

// An order's identity: 16 bytes, written as 32 lower-case hex digits.
class ORDERSTORE_EXPORT OrderHash {
 public:
  // Bytes in a hash; hex digits in its text.
  static constexpr size_t kSize = 16;
  static constexpr size_t kHexSize = 32;

  // The all-zero hash.
  constexpr OrderHash() = default;
  constexpr explicit OrderHash(const std::array<uint8_t, kSize>& bytes)
      : bytes_(bytes) {}

  // Parses exactly 32 hex digits, upper or lower case. Anything else is
  // InvalidArgument, with the text quoted in the message.
  static Result<OrderHash> Parse(std::string_view hex);

  // The 16 raw bytes (the store's key).
  const std::array<uint8_t, kSize>& bytes() const { return bytes_; }
  std::string_view AsKey() const {
    return {reinterpret_cast<const char*>(bytes_.data()), kSize};
  }

  // Writes the 32 lower-case hex digits to out[0..31]; no terminator.
  void WriteHex(char* out) const;
  std::string ToHex() const;

  // Compares the bytes: the order of the hex text and of the store's keys.
  friend auto operator<=>(const OrderHash&, const OrderHash&) = default;

 private:
  std::array<uint8_t, kSize> bytes_{};
};

// An RFC 3339 time as the source document writes it: an instant, and the UTC
// offset it was written with (kept so that it is written back the same way).
//
// Go's zero time, 0001-01-01T00:00:00Z, means "not set"; it is the default
// value. Set times lie in the years 1400 to 9999 (local time), the range of
// Boost's Gregorian calendar.
struct Timestamp {
  // 0001-01-01T00:00:00Z in seconds since the Unix epoch.
  static constexpr int64_t kUnsetSeconds = -62135596800;
  // The longest text FormatTimestamp writes:
  // "9999-12-31T23:59:59.999999999+23:59".
  static constexpr size_t kMaxTextSize = 35;

  int64_t unix_seconds = kUnsetSeconds;  // the instant, UTC
  int32_t nanos = 0;                     // 0 to 999,999,999
  int16_t offset_minutes = 0;            // -1439 to 1439; 0 is written "Z"

  // The zero time ("not set"); is_set() is false exactly for it.
  static constexpr Timestamp Unset() { return Timestamp{}; }
  constexpr bool is_set() const { return *this != Timestamp{}; }

  // Field by field: one instant written with two offsets is two values.
  friend constexpr bool operator==(const Timestamp&,
                                   const Timestamp&) = default;
};

// True when `a` is an earlier instant than `b`: offsets do not matter
// (2020-09-16T19:57:17+08:00 is before 2020-09-16T11:57:18Z), and Unset()
// is before every set time.
constexpr bool InstantBefore(const Timestamp& a, const Timestamp& b) {
  return a.unix_seconds != b.unix_seconds ? a.unix_seconds < b.unix_seconds
                                          : a.nanos < b.nanos;
}

// Parses RFC 3339: YYYY-MM-DDTHH:MM:SS[.fraction](Z|+hh:mm|-hh:mm), with 1 to
// 9 fraction digits. "0001-01-01T00:00:00Z" gives Timestamp::Unset().
// Impossible dates (2021-02-30), 24:00:00, second 60, offsets beyond 23:59,
// years outside 1400..9999, a missing part or trailing text are
// InvalidArgument, quoting the text.
ORDERSTORE_EXPORT Result<Timestamp> ParseTimestamp(std::string_view text);

// Writes `t` as RFC 3339 into out[0..kMaxTextSize) and returns the end. An
// offset of zero is written "Z"; the fraction is written without trailing
// zeros and omitted when zero; Unset() is written "0001-01-01T00:00:00Z".
// REQUIRES: ValidateTimestamp(t).ok()
ORDERSTORE_EXPORT char* FormatTimestamp(const Timestamp& t, char* out);
ORDERSTORE_EXPORT std::string FormatTimestamp(const Timestamp& t);

// OK if `t` is Unset() or a time FormatTimestamp can write; otherwise
// InvalidArgument saying which part is out of range.
ORDERSTORE_EXPORT Status ValidateTimestamp(const Timestamp& t);

// The order's status. Values are stored; they are only ever appended.
enum class OrderStatus : uint8_t {
  kNew = 0,
  kPaid = 1,
  kCanceled = 2,
  kComplete = 3,  // every item delivered
  kRefund = 4,    // the order was refunded
};
inline constexpr int kOrderStatusCount = 5;

// An item's delivery status. Values are stored; they are only ever appended.
enum class ItemStatus : uint8_t {
  kNonExecutable = 0,
  kExecutable = 1,
  kProcessing = 2,
  kSuccess = 3,
  kFailed = 4,
  kFailOver = 5,  // failed too many times
  kCancelled = 6,
  kRefunded = 7,
};
inline constexpr int kItemStatusCount = 8;

// The documented spelling: "new", "paid", "canceled", "complete", "refund";
// "non_executable", ..., "cancelled", "refunded". Empty for a value outside
// the enum.
ORDERSTORE_EXPORT std::string_view ToString(OrderStatus status);
ORDERSTORE_EXPORT std::string_view ToString(ItemStatus status);

// The inverse of ToString, case-sensitive. Anything else is InvalidArgument
// quoting the text (note the documented spellings: the order status is
// "canceled", the item status "cancelled").
ORDERSTORE_EXPORT Result<OrderStatus> ParseOrderStatus(std::string_view text);
ORDERSTORE_EXPORT Result<ItemStatus> ParseItemStatus(std::string_view text);

// One resource in an order. Fields are in the documented output order.
struct OrderItem {
  std::string order_type;                          // e.g. "create"
  std::string resource_type;                       // e.g. "instance", "disk"
  std::string resource_id;                         // e.g. "i-xxxx"
  std::string region;                              // e.g. "cn-qingdao"
  double price = 0;                                // the item's price
  ItemStatus status = ItemStatus::kNonExecutable;  // delivery status
  Timestamp life_start_time;   // the resource's lifecycle start
  Timestamp life_expire_time;  // the resource's lifecycle end

  // Field by field.
  friend bool operator==(const OrderItem&, const OrderItem&) = default;
};

// An owned, mutable order: what writers pass to the store and what the JSON
// importer produces. Reading from the store gives an OrderView instead (see
// order_view.h), which converts back with ToOwned().
struct Order {
  OrderHash hash;         // "order"
  double fee = 0;         // original price
  double c_fee = 0;       // amount actually paid
  Timestamp create_time;  // created at
  Timestamp pay_time;     // paid at; unset until paid
  Timestamp cancel_time;  // cancelled at; unset unless canceled
  Timestamp expire_time;  // payment deadline
  OrderStatus status = OrderStatus::kNew;  // where the order stands
  std::vector<OrderItem> items;            // the resources, in order

  // Field by field.
  friend bool operator==(const Order&, const Order&) = default;
};

// The rules every stored order obeys: fee, c_fee and every price finite and
// not negative; every time valid (ValidateTimestamp); both statuses inside
// their enums; every string valid UTF-8. OK, or InvalidArgument naming the
// first offending field ("items[1].price: ...").
ORDERSTORE_EXPORT Status ValidateOrder(const Order& order);

}  // namespace orderstore

#endif  // ORDERSTORE_ORDER_H_
