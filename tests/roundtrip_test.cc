// The whole path: JSON in -> store -> view -> JSON out, for the source
// document's example and for thousands of generated orders.
#include <gtest/gtest.h>

#include <fstream>
#include <cstring>
#include <random>
#include <sstream>
#include <string>

#include "orderstore/json_export.h"
#include "orderstore/json_import.h"
#include "orderstore/store.h"
#include "tests/test_util.h"

namespace orderstore {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class RoundTripTest : public testing::StoreTest {
 protected:
  OrderParser parser_;
};

TEST_F(RoundTripTest, SourceDocumentExampleComesBackByteForByte) {
  std::string text =
      ReadFile(std::string(ORDERSTORE_SOURCE_DIR) + "/tests/data/example.json");
  ParseResult parsed = parser_.Parse(text, "example.json");
  ASSERT_TRUE(parsed.errors.empty()) << parsed.errors[0].ToString();
  ASSERT_EQ(parsed.orders.size(), 1u);
  ASSERT_OK(store_->Put(write_, parsed.orders[0]));

  Result<PinnedOrder> got = store_->Get(
      {}, *OrderHash::Parse("602892b7b500000eed4190e932000000"));
  ASSERT_OK(got);
  std::string out;
  AppendDetailResponse(got->view(), "TRBUBYEtcQWEg18W", &out);
  EXPECT_EQ(out, testing::kExampleCompact);
}

// Random orders that reach every corner of the format.
class OrderMaker {
 public:
  explicit OrderMaker(uint64_t seed) : rng_(seed) {}

  Order Make() {
    Order order;
    std::array<uint8_t, 16> bytes;
    for (uint8_t& b : bytes) b = static_cast<uint8_t>(rng_());
    order.hash = OrderHash(bytes);
    order.fee = Money();
    order.c_fee = Money();
    order.create_time = Time();
    order.pay_time = Time();
    order.cancel_time = Time();
    order.expire_time = Time();
    order.status = static_cast<OrderStatus>(rng_() % kOrderStatusCount);
    size_t items = rng_() % 5;
    for (size_t i = 0; i < items; ++i) {
      OrderItem item;
      item.order_type = Text();
      item.resource_type = Text();
      item.resource_id = Text();
      item.region = Text();
      item.price = Money();
      item.status = static_cast<ItemStatus>(rng_() % kItemStatusCount);
      item.life_start_time = Time();
      item.life_expire_time = Time();
      order.items.push_back(std::move(item));
    }
    return order;
  }

 private:
  double Money() {
    static const double kSpecial[] = {0,      0.1,    13.3,  29.55, 1e-7,
                                      1e-6,   100000, 1e21,  1e20,  0.3,
                                      5e-324, 1.7976931348623157e308};
    switch (rng_() % 4) {
      case 0:
        return kSpecial[rng_() % std::size(kSpecial)];
      case 1:
        return static_cast<double>(rng_() % 1000000) / 100;
      case 2: {  // any finite non-negative double
        double x;
        do {
          uint64_t bits = rng_() & ~(uint64_t{1} << 63);
          std::memcpy(&x, &bits, sizeof x);
        } while (!std::isfinite(x));
        return x;
      }
      default:
        return std::uniform_real_distribution<double>(0, 1000)(rng_);
    }
  }

  Timestamp Time() {
    if (rng_() % 5 == 0) return Timestamp::Unset();
    static const int16_t kOffsets[] = {0, 480, -720, 840, 345, -570, 60, -60, 330};
    Timestamp t;
    t.offset_minutes = kOffsets[rng_() % std::size(kOffsets)];
    // Local times from 1400-01-02 to 9999-12-30.
    t.unix_seconds = std::uniform_int_distribution<int64_t>(
        -17987356800 + 86400, 253402214400 - 86400)(rng_);
    static const int32_t kNanos[] = {0, 0, 500000000, 123456789, 1, 100, 999999999};
    t.nanos = kNanos[rng_() % std::size(kNanos)];
    return t;
  }

  std::string Text() {
    static const std::string kPieces[] = {
        "create", "instance", "disk", "cn-qingdao", "i-xxxx", "",
        "\"quoted\"", "back\\slash", "new\nline", "tab\t", std::string("nul\0x", 5),
        "\x01\x1f", "中文资源", "emoji 😀", "\u2028\u2029", "<&>", "\x7f"};
    std::string text;
    int pieces = rng_() % 4;
    for (int i = 0; i < pieces; ++i) text += kPieces[rng_() % std::size(kPieces)];
    if (rng_() % 50 == 0) text += std::string(5000, 'L');  // a long string
    return text;
  }

  std::mt19937_64 rng_;
};

TEST_F(RoundTripTest, GeneratedOrdersSurviveImportStoreViewExport) {
  OrderMaker maker(20260101);
  constexpr int kOrders = 5000;
  std::vector<Order> orders;
  std::string jsonl;
  WriteBatch direct;
  for (int i = 0; i < kOrders; ++i) {
    Order order = maker.Make();
    ASSERT_OK(ValidateOrder(order));
    ASSERT_OK(direct.Put(order));
    orders.push_back(order);
  }
  // Export each order through a view of its record, as JSON Lines.
  {
    auto scratch = Store::Open(Options(), Path("scratch"));
    ASSERT_OK(scratch);
    ASSERT_OK((*scratch)->Write(write_, direct));
    for (const Order& order : orders) {
      Result<PinnedOrder> got = (*scratch)->Get({}, order.hash);
      ASSERT_OK(got);
      AppendOrderJson(got->view(), &jsonl);
      jsonl += '\n';
    }
  }
  // Import the JSON Lines into a fresh store and compare field by field.
  ParseResult parsed = parser_.Parse(jsonl, "generated.jsonl");
  ASSERT_TRUE(parsed.errors.empty()) << parsed.errors[0].ToString();
  ASSERT_EQ(parsed.orders.size(), orders.size());
  WriteBatch batch;
  for (size_t i = 0; i < orders.size(); ++i) {
    ASSERT_EQ(parsed.orders[i], orders[i]) << "order " << i;
    ASSERT_OK(batch.Put(parsed.orders[i]));
  }
  ASSERT_OK(store_->Write(write_, batch));

  // And the second export is the same text as the first.
  std::string again;
  std::unique_ptr<Iterator> it = store_->NewIterator({});
  size_t count = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next(), ++count) {
    Result<OrderView> view = it->view();
    ASSERT_OK(view);
    std::string one;
    AppendOrderJson(*view, &one);
    Result<Order> reparsed = parser_.ParseOne(one);
    ASSERT_OK(reparsed);
    EXPECT_EQ(*reparsed, view->ToOwned());
  }
  EXPECT_EQ(count, orders.size());
}

}  // namespace
}  // namespace orderstore
