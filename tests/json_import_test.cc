// Tests for OrderParser (docs/contract.md, "Reading"): the example, the
// three input formats, every validation error with its location and field,
// keep_going and progress.
#include "orderstore/json_import.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "tests/test_util.h"

namespace orderstore {
namespace {

using ::orderstore::testing::kExampleCompact;

// The example's order as a bare object (the response's "data").
std::string ExampleOrder() {
  std::string_view example = kExampleCompact;
  size_t begin = example.find("{\"order\"");
  size_t end = example.rfind(",\"request_id\"");
  return std::string(example.substr(begin, end - begin));
}

// `text` with the first occurrence of `from` replaced by `to`.
std::string Replace(std::string text, std::string_view from,
                    std::string_view to) {
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from << " not in " << text;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

// The instant `unix_seconds`, written with a UTC offset of `offset_minutes`.
Timestamp At(int64_t unix_seconds, int16_t offset_minutes = 0) {
  Timestamp t;
  t.unix_seconds = unix_seconds;
  t.offset_minutes = offset_minutes;
  return t;
}

// The example, written out by hand from the source document.
void ExpectExample(const Order& order) {
  EXPECT_EQ(order.hash.ToHex(), "602892b7b500000eed4190e932000000");
  EXPECT_EQ(order.fee, 29.55);
  EXPECT_EQ(order.c_fee, 29.55);
  EXPECT_EQ(order.create_time, At(1600257438));  // 2020-09-16T11:57:18Z
  EXPECT_EQ(order.pay_time, At(1600354702));     // 2020-09-17T14:58:22Z
  EXPECT_FALSE(order.cancel_time.is_set());
  EXPECT_EQ(order.cancel_time, Timestamp::Unset());
  // 2020-09-23T19:57:18+08:00: the instant, and the offset kept.
  EXPECT_EQ(order.expire_time, At(1600862238, 480));
  EXPECT_EQ(order.status, OrderStatus::kComplete);
  ASSERT_EQ(order.items.size(), 2u);
  const OrderItem& instance = order.items[0];
  EXPECT_EQ(instance.order_type, "create");
  EXPECT_EQ(instance.resource_type, "instance");
  EXPECT_EQ(instance.resource_id, "i-xxxx");
  EXPECT_EQ(instance.region, "cn-qingdao");
  EXPECT_EQ(instance.price, 16.25);
  EXPECT_EQ(instance.status, ItemStatus::kSuccess);
  EXPECT_EQ(instance.life_start_time, At(1600354747));
  EXPECT_EQ(instance.life_expire_time, At(1602979200));
  const OrderItem& disk = order.items[1];
  EXPECT_EQ(disk.order_type, "create");
  EXPECT_EQ(disk.resource_type, "disk");
  EXPECT_EQ(disk.resource_id, "d-xxxx");
  EXPECT_EQ(disk.region, "cn-qingdao");
  EXPECT_EQ(disk.price, 13.3);
  EXPECT_EQ(disk.status, ItemStatus::kSuccess);
  EXPECT_EQ(disk.life_start_time, At(1600354747));
  EXPECT_EQ(disk.life_expire_time, At(1602979200));
}

ParseOptions KeepGoing() {
  ParseOptions options;
  options.keep_going = true;
  return options;
}

// Parses `text` and expects it to be valid.
std::vector<Order> ParseValid(std::string_view text, size_t records) {
  OrderParser parser;
  ParseResult result = parser.Parse(text, "in.jsonl");
  for (const Status& error : result.errors) ADD_FAILURE() << error.ToString();
  EXPECT_EQ(result.records, records);
  return std::move(result.orders);
}

// Parses `text`, expecting exactly one error after `orders_before` valid
// orders, and returns its message.
std::string ParseError(std::string_view text, size_t orders_before = 0) {
  OrderParser parser;
  ParseResult result = parser.Parse(text, "in.jsonl");
  EXPECT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.orders.size(), orders_before);
  if (result.errors.empty()) return "(no error)";
  EXPECT_TRUE(result.errors[0].IsInvalidArgument())
      << result.errors[0].ToString();
  return result.errors[0].message();
}

TEST(JsonImportTest, ExampleFileAsDocumented) {
  std::string text =
      ReadFile(std::string(ORDERSTORE_SOURCE_DIR) + "/tests/data/example.json");
  ASSERT_NE(text.find("\n\"data\": {"), std::string::npos)
      << "expected the pretty-printed example";
  std::vector<Order> orders = ParseValid(text, 1);
  ASSERT_EQ(orders.size(), 1u);
  ExpectExample(orders[0]);

  OrderParser parser;
  Result<Order> one = parser.ParseOne(text);
  ASSERT_OK(one);
  ExpectExample(*one);
}

TEST(JsonImportTest, ExampleCompact) {
  std::vector<Order> orders = ParseValid(kExampleCompact, 1);
  ASSERT_EQ(orders.size(), 1u);
  ExpectExample(orders[0]);

  OrderParser parser;
  Result<Order> one = parser.ParseOne(kExampleCompact);
  ASSERT_OK(one);
  ExpectExample(*one);
  EXPECT_EQ(*one, orders[0]);

  // The bare order reads the same.
  Result<Order> bare = parser.ParseOne(ExampleOrder());
  ASSERT_OK(bare);
  EXPECT_EQ(*bare, orders[0]);
}

TEST(JsonImportTest, JsonLinesWithBlankLines) {
  std::string order = ExampleOrder();
  std::string second = Replace(order, "602892b7b500000eed4190e932000000",
                               "00000000000000000000000000000002");
  std::string third = Replace(Replace(order, "602892b7b500000eed4190e932000000",
                                      "00000000000000000000000000000003"),
                              "\"fee\":29.55", "\"fee\":30");
  std::string text = "\n" + std::string(kExampleCompact) + "\n\n  \t\n" +
                     second + "\r\n" + third + "\n\n";
  std::vector<Order> orders = ParseValid(text, 3);
  ASSERT_EQ(orders.size(), 3u);
  ExpectExample(orders[0]);
  EXPECT_EQ(orders[1].hash.ToHex(), "00000000000000000000000000000002");
  EXPECT_EQ(orders[2].hash.ToHex(), "00000000000000000000000000000003");
  EXPECT_EQ(orders[2].fee, 30.0);  // an integer JSON number is money too

  // Without a final newline, and a single line.
  EXPECT_EQ(ParseValid(order + "\n" + second, 2).size(), 2u);
  EXPECT_EQ(ParseValid(order, 1).size(), 1u);
}

TEST(JsonImportTest, EmptyInputIsNoRecords) {
  for (std::string_view text : {"", " \n\t\r\n", "\xEF\xBB\xBF"}) {
    EXPECT_TRUE(ParseValid(text, 0).empty());
  }
  EXPECT_TRUE(ParseValid("[]", 0).empty());
  EXPECT_TRUE(ParseValid(" \n[\n]\n", 0).empty());
}

TEST(JsonImportTest, ByteOrderMarkIsSkipped) {
  std::vector<Order> orders =
      ParseValid("\xEF\xBB\xBF" + std::string(kExampleCompact), 1);
  ASSERT_EQ(orders.size(), 1u);
  ExpectExample(orders[0]);
}

TEST(JsonImportTest, ArrayOfResponsesAndOfBareOrders) {
  std::string response = kExampleCompact;
  std::vector<Order> orders =
      ParseValid("[" + response + ",\n" + response + "]", 2);
  ASSERT_EQ(orders.size(), 2u);
  ExpectExample(orders[0]);
  ExpectExample(orders[1]);

  std::string order = ExampleOrder();
  orders = ParseValid(
      "  [\n  " + order + ",\n  " + order + ",\n  " + order + "\n]\n", 3);
  ASSERT_EQ(orders.size(), 3u);
  ExpectExample(orders[2]);

  // Both kinds may be mixed.
  EXPECT_EQ(ParseValid("[" + order + "," + response + "]", 2).size(), 2u);
}

TEST(JsonImportTest, DataAsAnArrayOfOrders) {
  std::string order = ExampleOrder();
  std::string other = Replace(order, "602892b7b500000eed4190e932000000",
                              "0123456789ABCDEF0123456789abcdef");
  std::string text = "{\"data\":[" + order + "," + other +
                     "],\"request_id\":\"x\"}\n{\"data\":[]}\n";
  std::vector<Order> orders = ParseValid(text, 2);
  ASSERT_EQ(orders.size(), 2u);
  ExpectExample(orders[0]);
  EXPECT_EQ(orders[1].hash.ToHex(), "0123456789abcdef0123456789abcdef");

  // ParseOne wants exactly one order.
  OrderParser parser;
  Result<Order> two =
      parser.ParseOne("{\"data\":[" + order + "," + other + "]}");
  EXPECT_TRUE(two.status().IsInvalidArgument()) << two.status().ToString();
  EXPECT_NE(two.status().message().find("data"), std::string::npos);
  Result<Order> none = parser.ParseOne("{\"data\":[]}");
  EXPECT_TRUE(none.status().IsInvalidArgument());
  Result<Order> one = parser.ParseOne("{\"data\":[" + order + "]}");
  ASSERT_OK(one);
  ExpectExample(*one);
}

TEST(JsonImportTest, OneInvalidOrderInvalidatesItsWholeRecord) {
  std::string order = ExampleOrder();
  std::string bad = Replace(order, "\"c_fee\":29.55", "\"c_fee\":-1");
  OrderParser parser;
  ParseResult result =
      parser.Parse(order + "\n{\"data\":[" + order + "," + bad + "]}\n" + order,
                   "in.jsonl", KeepGoing());
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.records, 3u);
  EXPECT_EQ(result.orders.size(), 2u);  // lines 1 and 3, none of line 2
  const std::string& message = result.errors[0].message();
  EXPECT_EQ(message.rfind("in.jsonl:2: data[1].c_fee", 0), 0u) << message;
}

TEST(JsonImportTest, UnknownFieldsAreIgnored) {
  std::string order = Replace(
      ExampleOrder(), "\"fee\":", "\"note\":{\"fee\":[1,\"x\"]},\"fee\":");
  order = Replace(order, "\"price\":16.25",
                  "\"price\":16.25,\"discount\":null,\"tags\":[]");
  order = Replace(order, "{\"order\"", "{\"zzz\":true,\"order\"");
  std::vector<Order> orders = ParseValid(
      "{\"code\":0,\"data\":" + order + ",\"request_id\":\"r\",\"extra\":1}",
      1);
  ASSERT_EQ(orders.size(), 1u);
  ExpectExample(orders[0]);
  // request_id is optional.
  EXPECT_EQ(ParseValid("{\"data\":" + order + "}", 1).size(), 1u);
}

TEST(JsonImportTest, KeysInAnyOrderAndEscaped) {
  std::string text =
      R"({"items":[],"status":"paid","expire_time":"0001-01-01T00:00:00Z",)"
      R"("cancel_time":"0001-01-01T00:00:00Z","pay_time":"2020-09-17T14:58:22Z",)"
      R"("create_time":"2020-09-16T11:57:18.5-01:30","c_fee":0,"fee":1e2,)"
      R"("\u006frder":"602892B7B500000EED4190E932000000"})";
  OrderParser parser;
  Result<Order> order = parser.ParseOne(text);
  ASSERT_OK(order);
  EXPECT_EQ(order->hash.ToHex(), "602892b7b500000eed4190e932000000");
  EXPECT_EQ(order->fee, 100.0);
  EXPECT_EQ(order->c_fee, 0.0);
  EXPECT_EQ(order->status, OrderStatus::kPaid);
  EXPECT_TRUE(order->items.empty());
  EXPECT_EQ(order->create_time.nanos, 500000000);
  EXPECT_EQ(order->create_time.offset_minutes, -90);
}

TEST(JsonImportTest, UpperCaseHashIsAcceptedAndWrittenLowerCase) {
  std::string order =
      Replace(ExampleOrder(), "602892b7b500000eed4190e932000000",
              "602892B7B500000EED4190E932000000");
  std::vector<Order> orders = ParseValid(order, 1);
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(orders[0].hash.ToHex(), "602892b7b500000eed4190e932000000");
}

TEST(JsonImportTest, StringEscapesAndUtf8AreDecoded) {
  std::string order =
      Replace(ExampleOrder(), "\"i-xxxx\"", R"("i-\u00e9\"\\\n")");
  order = Replace(order, "\"cn-qingdao\"", "\"青岛\"");
  std::vector<Order> orders = ParseValid(order, 1);
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(orders[0].items[0].resource_id, "i-\xC3\xA9\"\\\n");
  EXPECT_EQ(orders[0].items[0].region, "青岛");
}

// One invalid record on line 3 of a JSON Lines text; the message must start
// with the location and name the field.
struct BadCase {
  const char* name;
  std::string record;
  std::string field;   // what the message says right after "in.jsonl:3: "
  std::string detail;  // also in the message
};

std::vector<BadCase> BadCases() {
  const std::string order = ExampleOrder();
  const std::string response = kExampleCompact;
  auto with = [&](std::string_view from, std::string_view to) {
    return Replace(order, from, to);
  };
  return {
      {"missing_c_fee", with("\"c_fee\":29.55,", ""), "missing field",
       "\"c_fee\""},
      {"missing_in_response", Replace(response, "\"c_fee\":29.55,", ""),
       "data: missing field", "\"c_fee\""},
      {"missing_items", with(",\"items\":[", ",\"itemz\":["), "missing field",
       "\"items\""},
      {"missing_item_price", with("\"price\":16.25,", ""),
       "items[0]: missing field", "\"price\""},
      {"missing_life_expire",
       with(",\"life_expire_time\":\"2020-10-18T00:00:00Z\"}]", "}]"),
       "items[1]: missing field", "\"life_expire_time\""},
      {"fee_string", with("\"fee\":29.55", "\"fee\":\"29.55\""),
       "fee: want a number, got string", ""},
      {"fee_null", with("\"fee\":29.55", "\"fee\":null"),
       "fee: want a number, got null", ""},
      {"price_bool", with("\"price\":13.3", "\"price\":true"),
       "items[1].price: want a number, got boolean", ""},
      {"status_number", with("\"status\":\"complete\"", "\"status\":3"),
       "status: want a string, got number", ""},
      {"items_object", with("\"items\":[", "\"items\":{\"x\":[") + "}",
       "items: want an array, got object", ""},
      {"item_not_object", with("\"items\":[", "\"items\":[7,"),
       "items[0]: want an item object, got number", ""},
      {"region_array", with("\"region\":\"cn-qingdao\"", "\"region\":[]"),
       "items[0].region: want a string, got array", ""},
      {"record_not_object", "[1,2]", "want an object", ""},
      {"data_string", "{\"data\":\"x\"}",
       "data: want an order object or an array of orders, got string", ""},
      {"data_element_string", "{\"data\":[" + order + ",\"x\"]}",
       "data[1]: want an order object, got string", ""},
      {"request_id_number", Replace(response, "\"TRBUBYEtcQWEg18W\"", "123"),
       "request_id: want a string, got number", ""},
      {"order_status_cancelled",
       with("\"status\":\"complete\"", "\"status\":\"cancelled\""),
       "status: ", "\"cancelled\""},
      {"item_status_canceled",
       with("\"price\":13.3,\"status\":\"success\"",
            "\"price\":13.3,\"status\":\"canceled\""),
       "items[1].status: ", "\"canceled\""},
      {"item_status_in_response",
       Replace(response, "\"price\":13.3,\"status\":\"success\"",
               "\"price\":13.3,\"status\":\"Success\""),
       "data.items[1].status: ", "\"Success\""},
      {"hash_31_digits",
       with("602892b7b500000eed4190e932000000",
            "602892b7b500000eed4190e93200000"),
       "order: ", "\"602892b7b500000eed4190e93200000\""},
      {"hash_not_hex",
       with("602892b7b500000eed4190e932000000",
            "602892b7b500000eed4190e93200000g"),
       "order: ", "\"602892b7b500000eed4190e93200000g\""},
      {"hash_number", with("\"602892b7b500000eed4190e932000000\"", "1"),
       "order: want a string, got number", ""},
      {"time_february_30", with("2020-09-16T11:57:18Z", "2021-02-30T11:57:18Z"),
       "create_time: ", "\"2021-02-30T11:57:18Z\""},
      {"time_no_offset", with("2020-09-17T14:58:22Z", "2020-09-17T14:58:22"),
       "pay_time: ", "\"2020-09-17T14:58:22\""},
      {"item_time_bad",
       with("\"life_start_time\":\"2020-09-17T14:59:07Z\"",
            "\"life_start_time\":\"yesterday\""),
       "items[0].life_start_time: ", "\"yesterday\""},
      {"fee_overflow", with("\"fee\":29.55", "\"fee\":1e400"),
       "fee: invalid JSON: number \"1e400\"", ""},
      {"price_overflow_in_response",
       Replace(response, "\"price\":13.3", "\"price\":-1e999"),
       "data.items[1].price: invalid JSON: number \"-1e999\"", ""},
      {"negative_c_fee", with("\"c_fee\":29.55", "\"c_fee\":-0.01"), "c_fee",
       ""},
      {"negative_price_in_response",
       Replace(response, "\"price\":13.3", "\"price\":-13.3"),
       "data.items[1].price", ""},
      {"duplicate_fee", with("\"fee\":29.55", "\"fee\":29.55,\"fee\":0"),
       "duplicate key \"fee\"", ""},
      {"duplicate_fee_same_value",
       with("\"fee\":29.55", "\"fee\":29.55,\"fee\":29.55"),
       "duplicate key \"fee\"", ""},
      {"duplicate_escaped_fee",
       with("\"fee\":29.55", "\"fee\":1,\"f\\u0065e\":2"),
       "duplicate key \"fee\"", ""},
      {"duplicate_item_price",
       with("\"price\":16.25", "\"price\":16.25,\"price\":1"),
       "items[0]: duplicate key \"price\"", ""},
      {"duplicate_unknown_key",
       with("\"fee\":29.55", "\"b\":1,\"x\":1,\"a\":2,\"x\":2,\"fee\":29.55"),
       "duplicate key \"x\"", ""},
      {"duplicate_data", "{\"data\":" + order + ",\"data\":" + order + "}",
       "duplicate key \"data\"", ""},
      {"duplicate_request_id",
       Replace(response, "\"request_id\"",
               "\"request_id\":\"a\",\"request_id\""),
       "duplicate key \"request_id\"", ""},
      {"duplicate_in_data_order",
       Replace(response, "\"fee\":29.55", "\"fee\":29.55,\"fee\":2"),
       "data: duplicate key \"fee\"", ""},
      {"invalid_utf8", with("\"i-xxxx\"", "\"i-\xC3\x28\""),
       "invalid JSON: ", "UTF-8"},
      {"lone_continuation_byte", with("\"cn-qingdao\"", "\"cn-\x80\""),
       "invalid JSON: ", "UTF-8"},
      {"trailing_garbage", order + " x", "invalid JSON: ", ""},
      {"two_values_on_a_line", order + " " + order, "invalid JSON: ", ""},
      {"truncated", order.substr(0, order.size() - 5), "invalid JSON: ", ""},
      {"nul_in_string", with("\"i-xxxx\"", std::string("\"i-\0x\"", 6)),
       "invalid JSON: ", ""},
      {"nul_after_value", order + std::string(1, '\0'), "invalid JSON: ", ""},
      {"deep_nesting",
       with("\"fee\":", "\"deep\":" + std::string(100000, '[') +
                            std::string(100000, ']') + ",\"fee\":"),
       "invalid JSON: ", "deep"},
      {"unterminated_deep_nesting", std::string(100000, '['),
       "invalid JSON: ", ""},
  };
}

TEST(JsonImportTest, EveryValidationErrorNamesLineAndField) {
  const std::string good = ExampleOrder();
  for (const BadCase& c : BadCases()) {
    SCOPED_TRACE(c.name);
    std::string message = ParseError(good + "\n\n" + c.record + "\n" + good, 1);
    std::string prefix = "in.jsonl:3: " + c.field;
    EXPECT_EQ(message.rfind(prefix, 0), 0u)
        << "message: " << message << "\nwant prefix: " << prefix;
    EXPECT_NE(message.find(c.detail), std::string::npos)
        << "message: " << message << "\nwant: " << c.detail;
    EXPECT_EQ(message.find('\n'), std::string::npos) << "one line";
  }
}

TEST(JsonImportTest, ValidationErrorsInAnArrayNameTheElement) {
  const std::string good = ExampleOrder();
  for (const BadCase& c : BadCases()) {
    if (c.record.empty() || c.record[0] != '{') continue;  // a whole record
    if (std::string_view(c.field).starts_with("invalid JSON")) continue;
    SCOPED_TRACE(c.name);
    std::string message =
        ParseError("[\n" + good + ",\n" + good + ",\n" + c.record + "]",
                   // A number simdjson cannot read fails the whole array.
                   c.field.find("invalid JSON") == std::string::npos ? 2 : 0);
    std::string prefix = "in.jsonl: element 3: " + c.field;
    EXPECT_EQ(message.rfind(prefix, 0), 0u)
        << "message: " << message << "\nwant prefix: " << prefix;
    EXPECT_NE(message.find(c.detail), std::string::npos) << message;
  }
}

TEST(JsonImportTest, ValidationErrorsFromParseOneNameTheField) {
  OrderParser parser;
  for (const BadCase& c : BadCases()) {
    SCOPED_TRACE(c.name);
    Result<Order> order = parser.ParseOne(c.record);
    ASSERT_FALSE(order.ok());
    EXPECT_TRUE(order.status().IsInvalidArgument());
    const std::string& message = order.status().message();
    EXPECT_EQ(message.rfind(c.field, 0), 0u) << message;
    EXPECT_NE(message.find(c.detail), std::string::npos) << message;
  }
  // The parser is still fine after all those errors.
  ASSERT_OK(parser.ParseOne(kExampleCompact));
}

TEST(JsonImportTest, InvalidJsonInAnArray) {
  const std::string good = ExampleOrder();
  // A broken array cannot be split into records: the whole text is invalid.
  std::string message = ParseError("[" + good + "," + good + " x]");
  EXPECT_EQ(message.rfind("in.jsonl: invalid JSON: ", 0), 0u) << message;
  message = ParseError("[" + good + "] x");
  EXPECT_EQ(message.rfind("in.jsonl: invalid JSON: ", 0), 0u) << message;
  message = ParseError("[" + std::string(100000, '[') +
                       std::string(100000, ']') + "]");
  EXPECT_EQ(message.rfind("in.jsonl: invalid JSON: ", 0), 0u) << message;
  // A number out of range is still found.
  message = ParseError("[" + good + ",{\"data\":" +
                       Replace(good, "\"fee\":29.55", "\"fee\":1e400") + "}]");
  // (The whole array failed to parse: no order is read.)
  EXPECT_EQ(message.rfind("in.jsonl: element 2: data.fee: invalid JSON: ", 0),
            0u)
      << message;
  // An element that is not an object.
  message = ParseError("[" + good + ",\"x\"]", 1);
  EXPECT_EQ(message.rfind("in.jsonl: element 2: want an object", 0), 0u)
      << message;
}

TEST(JsonImportTest, PrettyDocumentErrorsNameTheRecord) {
  std::string text =
      ReadFile(std::string(ORDERSTORE_SOURCE_DIR) + "/tests/data/example.json");
  std::string message = ParseError(Replace(text, "29.55", "\"29.55\""));
  EXPECT_EQ(message, "in.jsonl: record 1: data.fee: want a number, got string");
  // A broken pretty document is one invalid record, not one error a line.
  OrderParser parser;
  ParseResult result = parser.Parse(Replace(text, "\"fee\": 29.55,", ""),
                                    "in.jsonl", KeepGoing());
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.records, 1u);
  result = parser.Parse(Replace(text, "\"fee\": 29.55,", "\"fee\": 29.55"),
                        "in.jsonl", KeepGoing());
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(
      result.errors[0].message().rfind("in.jsonl: record 1: invalid JSON", 0),
      0u)
      << result.errors[0].message();
}

