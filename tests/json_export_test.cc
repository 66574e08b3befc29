#include "orderstore/json_export.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cctype>
#include <cfloat>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "lib/record.h"
#include "orderstore/json_import.h"
#include "orderstore/order.h"
#include "orderstore/order_view.h"
#include "tests/test_util.h"

namespace orderstore {
namespace {

using testing::ExampleOrder;
using testing::Time;

constexpr char kExampleId[] = "TRBUBYEtcQWEg18W";

constexpr char kExamplePretty[] = R"({
  "data": {
    "order": "602892b7b500000eed4190e932000000",
    "fee": 29.55,
    "c_fee": 29.55,
    "create_time": "2020-09-16T11:57:18Z",
    "pay_time": "2020-09-17T14:58:22Z",
    "cancel_time": "0001-01-01T00:00:00Z",
    "expire_time": "2020-09-23T19:57:18+08:00",
    "status": "complete",
    "items": [
      {
        "order_type": "create",
        "resource_type": "instance",
        "resource_id": "i-xxxx",
        "region": "cn-qingdao",
        "price": 16.25,
        "status": "success",
        "life_start_time": "2020-09-17T14:59:07Z",
        "life_expire_time": "2020-10-18T00:00:00Z"
      },
      {
        "order_type": "create",
        "resource_type": "disk",
        "resource_id": "d-xxxx",
        "region": "cn-qingdao",
        "price": 13.3,
        "status": "success",
        "life_start_time": "2020-09-17T14:59:07Z",
        "life_expire_time": "2020-10-18T00:00:00Z"
      }
    ]
  },
  "request_id": "TRBUBYEtcQWEg18W"
})";

std::string Number(double x) {
  std::string out;
  AppendJsonNumber(x, &out);
  return out;
}

std::string Quoted(std::string_view text, bool escape_html = true) {
  std::string out;
  AppendJsonString(text, &out, ExportOptions{.escape_html = escape_html});
  return out;
}

// ---- Whole orders ----

TEST(JsonExportTest, ExampleCompactIsByteExact) {
  std::string record = internal::EncodeRecord(ExampleOrder());
  auto view = VerifyRecord(record);
  ASSERT_OK(view);
  std::string out;
  AppendDetailResponse(*view, kExampleId, &out);
  EXPECT_EQ(out, testing::kExampleCompact);
}

TEST(JsonExportTest, ExamplePrettyIndentsLikeGo) {
  std::string record = internal::EncodeRecord(ExampleOrder());
  auto view = VerifyRecord(record);
  ASSERT_OK(view);
  std::string out;
  AppendDetailResponse(*view, kExampleId, &out, {.pretty = true});
  EXPECT_EQ(out, kExamplePretty);
}

TEST(JsonExportTest, BareOrderIsTheResponsesData) {
  std::string record = internal::EncodeRecord(ExampleOrder());
  auto view = VerifyRecord(record);
  ASSERT_OK(view);
  std::string out;
  AppendOrderJson(*view, &out);
  const std::string compact = testing::kExampleCompact;
  const std::string prefix = R"({"data":)";
  const std::string suffix = R"(,"request_id":"TRBUBYEtcQWEg18W"})";
  EXPECT_EQ(out, compact.substr(prefix.size(), compact.size() - prefix.size() -
                                                   suffix.size()));
}

TEST(JsonExportTest, BareOrderPretty) {
  std::string record = internal::EncodeRecord(ExampleOrder());
  auto view = VerifyRecord(record);
  ASSERT_OK(view);
  std::string out;
  AppendOrderJson(*view, &out, {.pretty = true});
  // The pretty response's "data", one level less indented.
  std::string expected;
  const std::string pretty = kExamplePretty;
  const size_t begin = pretty.find("\"data\": ") + 8;
  const size_t end = pretty.find(",\n  \"request_id\"");
  std::string data = pretty.substr(begin, end - begin);
  for (size_t i = 0; i < data.size(); ++i) {
    expected.push_back(data[i]);
    if (data[i] == '\n') i += 2;  // drop two spaces of indentation
  }
  EXPECT_EQ(out, expected);
  EXPECT_TRUE(out.starts_with("{\n  \"order\": ")) << out;
  EXPECT_TRUE(out.ends_with("\n    }\n  ]\n}")) << out;
}

