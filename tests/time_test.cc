// Tests for ParseTimestamp, FormatTimestamp, ValidateTimestamp (the time
// format of docs/contract.md) and InstantBefore, and the verifier's
// IsValidTimestamp beside the third.
#include <cinttypes>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <string_view>

#include "lib/time.h"
#include "orderstore/order.h"
#include "tests/test_util.h"

namespace orderstore {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date, and back (Howard
// Hinnant's algorithms): an oracle independent of Boost.
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, int* m, int* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

// The text a time should be written as, computed without the library.
std::string ReferenceFormat(const Timestamp& t) {
  int64_t local = t.unix_seconds + t.offset_minutes * 60;
  int64_t day = local / 86400 - (local % 86400 < 0 ? 1 : 0);
  int64_t sod = local - day * 86400;
  int64_t y;
  int m, d;
  CivilFromDays(day, &y, &m, &d);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04" PRId64 "-%02d-%02dT%02d:%02d:%02d", y,
                m, d, static_cast<int>(sod / 3600),
                static_cast<int>(sod / 60 % 60), static_cast<int>(sod % 60));
  std::string s = buf;
  if (t.nanos != 0) {
    std::snprintf(buf, sizeof(buf), ".%09d", t.nanos);
    std::string frac = buf;
    while (frac.back() == '0') frac.pop_back();
    s += frac;
  }
  if (t.offset_minutes == 0) {
    s += 'Z';
  } else {
    int off = t.offset_minutes < 0 ? -t.offset_minutes : t.offset_minutes;
    std::snprintf(buf, sizeof(buf), "%c%02d:%02d",
                  t.offset_minutes < 0 ? '-' : '+', off / 60, off % 60);
    s += buf;
  }
  return s;
}

// ASSERT_OK/EXPECT_OK keep a reference to their argument's status, so they
// are only given named values here, never temporaries.
void ExpectValid(const Timestamp& t) {
  Status status = ValidateTimestamp(t);
  EXPECT_OK(status);
  EXPECT_TRUE(internal::IsValidTimestamp(t));  // the verifier's check
}

Timestamp Parsed(std::string_view text) {
  Result<Timestamp> t = ParseTimestamp(text);
  EXPECT_OK(t);
  return t.ok() ? *t : Timestamp::Unset();
}

// Parsing `text` succeeds, and writing the result gives `want`.
void ExpectRoundTrip(std::string_view text, std::string_view want) {
  Result<Timestamp> t = ParseTimestamp(text);
  ASSERT_OK(t);
  Status valid = ValidateTimestamp(*t);
  EXPECT_OK(valid);
  EXPECT_EQ(FormatTimestamp(*t), want) << "parsed from " << text;
}
void ExpectRoundTrip(std::string_view text) { ExpectRoundTrip(text, text); }

// Parsing `text` fails with InvalidArgument quoting it (as `quoted`, if
// given) and saying `why`.
void ExpectRejected(std::string_view text, std::string_view why,
                    std::string quoted = "") {
  Result<Timestamp> t = ParseTimestamp(text);
  ASSERT_FALSE(t.ok()) << "accepted " << text;
  EXPECT_TRUE(t.status().IsInvalidArgument()) << t.status().ToString();
  if (quoted.empty()) quoted = "\"" + std::string(text) + "\"";
  EXPECT_NE(t.status().message().find(quoted), std::string::npos)
      << t.status().message();
  EXPECT_NE(t.status().message().find(why), std::string::npos)
      << t.status().message();
}

TEST(TimestampTest, SeedExamples) {
  Timestamp t = Parsed("2020-09-16T11:57:18Z");
  EXPECT_EQ(t.unix_seconds, 1600257438);
  EXPECT_EQ(t.nanos, 0);
  EXPECT_EQ(t.offset_minutes, 0);
  EXPECT_EQ(FormatTimestamp(t), "2020-09-16T11:57:18Z");

  t = Parsed("2020-09-23T19:57:18+08:00");
  EXPECT_EQ(t.unix_seconds, 1600862238);
  EXPECT_EQ(t.offset_minutes, 480);
  EXPECT_EQ(FormatTimestamp(t), "2020-09-23T19:57:18+08:00");

  ExpectRoundTrip("2020-09-17T14:58:22Z");
  ExpectRoundTrip("2020-10-18T00:00:00Z");
}

TEST(InstantBeforeTest, ComparesInstantsNotText) {
  EXPECT_TRUE(InstantBefore(Parsed("2020-09-16T19:57:17+08:00"),
                            Parsed("2020-09-16T11:57:18Z")));
  // The same instant, written with two offsets.
  EXPECT_FALSE(InstantBefore(Parsed("2020-09-16T19:57:18+08:00"),
                             Parsed("2020-09-16T11:57:18Z")));
  EXPECT_FALSE(InstantBefore(Parsed("2020-09-16T11:57:18Z"),
                             Parsed("2020-09-16T19:57:18+08:00")));
  EXPECT_TRUE(InstantBefore(Parsed("2020-09-16T11:57:18.1Z"),
                            Parsed("2020-09-16T11:57:18.2Z")));
  EXPECT_TRUE(
      InstantBefore(Timestamp::Unset(), Parsed("1400-01-01T00:00:00Z")));
  static_assert(InstantBefore(Timestamp::Unset(), Timestamp{.unix_seconds = 0}));
}

TEST(TimestampTest, ZeroTimeIsUnset) {
  for (std::string_view text :
       {"0001-01-01T00:00:00Z", "0001-01-01T00:00:00+00:00",
        "0001-01-01T00:00:00-00:00", "0001-01-01T00:00:00.0Z",
        "0001-01-01T00:00:00.000000000Z", "0001-01-01T00:00:00.00+00:00"}) {
    Result<Timestamp> t = ParseTimestamp(text);
    ASSERT_OK(t);
    EXPECT_EQ(*t, Timestamp::Unset()) << text;
    EXPECT_FALSE(t->is_set());
  }
  EXPECT_EQ(FormatTimestamp(Timestamp::Unset()), "0001-01-01T00:00:00Z");
  EXPECT_EQ(FormatTimestamp(Timestamp{}), "0001-01-01T00:00:00Z");
  EXPECT_EQ(Timestamp::Unset().unix_seconds, Timestamp::kUnsetSeconds);
  ExpectValid(Timestamp::Unset());
  // Anything else in year 1 is outside the calendar, not "unset".
  ExpectRejected("0001-01-01T00:00:00+08:00", "year");
  ExpectRejected("0001-01-01T00:00:00.5Z", "year");
  ExpectRejected("0001-01-01T00:00:01Z", "year");
  ExpectRejected("0001-01-02T00:00:00Z", "year");
}

TEST(TimestampTest, KnownInstants) {
  EXPECT_EQ(Parsed("1970-01-01T00:00:00Z").unix_seconds, 0);
  EXPECT_EQ(Parsed("1970-01-01T08:00:00+08:00").unix_seconds, 0);
  EXPECT_EQ(Parsed("1969-12-31T19:00:00-05:00").unix_seconds, 0);
  EXPECT_EQ(Parsed("1969-12-31T23:59:59Z").unix_seconds, -1);
  EXPECT_EQ(Parsed("2000-02-29T00:00:00Z").unix_seconds, 951782400);
  EXPECT_EQ(Parsed("1900-03-01T00:00:00Z").unix_seconds, -2203891200);
  EXPECT_EQ(Parsed("1400-01-01T00:00:00Z").unix_seconds, -17987443200);
  EXPECT_EQ(Parsed("9999-12-31T23:59:59Z").unix_seconds, 253402300799);
  // The same instant written with different offsets.
  Timestamp a = Parsed("2020-09-23T11:57:18Z");
  Timestamp b = Parsed("2020-09-23T17:42:18+05:45");
  Timestamp c = Parsed("2020-09-23T02:27:18-09:30");
  EXPECT_EQ(a.unix_seconds, 1600862238);
  EXPECT_EQ(b.unix_seconds, 1600862238);
  EXPECT_EQ(c.unix_seconds, 1600862238);
  EXPECT_EQ(b.offset_minutes, 5 * 60 + 45);
  EXPECT_EQ(c.offset_minutes, -(9 * 60 + 30));
}

TEST(TimestampTest, Offsets) {
  for (std::string_view text :
       {"2020-09-23T19:57:18-12:00", "2020-09-23T19:57:18-11:00",
        "2020-09-23T19:57:18-09:30", "2020-09-23T19:57:18-03:30",
        "2020-09-23T19:57:18-00:01", "2020-09-23T19:57:18+00:01",
        "2020-09-23T19:57:18+05:30", "2020-09-23T19:57:18+05:45",
        "2020-09-23T19:57:18+08:00", "2020-09-23T19:57:18+12:45",
        "2020-09-23T19:57:18+13:00", "2020-09-23T19:57:18+14:00",
        "2020-09-23T19:57:18+23:59", "2020-09-23T19:57:18-23:59"}) {
    ExpectRoundTrip(text);
  }
  for (int minutes = -12 * 60; minutes <= 14 * 60; minutes += 15) {
    Timestamp t{1600862238, 0, static_cast<int16_t>(minutes)};
    std::string text = FormatTimestamp(t);
    EXPECT_EQ(text, ReferenceFormat(t));
    EXPECT_EQ(Parsed(text), t) << text;
  }
  // A zero offset is always written "Z", and "-00:00" is stored as 0.
  ExpectRoundTrip("2020-09-23T19:57:18+00:00", "2020-09-23T19:57:18Z");
  ExpectRoundTrip("2020-09-23T19:57:18-00:00", "2020-09-23T19:57:18Z");
  EXPECT_EQ(Parsed("2020-09-23T19:57:18-00:00").offset_minutes, 0);
  EXPECT_EQ(Parsed("2020-09-23T19:57:18-00:00"),
            Parsed("2020-09-23T19:57:18Z"));
}

TEST(TimestampTest, Fractions) {
  const std::string base = "2020-09-16T11:57:18";
  const std::string digits = "123456789";
  for (size_t n = 1; n <= 9; ++n) {
    std::string text = base + "." + digits.substr(0, n) + "+08:00";
    Timestamp t = Parsed(text);
    int32_t want = std::stoi(digits.substr(0, n) + std::string(9 - n, '0'));
    EXPECT_EQ(t.nanos, want) << text;
    EXPECT_EQ(t.unix_seconds, 1600257438 - 8 * 3600);
    ExpectRoundTrip(text);
  }
  EXPECT_EQ(Parsed(base + ".000000001Z").nanos, 1);
  EXPECT_EQ(Parsed(base + ".5Z").nanos, 500000000);
  EXPECT_EQ(Parsed(base + ".05Z").nanos, 50000000);
  // Trailing zeros are dropped; an all-zero fraction is omitted.
  ExpectRoundTrip(base + ".500Z", base + ".5Z");
  ExpectRoundTrip(base + ".120000000Z", base + ".12Z");
  ExpectRoundTrip(base + ".000000100Z", base + ".0000001Z");
  ExpectRoundTrip(base + ".0Z", base + "Z");
  ExpectRoundTrip(base + ".000000000-05:00", base + "-05:00");
}

TEST(TimestampTest, CalendarBoundaries) {
  ExpectRoundTrip("1400-01-01T00:00:00Z");
  ExpectRoundTrip("1400-01-01T00:00:00+14:00");
  ExpectRoundTrip("1400-01-01T00:00:00-12:00");
  ExpectRoundTrip("9999-12-31T23:59:59.999999999Z");
  ExpectRoundTrip("9999-12-31T23:59:59.999999999+23:59");
  ExpectRoundTrip("9999-12-31T23:59:59.999999999-23:59");
  EXPECT_EQ(
      FormatTimestamp(Parsed("9999-12-31T23:59:59.999999999+23:59")).size(),
      Timestamp::kMaxTextSize);
  ExpectRejected("1399-12-31T23:59:59Z", "year");
  ExpectRejected("0000-01-01T00:00:00Z", "year");
  ExpectRejected("0999-06-15T12:00:00Z", "year");
  // 10000 does not fit the grammar's four digits.
  ExpectRejected("10000-01-01T00:00:00Z", "date");
}

TEST(TimestampTest, LeapDays) {
  ExpectRoundTrip("2020-02-29T12:00:00Z");
  ExpectRoundTrip("2000-02-29T00:00:00Z");
  ExpectRoundTrip("1600-02-29T00:00:00Z");
  ExpectRoundTrip("2024-02-29T23:59:59+05:45");
  ExpectRejected("2021-02-29T00:00:00Z", "day 29");
  ExpectRejected("1900-02-29T00:00:00Z", "day 29");
  ExpectRejected("2100-02-29T00:00:00Z", "day 29");
  ExpectRejected("2021-02-30T00:00:00Z", "day 30");
  ExpectRejected("2020-02-30T00:00:00Z", "day 30");
  ExpectRejected("2021-04-31T00:00:00Z", "day 31");
  ExpectRejected("2021-01-32T00:00:00Z", "day 32");
  ExpectRejected("2021-01-00T00:00:00Z", "day 0");
  EXPECT_EQ(Parsed("2020-03-01T00:00:00Z").unix_seconds -
                Parsed("2020-02-28T00:00:00Z").unix_seconds,
            2 * 86400);
  EXPECT_EQ(Parsed("2021-03-01T00:00:00Z").unix_seconds -
                Parsed("2021-02-28T00:00:00Z").unix_seconds,
            86400);
}

TEST(TimestampTest, RejectsOutOfRangeFields) {
  ExpectRejected("2021-00-10T00:00:00Z", "month");
  ExpectRejected("2021-13-10T00:00:00Z", "month");
  ExpectRejected("2021-01-10T24:00:00Z", "hour");
  ExpectRejected("2021-01-10T23:60:00Z", "minute");
  ExpectRejected("2021-01-10T23:59:60Z", "second");  // no leap seconds
  ExpectRejected("2016-12-31T23:59:60Z", "second");
  ExpectRejected("2021-01-10T23:59:99Z", "second");
  ExpectRejected("2021-01-10T12:00:00+24:00", "offset hour");
  ExpectRejected("2021-01-10T12:00:00-24:00", "offset hour");
  ExpectRejected("2021-01-10T12:00:00+99:00", "offset hour");
  ExpectRejected("2021-01-10T12:00:00+05:60", "offset minute");
  ExpectRejected("2021-01-10T12:00:00-05:99", "offset minute");
}

TEST(TimestampTest, RejectsMalformedText) {
  ExpectRejected("", "date");
  ExpectRejected("2021", "date");
  ExpectRejected("2021-01-10", "'T'");
  ExpectRejected("2021-01-10T12:00", "missing seconds");
  ExpectRejected("2021-01-10T12:00Z", "missing seconds");
  ExpectRejected("2021-01-10T12:00:0Z", "time of day");
  ExpectRejected("2021-01-10T12:00:00", "missing UTC offset");
  ExpectRejected("2021-01-10T12:00:00.5", "missing UTC offset");
  ExpectRejected("2021-01-10T12:00:00.Z", "no digits after '.'");
  ExpectRejected("2021-01-10T12:00:00.", "no digits after '.'");
  ExpectRejected("2021-01-10T12:00:00.1234567890Z", "more than 9");
  ExpectRejected("2021-01-10T12:00:00.123456789012345Z", "more than 9");
  ExpectRejected("2021-01-10T12:00:00ZZ", "trailing");
  ExpectRejected("2021-01-10T12:00:00Z ", "trailing");
  ExpectRejected("2021-01-10T12:00:00+08:00:00", "trailing");
  ExpectRejected("2021-01-10T12:00:00+08:00x", "trailing");
  ExpectRejected(std::string_view("2021-01-10T12:00:00Z\0", 21), "trailing",
                 "\"2021-01-10T12:00:00Z\\u0000\"");
  ExpectRejected(" 2021-01-10T12:00:00Z", "date");
  ExpectRejected("2021-01-10t12:00:00Z", "'T'");
  ExpectRejected("2021-01-10 12:00:00Z", "'T'");
  ExpectRejected("2021-01-10T12:00:00z", "UTC offset");
  ExpectRejected("2021-01-10T12:00:00+0800", "UTC offset");
  ExpectRejected("2021-01-10T12:00:00+8:00", "UTC offset");
  ExpectRejected("2021-01-10T12:00:00+08", "UTC offset");
  ExpectRejected("2021-01-10T12:00:00+08:0", "UTC offset");
  ExpectRejected("2021-01-10T12:00:00UTC", "UTC offset");
  // Signs and spaces inside numbers.
  ExpectRejected("+021-01-10T12:00:00Z", "date");
  ExpectRejected("2021-+1-10T12:00:00Z", "date");
  ExpectRejected("2021-01- 1T12:00:00Z", "date");
  ExpectRejected("2021-1-10T12:00:00Z", "date");
  ExpectRejected("2021-01-10T-1:00:00Z", "time of day");
  ExpectRejected("2021-01-10T12: 0:00Z", "time of day");
  ExpectRejected("2021-01-10T12:00:+1Z", "time of day");
  ExpectRejected("2021-01-10T12:00:00.-5Z", "no digits after '.'");
  ExpectRejected("2021-01-10T12:00:00+-8:00", "UTC offset");
  ExpectRejected("2021-01-10T12:00:00+08: 0", "UTC offset");
  // A long input is quoted cut short, and still rejected.
  Result<Timestamp> t =
      ParseTimestamp("2021-01-10T12:00:00Z" + std::string(200, 'x'));
  ASSERT_FALSE(t.ok());
  EXPECT_TRUE(t.status().IsInvalidArgument());
  EXPECT_NE(t.status().message().find("\"2021-01-10T12:00:00Zxxx"),
            std::string::npos);
  EXPECT_LT(t.status().message().size(), 200u);
}

TEST(TimestampTest, Validate) {
  ExpectValid(Timestamp::Unset());
  ExpectValid(Timestamp{0, 0, 0});
  ExpectValid(Timestamp{0, 999999999, 1439});
  ExpectValid(Timestamp{0, 0, -1439});
  // The local date decides: 1400-01-01T00:00 local is valid whatever the
  // offset, even though its instant is in 1399 UTC.
  ExpectValid(Timestamp{-17987443200 - 14 * 3600, 0, 14 * 60});
  ExpectValid(Timestamp{253402300799 + 23 * 3600, 0, -23 * 60});

  auto expect_invalid = [](const Timestamp& t, std::string_view why) {
    Status s = ValidateTimestamp(t);
    EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
    EXPECT_NE(s.message().find(why), std::string::npos) << s.message();
    EXPECT_FALSE(internal::IsValidTimestamp(t));
  };
  expect_invalid({0, -1, 0}, "nanos");
  expect_invalid({0, 1000000000, 0}, "nanos");
  expect_invalid({0, 0, 1440}, "offset");
  expect_invalid({0, 0, -1440}, "offset");
  expect_invalid({0, 0, 32767}, "offset");
  // Local 1399-12-31T23:59:59 and 10000-01-01T00:00:00.
  expect_invalid({-17987443200 - 1, 0, 0}, "local date");
  expect_invalid({-17987443200 + 60, 0, -2}, "local date");
  expect_invalid({253402300800, 0, 0}, "local date");
  expect_invalid({253402300799 - 59, 0, 1}, "local date");
  // Near-unset values that are not Unset(), and extremes that must not
  // overflow.
  expect_invalid({Timestamp::kUnsetSeconds, 1, 0}, "local date");
  expect_invalid({Timestamp::kUnsetSeconds, 0, 60}, "local date");
  expect_invalid({INT64_MAX, 0, 1439}, "local date");
  expect_invalid({INT64_MIN, 0, -1439}, "local date");
}

// Every day of the range is written with the date the independent calendar
// gives (FormatTimestamp's calendar arithmetic has no other check as tight);
// the time of day and the offset vary from day to day.
TEST(TimestampTest, EveryDayOfTheRange) {
  const int64_t min_day = DaysFromCivil(1400, 1, 1);
  const int64_t max_day = DaysFromCivil(9999, 12, 31);
  auto number = [](const char* digits, int n) {
    int v = 0;
    for (int i = 0; i < n; ++i) v = v * 10 + (digits[i] - '0');
    return v;
  };
  for (int64_t day = min_day; day <= max_day; ++day) {
    // Both in range for negative days too.
    const int64_t second_of_day = (day * 7919 % 86400 + 86400) % 86400;
    const int64_t local = day * 86400 + second_of_day;
    const int offset = static_cast<int>((day % 1440 + 1440) % 1440) - 720;
    Timestamp t{local - offset * 60, 0, static_cast<int16_t>(offset)};
    char buf[Timestamp::kMaxTextSize];
    ASSERT_GE(FormatTimestamp(t, buf) - buf, 20);
    int64_t y;
    int m, d;
    CivilFromDays(day, &y, &m, &d);
    ASSERT_EQ(number(buf, 4), y) << "day " << day;
    ASSERT_EQ(number(buf + 5, 2), m) << "day " << day;
    ASSERT_EQ(number(buf + 8, 2), d) << "day " << day;
    ASSERT_EQ(number(buf + 11, 2) * 3600 + number(buf + 14, 2) * 60 +
                  number(buf + 17, 2),
              second_of_day)
        << "day " << day;
    if (day % 997 == 0) {
      ASSERT_EQ(std::string(buf, FormatTimestamp(t, buf)), ReferenceFormat(t));
    }
  }
}

// Random valid times over the whole range: writing matches an independent
// formatter, and parsing the text gives the same time back.
TEST(TimestampTest, RandomRoundTrip) {
  std::mt19937_64 rng(20200916);
  const int64_t min_day = DaysFromCivil(1400, 1, 1);
  const int64_t max_day = DaysFromCivil(9999, 12, 31);
  ASSERT_EQ(min_day, -208188);
  ASSERT_EQ(max_day, 2932896);
  std::uniform_int_distribution<int64_t> day_dist(min_day, max_day);
  std::uniform_int_distribution<int64_t> second_dist(0, 86399);
  std::uniform_int_distribution<int> offset_dist(-1439, 1439);
  std::uniform_int_distribution<int> digits_dist(0, 9);
  std::uniform_int_distribution<int32_t> nanos_dist(0, 999999999);
  for (int i = 0; i < 5000; ++i) {
    // Bias towards the edges of the range and towards common offsets.
    int64_t day =
        i % 10 == 0 ? (i % 20 == 0 ? min_day : max_day) : day_dist(rng);
    int64_t local = day * 86400 + second_dist(rng);
    int offset = i % 3 == 0 ? 0 : offset_dist(rng);
    int32_t nanos = nanos_dist(rng);
    int keep = digits_dist(rng);  // 0 to 9 significant fraction digits
    for (int d = keep; d < 9; ++d) nanos = nanos / 10;
    for (int d = keep; d < 9; ++d) nanos = nanos * 10;
    Timestamp t{local - offset * 60, nanos, static_cast<int16_t>(offset)};
    Status valid = ValidateTimestamp(t);
    ASSERT_OK(valid);

    char buf[Timestamp::kMaxTextSize + 8];
    std::memset(buf, '#', sizeof(buf));
    char* end = FormatTimestamp(t, buf);
    ASSERT_LE(end - buf, static_cast<ptrdiff_t>(Timestamp::kMaxTextSize));
    ASSERT_EQ(buf[Timestamp::kMaxTextSize], '#');  // nothing written past
    std::string text(buf, end);
    ASSERT_EQ(text, ReferenceFormat(t));
    ASSERT_EQ(FormatTimestamp(t), text);

    Result<Timestamp> back = ParseTimestamp(text);
    ASSERT_OK(back);
    ASSERT_EQ(back->unix_seconds, t.unix_seconds) << text;
    ASSERT_EQ(back->nanos, t.nanos) << text;
    ASSERT_EQ(back->offset_minutes, t.offset_minutes) << text;
  }
}

// Random text of valid fields parses to the instant an independent
// calendar gives, and writes back the same text.
TEST(TimestampTest, RandomTextRoundTrip) {
  std::mt19937_64 rng(1600862238);
  auto uniform = [&rng](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  for (int i = 0; i < 3000; ++i) {
    int y = uniform(1400, 9999);
    int m = uniform(1, 12);
    int64_t month_days =
        DaysFromCivil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) -
        DaysFromCivil(y, m, 1);
    int d = uniform(1, static_cast<int>(month_days));
    int hh = uniform(0, 23), mm = uniform(0, 59), ss = uniform(0, 59);
    int offset = i % 4 == 0 ? 0 : uniform(-1439, 1439);
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d", y, m, d,
                  hh, mm, ss);
    std::string text = buf;
    int32_t nanos = 0;
    int digits = uniform(0, 9);
    if (digits > 0) {
      text += '.';
      int32_t scale = 100000000;
      for (int k = 0; k < digits; ++k, scale /= 10) {
        // The last digit is nonzero so the text is written back unchanged.
        int digit = k == digits - 1 ? uniform(1, 9) : uniform(0, 9);
        text += static_cast<char>('0' + digit);
        nanos += digit * scale;
      }
    }
    if (offset == 0) {
      text += 'Z';
    } else {
      int abs = offset < 0 ? -offset : offset;
      std::snprintf(buf, sizeof(buf), "%c%02d:%02d", offset < 0 ? '-' : '+',
                    abs / 60, abs % 60);
      text += buf;
    }
    Result<Timestamp> t = ParseTimestamp(text);
    ASSERT_OK(t);
    int64_t local = DaysFromCivil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss;
    ASSERT_EQ(t->unix_seconds, local - offset * 60) << text;
    ASSERT_EQ(t->nanos, nanos) << text;
    ASSERT_EQ(t->offset_minutes, offset) << text;
    ASSERT_EQ(FormatTimestamp(*t), text);
  }
}

}  // namespace
}  // namespace orderstore
