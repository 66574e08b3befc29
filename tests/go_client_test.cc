// The detail response against a real Go client: tests/go_client/main.go,
// built with the machine's Go toolchain (standard library only, nothing
// downloaded), decodes each response into Go structs mirroring the
// documented types and encodes it again with json.Marshal. A Go service
// reading and re-serving our responses must send exactly our bytes: every
// number, time, escape and key order as Go writes them.
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "orderstore/generate.h"
#include "orderstore/json_export.h"
#include "orderstore/store.h"
#include "tests/test_util.h"

namespace orderstore {
namespace {

using testing::ExampleOrder;

// Orders at the corners of the format: every kind of string escape, numbers
// at the edges of Go's plain and exponent forms, times at the ends of the
// range and with every kind of offset and fraction, every status.
std::vector<Order> EdgeCaseOrders() {
  std::vector<Order> orders;
  uint64_t next = 1;
  auto add = [&](Order order) {
    order.hash = GenerateOrderHash(/*seed=*/77, next++);
    orders.push_back(std::move(order));
  };
  add(ExampleOrder());

  std::vector<std::string> texts = {
      "", "\"", "\\", "/", "<", ">", "&", "<&>", "</script>", "a&b<c>d",
      "\x7f", "\u2028", "\u2029", "\u2027\u202a", "\xEF\xBF\xBD", "华东1（青岛）",
      "emoji 😀", "\xC2\x80\xDF\xBF", "\xF4\x8F\xBF\xBF", std::string(5000, 'L'),
      std::string(37, '<') + std::string(37, '&'), "tab\there\nnew\rline"};
  for (int c = 0; c < 0x20; ++c) texts.push_back("x" + std::string(1, c) + "y");
  for (const std::string& text : texts) {
    Order order = ExampleOrder();
    OrderItem& item = order.items[0];
    item.order_type = item.resource_type = item.resource_id = item.region = text;
    add(order);
  }

  std::vector<double> numbers = {
      0, 0.1, 0.2, 0.3, 0.1 + 0.2, 13.3, 29.55, 16.25, 1.0 / 3, 2.0 / 3,
      100000, 123456789.123, 99999999.99, 1e-7, 1e-6, 1e20, 1e21, 1e22,
      5e-324, DBL_MIN, DBL_MAX, 0.000001234, 12345678901234567890.0,
      std::nextafter(1e-6, 0.0), std::nextafter(1e-6, 1.0),
      std::nextafter(1e21, 0.0), std::nextafter(1e21, 1e300),
      std::nextafter(0.01, 0.0), std::nextafter(0.01, 1.0), 0.07, 4.35};
  for (int e = -40; e <= 80; e += 8) numbers.push_back(std::ldexp(1.0, e));
  for (double x : numbers) {
    Order order = ExampleOrder();
    order.fee = x;
    order.c_fee = x / 7;
    order.items[0].price = x;
    order.items[1].price = x / 3;
    add(order);
  }

  std::vector<Timestamp> times = {Timestamp::Unset()};
  for (int16_t offset : {0, 480, -480, 345, -570, 1439, -1439, 60, -60, 330}) {
    for (int32_t nanos : {0, 1, 10, 100000, 500000000, 123456789, 999999999}) {
      Timestamp t;
      t.unix_seconds = 1600257438 + offset * 97 + nanos % 1000;
      t.nanos = nanos;
      t.offset_minutes = offset;
      times.push_back(t);
    }
  }
  for (const char* text :
       {"1400-01-01T00:00:00Z", "1400-01-01T00:00:00+23:59",
        "9999-12-31T23:59:59.999999999Z", "9999-12-31T23:59:59-23:59",
        "1970-01-01T00:00:00Z", "2000-02-29T12:00:00.5+05:45",
        "1969-12-31T23:59:59.999999999-00:01"}) {
    times.push_back(testing::Time(text));
  }
  for (size_t i = 0; i < times.size(); ++i) {
    Order order = ExampleOrder();
    order.create_time = times[i];
    order.pay_time = times[(i + 1) % times.size()];
    order.cancel_time = times[(i + 2) % times.size()];
    order.expire_time = times[(i + 3) % times.size()];
    order.items[0].life_start_time = times[(i + 4) % times.size()];
    order.items[1].life_expire_time = times[(i + 5) % times.size()];
    add(order);
  }

  for (int s = 0; s < kOrderStatusCount; ++s) {
    for (int i = 0; i < kItemStatusCount; ++i) {
      Order order = ExampleOrder();
      order.status = static_cast<OrderStatus>(s);
      order.items[1].status = static_cast<ItemStatus>(i);
      add(order);
    }
  }
  for (size_t items : {0, 1, 3, 20}) {
    Order order = ExampleOrder();
    order.items.resize(items, ExampleOrder().items[1]);
    add(order);
  }
  return orders;
}

class GoClientTest : public testing::StoreTest {
 protected:
  // Builds tests/go_client into the test's directory, with Go's caches
  // there too: GOPATH mode, no proxy, so that nothing is downloaded.
  std::string BuildGoClient() {
    const std::string binary = Path("go_client");
    const std::string command =
        "env -u GOFLAGS GO111MODULE=off GOPROXY=off GOTOOLCHAIN=local"
        " GOCACHE='" + Path("gocache") + "' GOPATH='" + Path("gopath") +
        "' go build -o '" + binary + "' '" ORDERSTORE_SOURCE_DIR
        "/tests/go_client/main.go' >'" + Path("go_build.log") + "' 2>&1";
    const int status = std::system(command.c_str());
    EXPECT_EQ(status, 0) << "building tests/go_client with `go` failed (the "
                            "Go toolchain comes from scripts/install-deps.sh,"
                            " Debian's golang-go):\n"
                         << testing::FileContents(Path("go_build.log"));
    return binary;
  }

