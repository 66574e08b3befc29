// Deterministic synthetic orders; the distribution is stated in generate.h.
#include "orderstore/generate.h"

#include <array>
#include <cstring>
#include <string>
#include <string_view>

#include "lib/mix.h"

namespace orderstore {
namespace {

using internal::Fmix64;

// The first and second 8 bytes of an order's hash. `high` is a bijection of
// the index for a fixed seed, which makes hashes unique per seed.
struct HashWords {
  uint64_t high;
  uint64_t low;
};

HashWords HashWordsOf(uint64_t seed, uint64_t index) {
  const uint64_t key = Fmix64(seed ^ 0x6f72646572737472ULL);  // "orderstr"
  const uint64_t high = Fmix64(index + key);
  const uint64_t low = Fmix64(high ^ Fmix64(key + 0x9e3779b97f4a7c15ULL));
  return {high, low};
}

// SplitMix64: a small, fast, fully specified generator.
class Rng {
 public:
  explicit Rng(uint64_t state) : state_(state) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n) (the bias of a 64-bit modulo is negligible here).
  uint64_t Below(uint64_t n) { return Next() % n; }
  // Uniform in [lo, hi].
  int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo) + 1));
  }
  // True with probability percent / 100.
  bool Percent(unsigned percent) { return Below(100) < percent; }
  // An index into `weights` (percentages summing to 100).
  template <size_t N>
  size_t Pick(const std::array<unsigned, N>& weights) {
    uint64_t roll = Below(100);
    for (size_t i = 0; i < N; ++i) {
      if (roll < weights[i]) return i;
      roll -= weights[i];
    }
    return N - 1;
  }

 private:
  uint64_t state_;
};

constexpr int64_t kMinute = 60;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kDay = 24 * kHour;
constexpr int64_t kCreateFrom = 1577836800;  // 2020-01-01T00:00:00Z
constexpr int64_t kCreateTo = 1767225599;    // 2025-12-31T23:59:59Z

constexpr std::array<std::string_view, 8> kRegions = {
    "cn-qingdao",  "cn-beijing",  "cn-hangzhou",    "cn-shanghai",
    "cn-shenzhen", "cn-hongkong", "ap-southeast-1", "us-west-1"};

struct ResourceKind {
  std::string_view type;
  std::string_view id_prefix;
};
constexpr std::array<ResourceKind, 4> kResources = {{{"instance", "i-"},
                                                     {"disk", "d-"},
                                                     {"ip", "eip-"},
                                                     {"bandwidth", "bw-"}}};
constexpr std::array<unsigned, 4> kResourceWeights = {45, 30, 15, 10};

constexpr std::array<std::string_view, 3> kOrderTypes = {"create", "renew",
                                                         "upgrade"};
constexpr std::array<unsigned, 3> kOrderTypeWeights = {60, 25, 15};

constexpr std::array<int16_t, 5> kOffsets = {0, 8 * 60, 5 * 60 + 45, 9 * 60,
                                             -5 * 60};
constexpr std::array<unsigned, 5> kOffsetWeights = {45, 40, 5, 5, 5};

constexpr std::array<OrderStatus, 5> kStatuses = {
    OrderStatus::kNew, OrderStatus::kPaid, OrderStatus::kCanceled,
    OrderStatus::kComplete, OrderStatus::kRefund};
constexpr std::array<unsigned, 5> kStatusWeights = {15, 20, 10, 40, 15};

constexpr std::array<unsigned, 4> kItemCountWeights = {40, 30, 20, 10};

// Item statuses of a paid order that is not yet fully delivered.
constexpr std::array<ItemStatus, 5> kInFlight = {
    ItemStatus::kExecutable, ItemStatus::kProcessing, ItemStatus::kFailed,
    ItemStatus::kFailOver, ItemStatus::kSuccess};

// The fraction style of one order's times: none, or milli/micro/nanoseconds.
int32_t Nanos(Rng& rng, int style) {
  switch (style) {
    case 1:
      return static_cast<int32_t>(rng.Below(1000)) * 1000000;
    case 2:
      return static_cast<int32_t>(rng.Below(1000000)) * 1000;
    case 3:
      return static_cast<int32_t>(rng.Below(1000000000));
    default:
      return 0;
  }
}

Timestamp At(int64_t unix_seconds, int32_t nanos, int16_t offset) {
  Timestamp t;
  t.unix_seconds = unix_seconds;
  t.nanos = nanos;
  t.offset_minutes = offset;
  return t;
}

std::string ResourceId(Rng& rng, std::string_view prefix) {
  static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string id(prefix);
  for (int i = 0; i < 10; ++i) id += kChars[rng.Below(sizeof(kChars) - 1)];
  return id;
}

}  // namespace