TEST(JsonExportTest, AppendsAfterExistingText) {
  std::string record = internal::EncodeRecord(ExampleOrder());
  auto view = VerifyRecord(record);
  ASSERT_OK(view);
  std::string out = "prefix\n";
  AppendDetailResponse(*view, kExampleId, &out);
  AppendJsonNumber(1.5, &out);
  EXPECT_EQ(out, "prefix\n" + std::string(testing::kExampleCompact) + "1.5");
}

TEST(JsonExportTest, OrderWithoutItems) {
  Order order = ExampleOrder();
  order.items.clear();
  order.status = OrderStatus::kCanceled;
  order.cancel_time = Time("2020-09-18T01:02:03.25-07:30");
  order.fee = 100000;
  order.c_fee = 0;
  std::string record = internal::EncodeRecord(order);
  auto view = VerifyRecord(record);
  ASSERT_OK(view);

  std::string compact;
  AppendDetailResponse(*view, "abc", &compact);
  EXPECT_EQ(compact,
            R"({"data":{"order":"602892b7b500000eed4190e932000000",)"
            R"("fee":100000,"c_fee":0,"create_time":"2020-09-16T11:57:18Z",)"
            R"("pay_time":"2020-09-17T14:58:22Z",)"
            R"("cancel_time":"2020-09-18T01:02:03.25-07:30",)"
            R"("expire_time":"2020-09-23T19:57:18+08:00",)"
            R"("status":"canceled","items":[]},"request_id":"abc"})");

  std::string pretty;
  AppendOrderJson(*view, &pretty, {.pretty = true});
  EXPECT_EQ(pretty, R"({
  "order": "602892b7b500000eed4190e932000000",
  "fee": 100000,
  "c_fee": 0,
  "create_time": "2020-09-16T11:57:18Z",
  "pay_time": "2020-09-17T14:58:22Z",
  "cancel_time": "2020-09-18T01:02:03.25-07:30",
  "expire_time": "2020-09-23T19:57:18+08:00",
  "status": "canceled",
  "items": []
})");
}

TEST(JsonExportTest, EscapesStringFieldsAndRequestId) {
  Order order = ExampleOrder();
  order.items.resize(1);
  order.items[0].resource_id = "i-\"q\"\\\n";
  order.items[0].region = "华东\u2028";
  order.items[0].status = ItemStatus::kFailOver;
  std::string record = internal::EncodeRecord(order);
  auto view = VerifyRecord(record);
  ASSERT_OK(view);
  std::string out;
  AppendDetailResponse(*view, "a\"b", &out);
  EXPECT_NE(out.find(R"("resource_id":"i-\"q\"\\\n","region":"华东\u2028",)"
                     R"("price":16.25,"status":"fail_over")"),
            std::string::npos)
      << out;
  EXPECT_TRUE(out.ends_with(R"(}]},"request_id":"a\"b"})")) << out;
}

