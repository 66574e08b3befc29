// The synthetic order generator: deterministic, unique hashes, and the
// distribution and consistency rules generate.h promises.
#include "orderstore/generate.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <set>
#include <string>

#include "orderstore/json_export.h"
#include "orderstore/json_import.h"
#include "orderstore/store.h"
#include "tests/test_util.h"

namespace orderstore {
namespace {

constexpr int kSample = 20000;

TEST(GenerateTest, SameSeedAndIndexGiveTheSameOrder) {
  for (uint64_t i : {0ULL, 1ULL, 77ULL, 1000000ULL, ~0ULL}) {
    EXPECT_EQ(GenerateOrder(42, i), GenerateOrder(42, i)) << i;
    EXPECT_EQ(GenerateOrderHash(42, i), GenerateOrder(42, i).hash) << i;
  }
  EXPECT_NE(GenerateOrder(42, 5).hash, GenerateOrder(43, 5).hash);
  EXPECT_NE(GenerateOrder(42, 5).hash, GenerateOrder(42, 6).hash);
}

TEST(GenerateTest, GeneratorWalksTheIndexes) {
  OrderGenerator generator(7, 100);
  for (uint64_t i = 100; i < 110; ++i) {
    EXPECT_EQ(generator.index(), i);
    EXPECT_EQ(generator.Next(), GenerateOrder(7, i));
  }
  EXPECT_EQ(generator.seed(), 7u);
}

// Benchmarks and other tests depend on the sequence staying the same across
// builds: a change to the generator must be deliberate (and documented).
TEST(GenerateTest, SequenceIsStableAcrossBuilds) {
  EXPECT_EQ(GenerateOrderHash(1, 0).ToHex(), "13e4be4dee9a14519b122a7863c1c09c");
  EXPECT_EQ(GenerateOrderHash(1, 999999).ToHex(),
            "f420b16dc2abdbbdafa0435f1dd17cef");
  std::string json;
  ASSERT_OK(AppendOrderJson(GenerateOrder(1, 3), &json));
  EXPECT_EQ(json,
      R"({"order":"0e3cc7d32afd903bc36efa917d513fa9","fee":1820.3,"c_fee":0)"
      R"(,"create_time":"2025-03-04T10:43:18.968256534Z","pay_time":"0001-0)"
      R"(1-01T00:00:00Z","cancel_time":"2025-03-05T10:43:18.393049257Z","ex)"
      R"(pire_time":"2025-03-05T18:43:18.968256534+08:00","status":"cancele)"
      R"(d","items":[{"order_type":"create","resource_type":"bandwidth","re)"
      R"(source_id":"bw-kcxdwd7ihy","region":"us-west-1","price":760.08,"st)"
      R"(atus":"cancelled","life_start_time":"0001-01-01T00:00:00Z","life_e)"
      R"(xpire_time":"0001-01-01T00:00:00Z"},{"order_type":"upgrade","resou)"
      R"(rce_type":"disk","resource_id":"d-wk6d785e6c","region":"cn-shangha)"
      R"(i","price":912.77,"status":"cancelled","life_start_time":"0001-01-)"
      R"(01T00:00:00Z","life_expire_time":"0001-01-01T00:00:00Z"},{"order_t)"
      R"(ype":"renew","resource_type":"instance","resource_id":"i-myeajyhff)"
      R"(a","region":"us-west-1","price":147.45,"status":"cancelled","life_)"
      R"(start_time":"0001-01-01T00:00:00Z","life_expire_time":"0001-01-01T)"
      R"(00:00:00Z"}]})");
}

TEST(GenerateTest, HashesAreUniqueAndLookRandom) {
  std::set<OrderHash> seen;
  std::array<int, 128> ones{};
  for (uint64_t i = 0; i < kSample; ++i) {
    OrderHash hash = GenerateOrderHash(3, i);
    EXPECT_TRUE(seen.insert(hash).second) << "duplicate at index " << i;
    for (int bit = 0; bit < 128; ++bit) {
      ones[bit] += (hash.bytes()[bit / 8] >> (bit % 8)) & 1;
    }
  }
  for (int bit = 0; bit < 128; ++bit) {
    EXPECT_NEAR(ones[bit], kSample / 2, kSample / 20) << "bit " << bit;
  }
}

bool IsDelivered(ItemStatus s) {
  return s == ItemStatus::kSuccess || s == ItemStatus::kRefunded;
}