OrderHash GenerateOrderHash(uint64_t seed, uint64_t index) {
  const HashWords words = HashWordsOf(seed, index);
  std::array<uint8_t, OrderHash::kSize> bytes{};
  for (int i = 0; i < 8; ++i) {
    bytes[i] = static_cast<uint8_t>(words.high >> (56 - 8 * i));
    bytes[8 + i] = static_cast<uint8_t>(words.low >> (56 - 8 * i));
  }
  return OrderHash(bytes);
}

Order GenerateOrder(uint64_t seed, uint64_t index) {
  const HashWords words = HashWordsOf(seed, index);
  Rng rng(words.low ^ Fmix64(words.high));

  Order order;
  order.hash = GenerateOrderHash(seed, index);
  order.status = kStatuses[rng.Pick(kStatusWeights)];
  const int16_t offset = kOffsets[rng.Pick(kOffsetWeights)];
  const int fraction = rng.Percent(25) ? static_cast<int>(rng.Between(1, 3)) : 0;

  const int64_t created = rng.Between(kCreateFrom, kCreateTo);
  static constexpr std::array<int64_t, 3> kDeadlines = {30 * kMinute, kDay,
                                                        7 * kDay};
  const int64_t deadline = created + kDeadlines[rng.Below(3)];
  order.create_time = At(created, Nanos(rng, fraction), offset);
  order.expire_time =
      At(deadline, order.create_time.nanos, rng.Below(3) == 0 ? 8 * 60 : offset);

  const bool paid = order.status == OrderStatus::kPaid ||
                    order.status == OrderStatus::kComplete ||
                    order.status == OrderStatus::kRefund;
  int64_t paid_at = 0;
  if (paid) {
    paid_at = rng.Between(created + 1, deadline - 1);
    order.pay_time = At(paid_at, Nanos(rng, fraction), offset);
  }
  if (order.status == OrderStatus::kCanceled) {
    // Canceled by the user before the deadline, or by the system at it.
    const int64_t canceled_at =
        rng.Percent(50) ? rng.Between(created + 1, deadline - 1) : deadline;
    order.cancel_time = At(canceled_at, Nanos(rng, fraction), offset);
  }

  const size_t item_count = rng.Pick(kItemCountWeights) + 1;
  // Which item of a refund order is surely refunded, and which item of a
  // paid order is surely not delivered yet.
  const size_t pinned_item = rng.Below(item_count);
  int64_t fee_cents = 0;
  for (size_t i = 0; i < item_count; ++i) {
    OrderItem item;
    item.order_type = kOrderTypes[rng.Pick(kOrderTypeWeights)];
    const ResourceKind& kind = kResources[rng.Pick(kResourceWeights)];
    item.resource_type = kind.type;
    item.resource_id = ResourceId(rng, kind.id_prefix);
    item.region = kRegions[rng.Below(kRegions.size())];
    const int64_t cents = rng.Between(100, 99999);
    fee_cents += cents;
    item.price = static_cast<double>(cents) / 100;
    switch (order.status) {
      case OrderStatus::kNew:
        item.status = ItemStatus::kNonExecutable;
        break;
      case OrderStatus::kCanceled:
        item.status = ItemStatus::kCancelled;
        break;
      case OrderStatus::kComplete:
        item.status = ItemStatus::kSuccess;
        break;
      case OrderStatus::kPaid:
        item.status = kInFlight[rng.Below(i == pinned_item ? 4 : 5)];
        break;
      case OrderStatus::kRefund:
        item.status = i == pinned_item || rng.Percent(50)
                          ? ItemStatus::kRefunded
                          : ItemStatus::kSuccess;
        break;
    }
    if (item.status == ItemStatus::kSuccess ||
        item.status == ItemStatus::kRefunded) {
      static constexpr std::array<int64_t, 3> kTerms = {30 * kDay, 90 * kDay,
                                                        360 * kDay};
      const int64_t start = paid_at + rng.Between(1, 10 * kMinute);
      item.life_start_time = At(start, 0, offset);
      item.life_expire_time = At(start + kTerms[rng.Below(3)], 0, offset);
    }
    order.items.push_back(std::move(item));
  }

  order.fee = static_cast<double>(fee_cents) / 100;
  if (paid) {
    // A discount of up to 20% on 30% of the orders, in whole cents.
    const int64_t discount =
        rng.Percent(30) ? static_cast<int64_t>(rng.Below(
                              static_cast<uint64_t>(fee_cents / 5) + 1))
                        : 0;
    order.c_fee = static_cast<double>(fee_cents - discount) / 100;
  }
  return order;
}

}  // namespace orderstore