  // Sends `responses` (one per line) through the Go client; returns its
  // lines.
  std::vector<std::string> RoundTrip(const std::string& client,
                                     const std::vector<std::string>& responses) {
    std::string input;
    for (const std::string& response : responses) input += response + "\n";
    std::ofstream(Path("in.jsonl"), std::ios::binary) << input;
    const std::string command = "'" + client + "' <'" + Path("in.jsonl") +
                                "' >'" + Path("out.jsonl") + "' 2>'" +
                                Path("go_client.log") + "'";
    EXPECT_EQ(std::system(command.c_str()), 0) << testing::FileContents(Path("go_client.log"));
    return testing::Lines(testing::FileContents(Path("out.jsonl")));
  }
};

TEST_F(GoClientTest, GoDecodesAndReencodesEveryResponseByteForByte) {
  const std::string client = BuildGoClient();
  ASSERT_FALSE(HasFailure());

  std::vector<Order> orders = EdgeCaseOrders();
  const size_t edge_cases = orders.size();
  ASSERT_GE(edge_cases, 200u);
  OrderGenerator generator(/*seed=*/2024);
  for (int i = 0; i < 5000; ++i) orders.push_back(generator.Next());
  WriteBatch batch;
  for (const Order& order : orders) ASSERT_OK(batch.Put(order));
  ASSERT_OK(store_->Write(write_, batch));

  // The responses as the store serves them, read back from it.
  std::vector<std::string> responses;
  for (const Order& order : orders) {
    Result<PinnedOrder> pinned = store_->Get(ReadOptions(), order.hash);
    ASSERT_OK(pinned);
    std::string json;
    AppendDetailResponse(pinned->view(), NewRequestId(), &json);
    responses.push_back(std::move(json));
  }
  const std::vector<std::string> back = RoundTrip(client, responses);
  ASSERT_EQ(back.size(), responses.size());
  size_t differ = 0;
  for (size_t i = 0; i < responses.size(); ++i) {
    if (back[i] == responses[i]) continue;
    if (++differ <= 5) {
      ADD_FAILURE() << (i < edge_cases ? "edge case " : "generated order ")
                    << i << ": Go wrote\n" << back[i] << "\nwe wrote\n"
                    << responses[i];
    }
  }
  EXPECT_EQ(differ, 0u) << "of " << responses.size() << " responses";
}

// The client is not lenient: a response with '<', '>' or '&' unescaped
// (ExportOptions::escape_html = false) comes back from Go escaped, i.e.
// different, and equal to our default output.
TEST_F(GoClientTest, GoEscapesHtmlCharactersAsOurDefaultDoes) {
  const std::string client = BuildGoClient();
  ASSERT_FALSE(HasFailure());
  Order order = ExampleOrder();
  order.items[0].resource_id = "i-<a&b>";
  ASSERT_OK(store_->Put(write_, order));
  Result<PinnedOrder> pinned = store_->Get(ReadOptions(), order.hash);
  ASSERT_OK(pinned);
  std::string plain, escaped;
  AppendDetailResponse(pinned->view(), "TRBUBYEtcQWEg18W", &plain,
                       ExportOptions{.escape_html = false});
  AppendDetailResponse(pinned->view(), "TRBUBYEtcQWEg18W", &escaped);
  ASSERT_NE(plain, escaped);
  const std::vector<std::string> back = RoundTrip(client, {plain});
  ASSERT_EQ(back.size(), 1u);
  EXPECT_NE(back[0], plain);
  EXPECT_EQ(back[0], escaped);
}

}  // namespace
}  // namespace orderstore
