// The keys of the documented response's objects, in documented order, and
// a fast lookup from a key's text to its index. Kept apart from the reader
// so that the tables and their static checks are read in one place.
#ifndef ORDERSTORE_LIB_JSON_KEYS_H_
#define ORDERSTORE_LIB_JSON_KEYS_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace orderstore::internal {

// Keys of the objects we read, in documented order (the order in which a
// missing key is reported).
constexpr std::string_view kResponseKeys[] = {"data", "request_id"};
enum ResponseKey { kData, kRequestId };

constexpr std::string_view kOrderKeys[] = {
    "order",       "fee",         "c_fee",  "create_time", "pay_time",
    "cancel_time", "expire_time", "status", "items"};
enum OrderKey {
  kOrder,
  kFee,
  kCFee,
  kCreateTime,
  kPayTime,
  kCancelTime,
  kExpireTime,
  kOrderStatus,
  kItems
};

constexpr std::string_view kItemKeys[] = {
    "order_type", "resource_type", "resource_id",     "region",
    "price",      "status",        "life_start_time", "life_expire_time"};
enum ItemKey {
  kOrderType,
  kResourceType,
  kResourceId,
  kRegion,
  kPrice,
  kItemStatus,
  kLifeStartTime,
  kLifeExpireTime
};

template <size_t N>
constexpr uint32_t AllKeys(const std::string_view (&)[N]) {
  return (uint32_t{1} << N) - 1;
}

// The index of each documented key, or -1. A switch on the length leaves
// comparisons with constants of known size, which compile to a few integer
// compares instead of calls to memcmp (keys are looked up ~25 times an
// order).
constexpr int ResponseKeyIndex(std::string_view key) {
  if (key == "data") return kData;
  if (key == "request_id") return kRequestId;
  return -1;
}

constexpr int OrderKeyIndex(std::string_view key) {
  switch (key.size()) {
    case 3:
      if (key == "fee") return kFee;
      break;
    case 5:
      if (key == "order") return kOrder;
      if (key == "c_fee") return kCFee;
      if (key == "items") return kItems;
      break;
    case 6:
      if (key == "status") return kOrderStatus;
      break;
    case 8:
      if (key == "pay_time") return kPayTime;
      break;
    case 11:
      if (key == "create_time") return kCreateTime;
      if (key == "cancel_time") return kCancelTime;
      if (key == "expire_time") return kExpireTime;
      break;
  }
  return -1;
}

constexpr int ItemKeyIndex(std::string_view key) {
  switch (key.size()) {
    case 5:
      if (key == "price") return kPrice;
      break;
    case 6:
      if (key == "region") return kRegion;
      if (key == "status") return kItemStatus;
      break;
    case 10:
      if (key == "order_type") return kOrderType;
      break;
    case 11:
      if (key == "resource_id") return kResourceId;
      break;
    case 13:
      if (key == "resource_type") return kResourceType;
      break;
    case 15:
      if (key == "life_start_time") return kLifeStartTime;
      break;
    case 16:
      if (key == "life_expire_time") return kLifeExpireTime;
      break;
  }
  return -1;
}

template <size_t N>
constexpr bool IndexesMatch(const std::string_view (&keys)[N],
                            int (*index_of)(std::string_view)) {
  for (size_t i = 0; i < N; ++i) {
    if (index_of(keys[i]) != static_cast<int>(i)) return false;
  }
  return true;
}
static_assert(IndexesMatch(kResponseKeys, ResponseKeyIndex));
static_assert(IndexesMatch(kOrderKeys, OrderKeyIndex));
static_assert(IndexesMatch(kItemKeys, ItemKeyIndex));

}  // namespace orderstore::internal

#endif  // ORDERSTORE_LIB_JSON_KEYS_H_
