// Store statistics (stats.h): counts and totals against the orders
// themselves, and the instant order of times written with offsets.
#include "orderstore/stats.h"

#include <gtest/gtest.h>

#include <cmath>

#include "orderstore/generate.h"
#include "orderstore/store.h"
#include "tests/test_util.h"

namespace orderstore {
namespace {

using testing::Time;

class StatsTest : public testing::TempDirTest {};

TEST_F(StatsTest, FiguresMatchTheOrdersWritten) {
  constexpr int kCount = 3000;
  StoreStats expected;
  int64_t fee_cents = 0;
  Timestamp earliest, latest;
  {
    auto store = Store::Open(Options(), Path("db"));
    ASSERT_OK(store);
    WriteBatch batch;
    for (int i = 0; i < kCount; ++i) {
      Order o = GenerateOrder(12, i);
      ASSERT_OK(batch.Put(o));
      fee_cents += std::llround(o.fee * 100);
      ++expected.by_status[static_cast<size_t>(o.status)];
      for (const OrderItem& item : o.items) {
        ++expected.by_item_status[static_cast<size_t>(item.status)];
      }
      expected.items += o.items.size();
      if (i == 0 || InstantBefore(o.create_time, earliest)) earliest = o.create_time;
      if (i == 0 || InstantBefore(latest, o.create_time)) latest = o.create_time;
    }
    Order unset = GenerateOrder(12, kCount);
    unset.create_time = Timestamp::Unset();
    ASSERT_OK(batch.Put(unset));
    ++expected.by_status[static_cast<size_t>(unset.status)];
    expected.items += unset.items.size();
    ASSERT_OK((*store)->Write(WriteOptions(), batch));
    fee_cents += std::llround(unset.fee * 100);
  }
  auto store = Store::Open(Options(), Path("db"));
  ASSERT_OK(store);
  Result<StoreStats> stats = ComputeStats(**store);
  ASSERT_OK(stats);
  EXPECT_EQ(stats->orders, kCount + 1u);
  EXPECT_EQ(stats->created_unset, 1u);
  EXPECT_EQ(stats->corrupt, 0u);
  EXPECT_EQ(stats->items, expected.items);
  EXPECT_EQ(stats->by_status, expected.by_status);
  uint64_t item_statuses = 0;
  for (uint64_t n : stats->by_item_status) item_statuses += n;
  EXPECT_EQ(item_statuses, stats->items);
  // Compensated summation: the total is the sum of the cents, to the cent.
  EXPECT_EQ(std::llround(stats->fee_total * 100), fee_cents);
  EXPECT_LE(std::abs(stats->fee_total * 100 - static_cast<double>(fee_cents)), 1e-3);
  ASSERT_TRUE(stats->created_min && stats->created_max);
  EXPECT_EQ(*stats->created_min, earliest);
  EXPECT_EQ(*stats->created_max, latest);
  EXPECT_GT(stats->bytes_on_disk, 100000u);
}

TEST_F(StatsTest, EmptyStoreHasNoTimeRange) {
  auto store = Store::Open(Options(), Path("db"));
  ASSERT_OK(store);
  Result<StoreStats> stats = ComputeStats(**store);
  ASSERT_OK(stats);
  EXPECT_EQ(stats->orders, 0u);
  EXPECT_FALSE(stats->created_min.has_value());
  EXPECT_EQ(stats->fee_total, 0);
}

}  // namespace
}  // namespace orderstore