// The rules of generate.h, checked on every order of a sample.
void ExpectConsistent(const Order& o) {
  SCOPED_TRACE(o.hash.ToHex());
  ASSERT_TRUE(ValidateOrder(o).ok()) << ValidateOrder(o).ToString();
  ASSERT_GE(o.items.size(), 1u);
  ASSERT_LE(o.items.size(), 4u);
  double sum = 0;
  for (const OrderItem& item : o.items) {
    sum += item.price;
    EXPECT_EQ(std::round(item.price * 100) / 100, item.price);
    EXPECT_GE(item.price, 1.0);
    EXPECT_LE(item.price, 999.99);
    EXPECT_EQ(item.life_start_time.is_set(), IsDelivered(item.status));
    EXPECT_EQ(item.life_expire_time.is_set(), IsDelivered(item.status));
    if (item.life_start_time.is_set()) {
      EXPECT_GT(item.life_start_time.unix_seconds, o.pay_time.unix_seconds);
      EXPECT_GT(item.life_expire_time.unix_seconds,
                item.life_start_time.unix_seconds);
    }
  }
  EXPECT_LE(std::abs(o.fee - sum), 0.005);
  EXPECT_GE(o.c_fee, 0);
  EXPECT_LE(o.c_fee, o.fee);
  EXPECT_TRUE(o.create_time.is_set());
  EXPECT_GT(o.expire_time.unix_seconds, o.create_time.unix_seconds);
  const bool paid = o.status == OrderStatus::kPaid ||
                    o.status == OrderStatus::kComplete ||
                    o.status == OrderStatus::kRefund;
  EXPECT_EQ(o.pay_time.is_set(), paid);
  EXPECT_EQ(o.cancel_time.is_set(), o.status == OrderStatus::kCanceled);
  if (!paid) {
    EXPECT_EQ(o.c_fee, 0);
  }
  if (o.pay_time.is_set()) {
    EXPECT_GT(o.pay_time.unix_seconds, o.create_time.unix_seconds);
    EXPECT_LT(o.pay_time.unix_seconds, o.expire_time.unix_seconds);
  }
  if (o.cancel_time.is_set()) {
    EXPECT_GT(o.cancel_time.unix_seconds, o.create_time.unix_seconds);
    EXPECT_LE(o.cancel_time.unix_seconds, o.expire_time.unix_seconds);
  }
  int success = 0, refunded = 0;
  for (const OrderItem& item : o.items) {
    success += item.status == ItemStatus::kSuccess;
    refunded += item.status == ItemStatus::kRefunded;
    switch (o.status) {
      case OrderStatus::kNew:
        EXPECT_EQ(item.status, ItemStatus::kNonExecutable);
        break;
      case OrderStatus::kCanceled:
        EXPECT_EQ(item.status, ItemStatus::kCancelled);
        break;
      case OrderStatus::kComplete:
        EXPECT_EQ(item.status, ItemStatus::kSuccess);
        break;
      case OrderStatus::kRefund:
        EXPECT_TRUE(IsDelivered(item.status));
        break;
      case OrderStatus::kPaid:
        EXPECT_FALSE(item.status == ItemStatus::kNonExecutable ||
                     item.status == ItemStatus::kCancelled ||
                     item.status == ItemStatus::kRefunded);
        break;
    }
  }
  if (o.status == OrderStatus::kPaid) {
    EXPECT_LT(success, static_cast<int>(o.items.size()));
  }
  if (o.status == OrderStatus::kRefund) {
    EXPECT_GE(refunded, 1);
  }
}

TEST(GenerateTest, EveryOrderIsConsistentAndTheDistributionIsCovered) {
  std::array<int, kOrderStatusCount> by_status{};
  std::array<int, kItemStatusCount> by_item_status{};
  std::array<int, 5> by_item_count{};
  std::set<int> offsets;
  std::set<std::string> resource_types, regions;
  int fractional = 0;
  for (uint64_t i = 0; i < kSample; ++i) {
    Order o = GenerateOrder(11, i);
    ExpectConsistent(o);
    if (::testing::Test::HasFailure()) return;  // one order's story is enough
    ++by_status[static_cast<int>(o.status)];
    ++by_item_count[o.items.size()];
    offsets.insert(o.create_time.offset_minutes);
    fractional += o.create_time.nanos != 0;
    for (const OrderItem& item : o.items) {
      ++by_item_status[static_cast<int>(item.status)];
      resource_types.insert(item.resource_type);
      regions.insert(item.region);
    }
  }
  for (int s = 0; s < kOrderStatusCount; ++s) {
    EXPECT_GT(by_status[s], kSample / 20) << ToString(OrderStatus(s));
  }
  for (int s = 0; s < kItemStatusCount; ++s) {
    EXPECT_GT(by_item_status[s], 0) << ToString(ItemStatus(s));
  }
  for (int n = 1; n <= 4; ++n) EXPECT_GT(by_item_count[n], kSample / 20) << n;
  EXPECT_TRUE(offsets.count(0) && offsets.count(480) && offsets.count(345));
  EXPECT_EQ(resource_types,
            (std::set<std::string>{"bandwidth", "disk", "instance", "ip"}));
  EXPECT_TRUE(regions.count("cn-qingdao"));
  EXPECT_GT(fractional, kSample / 10);
  EXPECT_LT(fractional, kSample / 2);
}

TEST(GenerateTest, JsonOfAnOwnedOrderParsesBackToIt) {
  OrderParser parser;
  for (uint64_t i = 0; i < 500; ++i) {
    Order order = GenerateOrder(5, i);
    std::string json;
    ASSERT_OK(AppendOrderJson(order, &json));
    Result<Order> back = parser.ParseOne(json);
    ASSERT_OK(back);
    EXPECT_EQ(*back, order) << json;
  }
}

TEST(GenerateTest, JsonOfAnInvalidOrderWritesNothing) {
  Order order = GenerateOrder(5, 0);
  order.fee = -1;
  std::string json = "x";
  Status s = AppendOrderJson(order, &json);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.message().find("fee"), std::string::npos) << s.message();
  EXPECT_EQ(json, "x");
}

class GenerateStoreTest : public testing::TempDirTest {};

TEST_F(GenerateStoreTest, GeneratedOrdersStoreAndReadBack) {
  auto store = Store::Open(Options(), Path("db"));
  ASSERT_OK(store);
  WriteBatch batch;
  for (uint64_t i = 0; i < 1000; ++i) ASSERT_OK(batch.Put(GenerateOrder(9, i)));
  ASSERT_OK((*store)->Write(WriteOptions(), batch));
  for (uint64_t i : {0ULL, 499ULL, 999ULL}) {
    Result<PinnedOrder> got = (*store)->Get(ReadOptions(), GenerateOrderHash(9, i));
    ASSERT_OK(got);
    EXPECT_EQ(got->view().ToOwned(), GenerateOrder(9, i));
  }
}

}  // namespace
}  // namespace orderstore
