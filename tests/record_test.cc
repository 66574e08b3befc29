#include "lib/record.h"

#include <gtest/gtest.h>

#include <string>

#include "order_generated.h"
#include "orderstore/order_view.h"
#include "tests/test_util.h"

namespace orderstore {
namespace {

using testing::ExampleOrder;
using testing::Time;

TEST(RecordTest, EncodeThenViewGivesEveryField) {
  Order order = ExampleOrder();
  std::string record = internal::EncodeRecord(order);
  Result<OrderView> view = VerifyRecord(record);
  ASSERT_OK(view);
  EXPECT_EQ(view->hash(), order.hash);
  EXPECT_EQ(view->fee(), 29.55);
  EXPECT_EQ(view->c_fee(), 29.55);
  EXPECT_EQ(view->create_time(), Time("2020-09-16T11:57:18Z"));
  EXPECT_EQ(view->expire_time().offset_minutes, 8 * 60);
  EXPECT_FALSE(view->cancel_time().is_set());
  EXPECT_EQ(view->status(), OrderStatus::kComplete);
  ASSERT_EQ(view->items().size(), 2u);
  EXPECT_EQ(view->items()[1].resource_id(), "d-xxxx");
  EXPECT_EQ(view->items()[1].price(), 13.3);
  EXPECT_EQ(view->items()[0].status(), ItemStatus::kSuccess);
  EXPECT_EQ(view->record(), record);
  EXPECT_EQ(view->ToOwned(), order);

  size_t count = 0;
  for (OrderItemView item : view->items()) {
    EXPECT_EQ(item.region(), "cn-qingdao");
    ++count;
  }
  EXPECT_EQ(count, 2u);
}

TEST(RecordTest, EmptyItemsAndEmptyStrings) {
  Order order;
  order.hash = *OrderHash::Parse("0123456789abcdef0123456789abcdef");
  std::string record = internal::EncodeRecord(order);
  Result<OrderView> view = VerifyRecord(record);
  ASSERT_OK(view);
  EXPECT_TRUE(view->items().empty());
  EXPECT_EQ(view->ToOwned(), order);

  order.items.emplace_back();
  record = internal::EncodeRecord(order);
  view = VerifyRecord(record);
  ASSERT_OK(view);
  EXPECT_EQ(view->items()[0].order_type(), "");
  EXPECT_EQ(view->ToOwned(), order);
}

TEST(RecordTest, ReadsAtAnyAlignment) {
  // RocksDB hands out values at arbitrary offsets.
  std::string record = internal::EncodeRecord(ExampleOrder());
  for (size_t shift = 0; shift < 8; ++shift) {
    std::string buffer(shift, 'x');
    buffer += record;
    Result<OrderView> view =
        VerifyRecord(std::string_view(buffer).substr(shift));
    ASSERT_OK(view);
    EXPECT_EQ(view->items()[0].price(), 16.25);
  }
}

TEST(RecordTest, RejectsGarbageTruncationAndFlippedBytes) {
  std::string record = internal::EncodeRecord(ExampleOrder());
  EXPECT_TRUE(VerifyRecord("").status().IsCorruption());
  EXPECT_TRUE(VerifyRecord("not a flatbuffer at all").status().IsCorruption());
  // A truncated record is Corruption, unless only trailing padding that
  // nothing points into was cut: then it still reads the same order.
  for (size_t n = 0; n < record.size(); ++n) {
    std::string truncated = record.substr(0, n);  // outlives the view
    Result<OrderView> view = VerifyRecord(truncated);
    if (view.ok()) {
      EXPECT_GE(n, record.size() - 8) << n;
      EXPECT_EQ(view->ToOwned(), ExampleOrder()) << n;
    } else {
      EXPECT_TRUE(view.status().IsCorruption()) << n;
    }
  }
  std::string wrong_id = record;
  wrong_id[4] = 'X';  // the file identifier sits after the root offset
  EXPECT_TRUE(VerifyRecord(wrong_id).status().IsCorruption());

  // Flipping any bit either still verifies (a value changed: the view
  // reads the flipped bytes in place, whole) or is Corruption.
  size_t rejected = 0;
  for (size_t i = 0; i < record.size(); ++i) {
    for (uint8_t bit = 1; bit != 0; bit <<= 1) {
      std::string flipped = record;
      flipped[i] = static_cast<char>(flipped[i] ^ bit);
      Result<OrderView> view = VerifyRecord(flipped);
      if (!view.ok()) {
        EXPECT_TRUE(view.status().IsCorruption())
            << "byte " << i << " bit " << int{bit} << ": "
            << view.status().ToString();
        ++rejected;
        continue;
      }
      EXPECT_EQ(view->record(), flipped) << "byte " << i << " bit " << int{bit};
      EXPECT_EQ(view->ToOwned().hash, view->hash());
    }
  }
  // The offsets, the identifier and the enums are not free to change.
  EXPECT_GT(rejected, 0u);
}

// Builds a record by hand, bypassing validation, to check that verification
// refuses values no valid order holds.
std::string RawRecord(uint8_t status, double fee, fb::Time create) {
  flatbuffers::FlatBufferBuilder b;
  std::array<uint8_t, 16> bytes{};
  fb::Hash hash(flatbuffers::span<const uint8_t, 16>(bytes.data(), 16));
  fb::Time unset(Timestamp::kUnsetSeconds, 0, 0);
  auto root = fb::CreateOrder(b, &hash, fee, 0, &create, &unset, &unset,
                              &unset, static_cast<fb::OrderStatus>(status),
                              b.CreateVector<flatbuffers::Offset<fb::OrderItem>>({}));
  fb::FinishOrderBuffer(b, root);
  return std::string(reinterpret_cast<const char*>(b.GetBufferPointer()),
                     b.GetSize());
}

TEST(RecordTest, RejectsValuesNoValidOrderHolds) {
  fb::Time good(1600257438, 0, 0);
  ASSERT_OK(VerifyRecord(RawRecord(0, 1.0, good)));
  EXPECT_TRUE(VerifyRecord(RawRecord(kOrderStatusCount, 1.0, good))
                  .status()
                  .IsCorruption());
  EXPECT_TRUE(VerifyRecord(RawRecord(0, -1.0, good)).status().IsCorruption());
  EXPECT_TRUE(VerifyRecord(RawRecord(0, std::numeric_limits<double>::quiet_NaN(),
                                     good))
                  .status()
                  .IsCorruption());
  EXPECT_TRUE(VerifyRecord(RawRecord(0, 1.0, fb::Time(1600257438, 1000000000, 0)))
                  .status()
                  .IsCorruption());
  EXPECT_TRUE(VerifyRecord(RawRecord(0, 1.0, fb::Time(1600257438, 0, 24 * 60)))
                  .status()
                  .IsCorruption());
  EXPECT_TRUE(VerifyRecord(RawRecord(0, 1.0, fb::Time(INT64_MAX, 0, 0)))
                  .status()
                  .IsCorruption());
}

}  // namespace
}  // namespace orderstore