TEST(JsonExportTest, HtmlCharactersEscapedByDefaultAndReadBackEitherWay) {
  Order order = ExampleOrder();
  order.items[0].resource_id = "i-<a&b>";
  std::string record = internal::EncodeRecord(order);
  auto view = VerifyRecord(record);
  ASSERT_OK(view);
  std::string escaped, plain;
  AppendDetailResponse(*view, "r<&>", &escaped);
  AppendDetailResponse(*view, "r<&>", &plain,
                       ExportOptions{.escape_html = false});
  EXPECT_NE(escaped.find(R"("resource_id":"i-\u003ca\u0026b\u003e")"),
            std::string::npos)
      << escaped;
  EXPECT_TRUE(escaped.ends_with(R"("request_id":"r\u003c\u0026\u003e"})"))
      << escaped;
  EXPECT_NE(plain.find(R"("resource_id":"i-<a&b>")"), std::string::npos)
      << plain;
  EXPECT_TRUE(plain.ends_with(R"("request_id":"r<&>"})")) << plain;
  // Only those characters differ.
  std::string undone = escaped;
  for (auto [from, to] : {std::pair{"\\u003c", "<"}, {"\\u003e", ">"},
                          {"\\u0026", "&"}}) {
    for (size_t at; (at = undone.find(from)) != std::string::npos;) {
      undone.replace(at, 6, to);
    }
  }
  EXPECT_EQ(undone, plain);
  // Both read back as the order.
  OrderParser parser;
  for (const std::string& json : {escaped, plain}) {
    Result<Order> back = parser.ParseOne(json);
    ASSERT_OK(back);
    EXPECT_EQ(back->items[0].resource_id, "i-<a&b>");
  }
}