TEST(JsonImportTest, JsonLinesWithABrokenFirstLineStayJsonLines) {
  const std::string good = ExampleOrder();
  OrderParser parser;
  ParseResult result = parser.Parse("{\"data\":\n" + good + "\n" + good,
                                    "in.jsonl", KeepGoing());
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].message().rfind("in.jsonl:1: invalid JSON", 0), 0u)
      << result.errors[0].message();
  EXPECT_EQ(result.records, 3u);
  EXPECT_EQ(result.orders.size(), 2u);
}

TEST(JsonImportTest, KeepGoingCollectsEveryError) {
  const std::string good = ExampleOrder();
  const std::string text =
      good + "\n" +                                      // 1
      Replace(good, "\"fee\":29.55", "\"fee\":\"1\"") +  // 2
      "\n\n" +                                           // 3 blank
      good + "\n" +                                      // 4
      "{oops\n" +                                        // 5
      Replace(good, "\"success\"", "\"done\"") + "\n" +  // 6
      good + "\n";                                       // 7
  OrderParser parser;
  ParseResult result = parser.Parse(text, "orders.jsonl", KeepGoing());
  EXPECT_EQ(result.records, 6u);
  EXPECT_EQ(result.orders.size(), 3u);
  ASSERT_EQ(result.errors.size(), 3u);
  EXPECT_EQ(result.errors[0].message(),
            "orders.jsonl:2: fee: want a number, got string");
  EXPECT_EQ(
      result.errors[1].message().rfind("orders.jsonl:5: invalid JSON: ", 0),
      0u);
  EXPECT_EQ(
      result.errors[2].message().rfind("orders.jsonl:6: items[0].status: ", 0),
      0u)
      << result.errors[2].message();
  for (const Status& error : result.errors) {
    EXPECT_TRUE(error.IsInvalidArgument());
  }

  // Without keep_going: the first error, and the orders before it.
  result = parser.Parse(text, "orders.jsonl");
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].message(),
            "orders.jsonl:2: fee: want a number, got string");
  EXPECT_EQ(result.records, 2u);
  EXPECT_EQ(result.orders.size(), 1u);

  // The same in an array.
  std::string array = "[" + good + "," +
                      Replace(good, "\"order\"", "\"ordr\"") + "," + good +
                      ",1," + good + "]";
  result = parser.Parse(array, "a.json", KeepGoing());
  EXPECT_EQ(result.records, 5u);
  EXPECT_EQ(result.orders.size(), 3u);
  ASSERT_EQ(result.errors.size(), 2u);
  EXPECT_EQ(result.errors[0].message(),
            "a.json: element 2: missing field \"order\"");
  EXPECT_EQ(result.errors[1].message().rfind("a.json: element 4: ", 0), 0u);
}

