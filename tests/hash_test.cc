#include <gtest/gtest.h>

#include <string>

#include "orderstore/order.h"
#include "tests/test_util.h"

namespace orderstore {
namespace {

TEST(OrderHashTest, ParsesLowerAndUpperCaseAndWritesLower) {
  Result<OrderHash> lower = OrderHash::Parse("602892b7b500000eed4190e932000000");
  Result<OrderHash> upper = OrderHash::Parse("602892B7B500000EED4190E932000000");
  ASSERT_OK(lower);
  ASSERT_OK(upper);
  EXPECT_EQ(*lower, *upper);
  EXPECT_EQ(upper->ToHex(), "602892b7b500000eed4190e932000000");
  EXPECT_EQ(lower->bytes()[0], 0x60);
  EXPECT_EQ(lower->bytes()[15], 0x00);
  EXPECT_EQ(lower->AsKey().size(), 16u);
}

TEST(OrderHashTest, RejectsAnythingButThirtyTwoHexDigits) {
  const std::string bad[] = {
      "",
      "602892b7b500000eed4190e93200000",    // 31 digits
      "602892b7b500000eed4190e9320000000",  // 33 digits
      "602892b7b500000eed4190e93200000g",   // not hex
      " 602892b7b500000eed4190e93200000",   // space
      "602892b7-500000eed4190e932000000",
      std::string("602892b7b500000eed4190e93200000\0", 32),
  };
  for (const std::string& text : bad) {
    Result<OrderHash> hash = OrderHash::Parse(text);
    ASSERT_FALSE(hash.ok()) << text;
    EXPECT_TRUE(hash.status().IsInvalidArgument());
    EXPECT_NE(hash.status().message().find("malformed order hash"),
              std::string::npos);
  }
  Result<OrderHash> hash = OrderHash::Parse("xyz");
  EXPECT_NE(hash.status().message().find("\"xyz\""), std::string::npos)
      << hash.status().message();
}

TEST(OrderHashTest, QuotesLongInputShortened) {
  std::string huge(100000, 'a');
  Result<OrderHash> hash = OrderHash::Parse(huge);
  ASSERT_FALSE(hash.ok());
  EXPECT_LT(hash.status().message().size(), 200u);
  EXPECT_NE(hash.status().message().find("...\""), std::string::npos);
}

TEST(OrderHashTest, OrdersLikeItsHexText) {
  OrderHash a = *OrderHash::Parse("00000000000000000000000000000001");
  OrderHash b = *OrderHash::Parse("10000000000000000000000000000000");
  EXPECT_LT(a, b);
  EXPECT_LT(a.ToHex(), b.ToHex());
}

}  // namespace
}  // namespace orderstore