TEST(JsonExportTest, EveryStatusIsSpelledAsDocumented) {
  const std::pair<OrderStatus, const char*> orders[] = {
      {OrderStatus::kNew, "new"},
      {OrderStatus::kPaid, "paid"},
      {OrderStatus::kCanceled, "canceled"},
      {OrderStatus::kComplete, "complete"},
      {OrderStatus::kRefund, "refund"}};
  for (auto [status, name] : orders) {
    Order order = ExampleOrder();
    order.status = status;
    std::string record = internal::EncodeRecord(order);
    auto view = VerifyRecord(record);
    ASSERT_OK(view);
    std::string out;
    AppendOrderJson(*view, &out);
    EXPECT_NE(out.find(std::string(R"("status":")") + name + R"(","items")"),
              std::string::npos)
        << out;
  }
}

TEST(JsonExportTest, ConcurrentExportsAgree) {
  std::string record = internal::EncodeRecord(ExampleOrder());
  auto view = VerifyRecord(record);
  ASSERT_OK(view);
  std::vector<std::string> outs(4);
  std::vector<std::thread> threads;
  for (std::string& out : outs) {
    threads.emplace_back([&view, &out] {
      for (int i = 0; i < 1000; ++i) {
        out.clear();
        AppendDetailResponse(*view, kExampleId, &out);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (const std::string& out : outs) EXPECT_EQ(out, testing::kExampleCompact);
}

// ---- Numbers ----

TEST(JsonNumberTest, WritesAsGoAndJavaScript) {
  const std::pair<double, const char*> cases[] = {
      {0.0, "0"},
      {-0.0, "0"},
      {1, "1"},
      {-1, "-1"},
      {29.55, "29.55"},
      {-29.55, "-29.55"},
      {13.3, "13.3"},
      {16.25, "16.25"},
      {0.1, "0.1"},
      {0.5, "0.5"},
      {0.001, "0.001"},
      {0.1 + 0.2, "0.30000000000000004"},
      {1.0 / 3, "0.3333333333333333"},
      {4.35 * 100, "434.99999999999994"},
      {123.456, "123.456"},
      {1234567.125, "1234567.125"},
      {100000, "100000"},
      {1e15, "1000000000000000"},
      {1e16, "10000000000000000"},
      {9007199254740993.0, "9007199254740992"},
      {12345678901234567890.0, "12345678901234567000"},
      {1e20, "100000000000000000000"},
      {1.2345678901234568e20, "123456789012345680000"},
      {9.999999999999999e20, "999999999999999900000"},
      {1e21, "1e+21"},
      {std::nextafter(1e21, INFINITY), "1.0000000000000001e+21"},
      {-1e21, "-1e+21"},
      {1.5e21, "1.5e+21"},
      {1e100, "1e+100"},
      {DBL_MAX, "1.7976931348623157e+308"},
      {1e-6, "0.000001"},
      {-1e-6, "-0.000001"},
      {1.5e-6, "0.0000015"},
      {1.2345678e-6, "0.0000012345678"},
      {std::nextafter(1e-6, 0.0), "9.999999999999997e-7"},
      {2.0 / 3 * 1e-6, "6.666666666666666e-7"},
      {1e-7, "1e-7"},
      {-1e-7, "-1e-7"},
      {1.5e-7, "1.5e-7"},
      {1e-10, "1e-10"},
      {1.2345e-10, "1.2345e-10"},
      {1e-100, "1e-100"},
      {DBL_MIN, "2.2250738585072014e-308"},
      {5e-324, "5e-324"},
      {-5e-324, "-5e-324"},
  };
  for (auto [x, want] : cases) {
    EXPECT_EQ(Number(x), want) << "x = " << x;
  }
}

// The significant digits of a JSON number: no sign, point, exponent, leading
// or trailing zeros.
std::string SignificantDigits(std::string_view text) {
  std::string digits;
  for (char c : text.substr(0, text.find_first_of("eE"))) {
    if (c >= '0' && c <= '9') digits.push_back(c);
  }
  digits.erase(0, digits.find_first_not_of('0'));
  digits.erase(digits.find_last_not_of('0') + 1);
  return digits;
}

// Checks that Number(x) reads back as x, has to_chars' shortest digits, and
// is in the form Go chooses for its magnitude.
void CheckNumber(double x) {
  const std::string text = Number(x);
  SCOPED_TRACE("x = " + std::to_string(x) + ", text = " + text);
  char* end = nullptr;
  const double back = std::strtod(text.c_str(), &end);
  ASSERT_EQ(end, text.c_str() + text.size());
  EXPECT_EQ(back, x == 0 ? 0.0 : x);
  EXPECT_EQ(std::signbit(back), x != 0 && std::signbit(x));

  char shortest[32];
  char* shortest_end = std::to_chars(shortest, shortest + sizeof(shortest), x,
                                     std::chars_format::scientific)
                           .ptr;
  EXPECT_EQ(SignificantDigits(text), SignificantDigits(std::string_view(
                                         shortest, shortest_end - shortest)));

  const double abs = std::fabs(x);
  const bool plain = abs == 0 || (abs >= 1e-6 && abs < 1e21);
  const size_t e = text.find('e');
  EXPECT_EQ(e == std::string::npos, plain);
  if (e != std::string::npos) {
    // "e+21", "e-7": an explicit sign and no padding.
    ASSERT_LT(e + 2, text.size());
    EXPECT_TRUE(text[e + 1] == '+' || text[e + 1] == '-');
    EXPECT_NE(text[e + 2], '0');
    EXPECT_NE(text[e - 1], '0');  // no trailing zeros in the mantissa
  } else if (text.find('.') != std::string::npos) {
    EXPECT_NE(text.back(), '0');
    EXPECT_NE(text.back(), '.');
  }
  EXPECT_EQ(text.find('+'), text.find("e+") == std::string::npos
                                ? std::string::npos
                                : text.find("e+") + 1);
}

TEST(JsonNumberTest, RandomBitPatternsRoundTrip) {
  std::mt19937_64 rng(20200916);
  for (int i = 0; i < 200000; ++i) {
    const double x = std::bit_cast<double>(rng());
    if (!std::isfinite(x)) continue;
    CheckNumber(x);
    if (::testing::Test::HasFailure()) return;
  }
}

TEST(JsonNumberTest, RandomMoneyAndBoundariesRoundTrip) {
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<int64_t> cents(0, 100000000000);
  std::uniform_real_distribution<double> mantissa(1, 10);
  std::uniform_int_distribution<int> exponent(-12, 25);
  for (int i = 0; i < 100000; ++i) {
    CheckNumber(static_cast<double>(cents(rng)) / 100);
    CheckNumber(mantissa(rng) * std::pow(10.0, exponent(rng)));
    if (::testing::Test::HasFailure()) return;
  }
  // Around the switches between plain and exponent form.
  for (double edge : {1e-6, 1e21}) {
    double x = edge;
    for (int i = 0; i < 20; ++i) x = std::nextafter(x, 0.0);
    for (int i = 0; i < 40; ++i) {
      CheckNumber(x);
      CheckNumber(-x);
      x = std::nextafter(x, INFINITY);
    }
  }
}

// Decimals with few digits after the point, and their neighbours, which the
// writer formats without to_chars: the digits must still be to_chars'.
TEST(JsonNumberTest, FewDecimalsAndNeighboursRoundTrip) {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int> k_dist(0, 10);
  for (int i = 0; i < 200000; ++i) {
    const int k = k_dist(rng);
    // Integers of every size up to past 2^53.
    const uint64_t m = rng() >> (rng() % 64);
    const double x = static_cast<double>(m) / std::pow(10.0, k);
    CheckNumber(x);
    CheckNumber(std::nextafter(x, 0.0));
    CheckNumber(std::nextafter(x, INFINITY));
    if (::testing::Test::HasFailure()) return;
  }
}

// Powers of two over the fast path's whole range, where the spacing of
// doubles below is half that above, and their neighbours; and the ends of the
// fast path's range.
TEST(JsonNumberTest, PowersOfTwoAndTheirNeighboursRoundTrip) {
  for (int e = -21; e <= 26; ++e) {
    const double x = std::ldexp(1.0, e);
    double near = x;
    for (int i = 0; i < 8; ++i) near = std::nextafter(near, 0.0);
    for (int i = 0; i < 16; ++i) {
      CheckNumber(near);
      near = std::nextafter(near, INFINITY);
    }
    // Decimals with few digits just below and above the power.
    for (double d : {1e-8, 1e-6, 1e-4, 1e-2, 1.0}) {
      CheckNumber(x - d);
      CheckNumber(x + d);
    }
  }
  CheckNumber(33554431.99999999);
  CheckNumber(33554432.5);
  EXPECT_EQ(Number(0.00000123), "0.00000123");
  EXPECT_EQ(Number(0.5), "0.5");
  EXPECT_EQ(Number(1), "1");
}

// ---- Strings ----

TEST(JsonStringTest, PlainTextPassesThrough) {
  for (bool escape_html : {true, false}) {
    EXPECT_EQ(Quoted("", escape_html), R"("")");
    EXPECT_EQ(Quoted("cn-qingdao", escape_html), R"("cn-qingdao")");
    EXPECT_EQ(Quoted("/ ~ {}[]'=\x7f", escape_html), "\"/ ~ {}[]'=\x7f\"");
  }
}

// '<', '>' and '&' as Go's json.Marshal writes them by default, and as they
// are when asked: in short strings (checked byte by byte) and long ones
// (checked a word at a time).
TEST(JsonStringTest, HtmlCharactersEscapedAsGoDoesByDefault) {
  EXPECT_EQ(Quoted("<a href='x'>&amp;</a>"),
            R"("\u003ca href='x'\u003e\u0026amp;\u003c/a\u003e")");
  EXPECT_EQ(Quoted("<&>"), R"("\u003c\u0026\u003e")");
  EXPECT_EQ(Quoted("a<b", false), R"("a<b")");
  EXPECT_EQ(Quoted("<a href='x'>&amp;</a>", false),
            R"("<a href='x'>&amp;</a>")");
  EXPECT_EQ(Quoted("华东 & <中文>"), "\"华东 \\u0026 \\u003c中文\\u003e\"");
  EXPECT_EQ(Quoted("\n&\u2028", false), R"("\n&\u2028")");
  EXPECT_EQ(Quoted("\n&\u2028"), R"("\n\u0026\u2028")");
}

TEST(JsonStringTest, EscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(Quoted("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(Quoted("\n\r\t"), R"("\n\r\t")");
  EXPECT_EQ(Quoted(std::string_view("\0\x01\x1f", 3)),
            R"("\u0000\u0001\u001f")");
  EXPECT_EQ(Quoted("\b\f\x0b\x1b"), R"("\u0008\u000c\u000b\u001b")");
  EXPECT_EQ(Quoted("x\ny\"z"), R"("x\ny\"z")");
  // Every control character: \n \r \t short, the rest \u00xx.
  for (int c = 0; c < 0x20; ++c) {
    const std::string text(1, static_cast<char>(c));
    const std::string out = Quoted(text);
    if (c == '\n' || c == '\r' || c == '\t') {
      EXPECT_EQ(out.size(), 4u) << c;
    } else {
      char want[16];
      std::snprintf(want, sizeof(want), "\"\\u%04x\"", c);
      EXPECT_EQ(out, want);
    }
  }
}

TEST(JsonStringTest, Utf8PassesThroughExceptLineSeparators) {
  EXPECT_EQ(Quoted("华东1（青岛）"), "\"华东1（青岛）\"");
  EXPECT_EQ(Quoted("ok \xF0\x9F\x98\x80!"),
            "\"ok \xF0\x9F\x98\x80!\"");  // U+1F600
  EXPECT_EQ(Quoted("\xC2\x80\xDF\xBF"),
            "\"\xC2\x80\xDF\xBF\"");                      // U+0080, U+07FF
  EXPECT_EQ(Quoted("\xEF\xBF\xBD"), "\"\xEF\xBF\xBD\"");  // U+FFFD itself
  EXPECT_EQ(Quoted("\xF4\x8F\xBF\xBF"), "\"\xF4\x8F\xBF\xBF\"");  // U+10FFFF
  EXPECT_EQ(Quoted("a\u2028b\u2029c"), R"("a\u2028b\u2029c")");
  // The neighbours of U+2028/U+2029 are not escaped.
  EXPECT_EQ(Quoted("\u2027\u202a"), "\"\u2027\u202a\"");
}

TEST(JsonStringTest, InvalidUtf8BecomesReplacementPerByte) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"\xff", R"("\ufffd")"},
      {"a\x80z", R"("a\ufffdz")"},
      {"\xC0\xAF", R"("\ufffd\ufffd")"},            // overlong '/'
      {"\xE0\x80\xAF", R"("\ufffd\ufffd\ufffd")"},  // overlong
      {"\xED\xA0\x80", R"("\ufffd\ufffd\ufffd")"},  // surrogate U+D800
      {"\xF4\x90\x80\x80", R"("\ufffd\ufffd\ufffd\ufffd")"},  // > U+10FFFF
      {"\xF5\x80", R"("\ufffd\ufffd")"},
      {"\xE2\x82", R"("\ufffd\ufffd")"},            // truncated at the end
      {"\xE2\x80x", R"("\ufffd\ufffdx")"},          // cut short by 'x'
      {"\xF0\x9F\x98", R"("\ufffd\ufffd\ufffd")"},  // truncated emoji
      {"\xE4\xB8\xAD\xFF\xE6\x96\x87", "\"\xE4\xB8\xAD\\ufffd\xE6\x96\x87\""},
  };
  for (auto [in, want] : cases) {
    EXPECT_EQ(Quoted(in), want);
  }
}

// Plain text is checked and copied 8 bytes at a time, the last word
// overlapping: every byte value at every position of every length up to a
// few words must be written exactly as on its own.
TEST(JsonStringTest, EveryByteAtEveryPositionOfShortStrings) {
  for (bool escape_html : {true, false}) {
    for (int c = 0; c < 256; ++c) {
      const std::string alone =
          Quoted(std::string(1, static_cast<char>(c)), escape_html);
      const std::string_view escaped(alone.data() + 1, alone.size() - 2);
      for (size_t size = 1; size <= 26; ++size) {
        for (size_t at = 0; at < size; ++at) {
          std::string in(size, 'a' + at % 26);
          in[at] = static_cast<char>(c);
          const std::string want = "\"" + in.substr(0, at) +
                                   std::string(escaped) + in.substr(at + 1) +
                                   "\"";
          ASSERT_EQ(Quoted(in, escape_html), want)
              << "byte " << c << " at " << at << " of " << size
              << (escape_html ? "" : " (HTML characters as they are)");
        }
      }
    }
  }
}

TEST(JsonStringTest, LongMixedTextKeepsEveryRun) {
  std::string in, want = "\"";
  for (int i = 0; i < 100; ++i) {
    in += "abc\xE4\xB8\xAD\"\n\u2028\xFF";
    want += "abc\xE4\xB8\xAD\\\"\\n\\u2028\\ufffd";
  }
  want += "\"";
  EXPECT_EQ(Quoted(in), want);
}

// ---- Request ids ----

TEST(RequestIdTest, SixteenAlphanumerics) {
  for (int i = 0; i < 1000; ++i) {
    const std::string id = NewRequestId();
    ASSERT_EQ(id.size(), 16u);
    for (char c : id) {
      ASSERT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << id;
    }
  }
}

TEST(RequestIdTest, IdsDifferAcrossCallsAndThreads) {
  EXPECT_NE(NewRequestId(), NewRequestId());
  std::vector<std::vector<std::string>> ids(4);
  std::vector<std::thread> threads;
  for (auto& list : ids) {
    threads.emplace_back([&list] {
      for (int i = 0; i < 1000; ++i) list.push_back(NewRequestId());
    });
  }
  for (std::thread& t : threads) t.join();
  std::set<std::string> unique;
  for (const auto& list : ids) unique.insert(list.begin(), list.end());
  EXPECT_EQ(unique.size(), 4000u);
}

TEST(RequestIdTest, UsesTheWholeAlphabet) {
  std::set<char> seen;
  for (int i = 0; i < 1000; ++i) {
    for (char c : NewRequestId()) seen.insert(c);
  }
  EXPECT_EQ(seen.size(), 62u);
}

}  // namespace
}  // namespace orderstore

namespace orderstore {
namespace {

TEST(ListResponseWriterTest, ManyOrdersStreamAsTheDocumentedArrayForm) {
  std::string record = internal::EncodeRecord(testing::ExampleOrder());
  OrderView view = *VerifyRecord(record);
  std::string single;
  AppendOrderJson(view, &single);

  std::string out;
  ListResponseWriter list("TRBUBYEtcQWEg18W", &out);
  list.Add(view);
  std::string flushed = out;  // the caller may write out and clear
  out.clear();
  list.Add(view);
  list.Finish();
  EXPECT_EQ(flushed + out, "{\"data\":[" + single + "," + single +
                               "],\"request_id\":\"TRBUBYEtcQWEg18W\"}");

  std::string empty;
  ListResponseWriter none("r", &empty);
  none.Finish();
  EXPECT_EQ(empty, R"({"data":[],"request_id":"r"})");
  std::string empty_pretty;
  ListResponseWriter none_pretty("r", &empty_pretty, {.pretty = true});
  none_pretty.Finish();
  EXPECT_EQ(empty_pretty, "{\n  \"data\": [],\n  \"request_id\": \"r\"\n}");
}

TEST(ListResponseWriterTest, PrettyIndentsOrdersInsideTheArray) {
  Order order;
  order.hash = *OrderHash::Parse("0123456789abcdef0123456789abcdef");
  std::string record = internal::EncodeRecord(order);
  OrderView view = *VerifyRecord(record);
  std::string out;
  ListResponseWriter list("r", &out, {.pretty = true});
  list.Add(view);
  list.Finish();
  EXPECT_EQ(out,
            "{\n"
            "  \"data\": [\n"
            "    {\n"
            "      \"order\": \"0123456789abcdef0123456789abcdef\",\n"
            "      \"fee\": 0,\n"
            "      \"c_fee\": 0,\n"
            "      \"create_time\": \"0001-01-01T00:00:00Z\",\n"
            "      \"pay_time\": \"0001-01-01T00:00:00Z\",\n"
            "      \"cancel_time\": \"0001-01-01T00:00:00Z\",\n"
            "      \"expire_time\": \"0001-01-01T00:00:00Z\",\n"
            "      \"status\": \"new\",\n"
            "      \"items\": []\n"
            "    }\n"
            "  ],\n"
            "  \"request_id\": \"r\"\n"
            "}");
}

}  // namespace
}  // namespace orderstore