TEST(JsonImportTest, ParserIsReusableAcrossInputs) {
  OrderParser parser;
  std::string big = ExampleOrder();
  // A long line first (the buffers grow), then short ones.
  big = Replace(big, "\"i-xxxx\"", "\"" + std::string(200000, 'i') + "\"");
  for (int i = 0; i < 3; ++i) {
    ParseResult result =
        parser.Parse(big + "\n" + std::string(kExampleCompact), "in.jsonl");
    ASSERT_TRUE(result.errors.empty()) << result.errors[0].ToString();
    ASSERT_EQ(result.orders.size(), 2u);
    EXPECT_EQ(result.orders[0].items[0].resource_id.size(), 200000u);
    ExpectExample(result.orders[1]);
  }
}

// Lines are parsed in place in the caller's text, so simdjson's padding
// reads bytes of the following lines: they must not change the result.
TEST(JsonImportTest, WhatFollowsALineDoesNotMatter) {
  const std::string good = kExampleCompact;
  const std::string text = good + "\n" +                  // 1
                           "\"unterminated\n" +           // 2
                           good + "\n" +                  // 3
                           "\xFF\xFE\xFD\n" +             // 4
                           good + "]]]}}}\"\"\"\\\n" +    // 5
                           good + "\n" +                  // 6
                           std::string(1, '\0') + "\n" +  // 7
                           good;                          // 8
  OrderParser parser;
  ParseResult result = parser.Parse(text, "in.jsonl", KeepGoing());
  EXPECT_EQ(result.records, 8u);
  ASSERT_EQ(result.orders.size(), 4u);
  for (const Order& order : result.orders) ExpectExample(order);
  ASSERT_EQ(result.errors.size(), 4u);
  const char* lines[] = {
      "in.jsonl:2: ", "in.jsonl:4: ", "in.jsonl:5: ", "in.jsonl:7: "};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(result.errors[i].message().rfind(lines[i], 0), 0u)
        << result.errors[i].message();
  }
}

TEST(JsonImportTest, HugeArrayThenSmallInputs) {
  // Over 16 MiB: the parser gives its buffers back afterwards.
  std::string text = "[";
  size_t count = 0;
  while (text.size() < (size_t{17} << 20)) {
    text += kExampleCompact;
    text += ",";
    ++count;
  }
  text.back() = ']';
  OrderParser parser;
  ParseResult result = parser.Parse(text, "big.json");
  ASSERT_TRUE(result.errors.empty()) << result.errors[0].ToString();
  EXPECT_EQ(result.orders.size(), count);
  ExpectExample(result.orders.back());
  result = parser.Parse(kExampleCompact, "small.jsonl");
  ASSERT_TRUE(result.errors.empty()) << result.errors[0].ToString();
  ASSERT_EQ(result.orders.size(), 1u);
  ExpectExample(result.orders[0]);
  Result<Order> one = parser.ParseOne(kExampleCompact);
  ASSERT_OK(one);
  ExpectExample(*one);
}

TEST(JsonImportTest, ProgressIsReported) {
  std::string text;
  const std::string line = std::string(kExampleCompact) + "\n";
  while (text.size() < 3 * (size_t{1} << 20)) text += line;
  std::vector<std::pair<size_t, size_t>> calls;
  ParseOptions options;
  options.progress = [&](size_t parsed, size_t total) {
    calls.emplace_back(parsed, total);
  };
  OrderParser parser;
  ParseResult result = parser.Parse(text, "in.jsonl", options);
  EXPECT_TRUE(result.errors.empty());
  EXPECT_EQ(result.orders.size(), text.size() / line.size());
  ASSERT_GE(calls.size(), 3u);
  EXPECT_LE(calls.size(), 5u);
  for (size_t i = 0; i < calls.size(); ++i) {
    EXPECT_EQ(calls[i].second, text.size());
    if (i > 0) {
      EXPECT_GT(calls[i].first, calls[i - 1].first);
    }
  }
  EXPECT_EQ(calls.back().first, text.size());

  // An array reports too; empty input reports once.
  calls.clear();
  text = "[" + text;
  for (char& c : text) {
    if (c == '\n') c = ',';
  }
  text.back() = ']';
  result = parser.Parse(text, "in.json", options);
  EXPECT_TRUE(result.errors.empty());
  ASSERT_GE(calls.size(), 3u);
  EXPECT_EQ(calls.back().first, text.size());
  calls.clear();
  result = parser.Parse("", "in.json", options);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0], std::make_pair(size_t{0}, size_t{0}));
}

TEST(JsonImportTest, ParseOneRejectsMoreThanOneRecord) {
  OrderParser parser;
  std::string order = ExampleOrder();
  EXPECT_TRUE(
      parser.ParseOne(order + "\n" + order).status().IsInvalidArgument());
  EXPECT_TRUE(parser.ParseOne("[" + order + "]").status().IsInvalidArgument());
  EXPECT_TRUE(parser.ParseOne("").status().IsInvalidArgument());
  EXPECT_TRUE(parser.ParseOne("null").status().IsInvalidArgument());
}

}  // namespace
}  // namespace orderstore

namespace orderstore {
namespace {

// Go and our exporter write 1e20 as 100000000000000000000; simdjson 3.0
// refuses integers beyond 64 bits, so the parser widens them to doubles.
TEST(JsonImportTest, IntegersBeyondSixtyFourBitsReadAsDoubles) {
  OrderParser parser;
  std::string text =
      Replace(ExampleOrder(), "\"fee\":29.55", "\"fee\":100000000000000000000");
  text = Replace(text, "\"price\":16.25", "\"price\":123456789012345680000");
  text = Replace(text, "\"price\":13.3", "\"price\":0.00000235723286498912");
  Result<Order> order = parser.ParseOne(text);
  ASSERT_OK(order);
  EXPECT_EQ(order->fee, 1e20);
  EXPECT_EQ(order->items[0].price, 123456789012345680000.0);
  EXPECT_EQ(order->items[1].price, 0.00000235723286498912);
  // A string that looks like a long integer is left alone.
  text = Replace(text, "\"i-xxxx\"", "\"123456789012345678901234\"");
  order = parser.ParseOne(text);
  ASSERT_OK(order);
  EXPECT_EQ(order->items[0].resource_id, "123456789012345678901234");
}

}  // namespace
}  // namespace orderstore
