// RFC 3339 times (SPEC §2): parsing, writing and validating Timestamp.
//
// The calendar is Boost.Date_Time's Gregorian one. It covers the years 1400 to
// 9999 and throws outside them or for an impossible date, so every call into
// it is either guarded by a range check or wrapped in a catch: no exception
// leaves this file. Go's zero time (year 1, "not set") is handled before Boost
// ever sees it.
#include <boost/date_time/gregorian/gregorian.hpp>
#include <array>
#include <cassert>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "lib/text.h"
#include "orderstore/order.h"

namespace orderstore {
namespace {

constexpr int64_t kSecondsPerDay = 86400;
// Boost's day_number() of 1970-01-01 (its Julian day number).
constexpr int64_t kUnixEpochDayNumber = 2440588;
// 1400-01-01 and 9999-12-31, the ends of Boost's calendar, in days since
// 1970-01-01. A set time's local date must lie between them.
constexpr int64_t kMinLocalDay = -208188;
constexpr int64_t kMaxLocalDay = 2932896;
constexpr int kMaxOffsetMinutes = 23 * 60 + 59;

constexpr std::string_view kUnsetText = "0001-01-01T00:00:00Z";

// Floor division, so that times before 1970 fall on the right day.
int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// The same bounds in seconds, local time, and in UTC with a day to spare
// either side (offsets stay within a day), so that checks need no division
// and adding the offset to a time within the UTC bounds cannot overflow.
constexpr int64_t kMinLocalSeconds = kMinLocalDay * kSecondsPerDay;
constexpr int64_t kEndLocalSeconds = (kMaxLocalDay + 1) * kSecondsPerDay;
constexpr int64_t kMinUtcSeconds = kMinLocalSeconds - kSecondsPerDay;
constexpr int64_t kEndUtcSeconds = kEndLocalSeconds + kSecondsPerDay;

// Why `t` (a set time) cannot be written, or nullptr if it can. Shared by
// ValidateTimestamp and FormatTimestamp, so that the latter's guard costs no
// allocation. Only comparisons: record verification runs it ten times a get.
const char* WhyInvalid(const Timestamp& t) {
  if (t.nanos < 0 || t.nanos > 999'999'999) {
    return "nanos outside 0..999999999";
  }
  if (t.offset_minutes < -kMaxOffsetMinutes ||
      t.offset_minutes > kMaxOffsetMinutes) {
    return "offset_minutes outside -1439..1439";
  }
  if (t.unix_seconds < kMinUtcSeconds || t.unix_seconds >= kEndUtcSeconds) {
    return "local date outside the years 1400..9999";
  }
  const int64_t local = t.unix_seconds + t.offset_minutes * 60;
  if (local < kMinLocalSeconds || local >= kEndLocalSeconds) {
    return "local date outside the years 1400..9999";
  }
  return nullptr;
}

// Reads the text left to right; each Read* consumes only on success.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  bool AtEnd() const { return pos_ == text_.size(); }
  bool Peek(char c) const { return pos_ < text_.size() && text_[pos_] == c; }
  bool Consume(char c) {
    if (!Peek(c)) return false;
    ++pos_;
    return true;
  }
  // Exactly `n` ASCII digits (no signs, no spaces) as a number.
  bool ReadDigits(int n, int* value) {
    if (text_.size() - pos_ < static_cast<size_t>(n)) return false;
    int v = 0;
    for (int i = 0; i < n; ++i) {
      char c = text_[pos_ + i];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    pos_ += n;
    *value = v;
    return true;
  }
  // As many ASCII digits as follow, at most 10 so `count` can show "too
  // many"; the first 9 give `nanos`, scaled as a fraction of a second.
  void ReadFraction(int* count, int32_t* nanos) {
    int32_t v = 0;
    int n = 0;
    while (n < 10 && pos_ < text_.size() && text_[pos_] >= '0' &&
           text_[pos_] <= '9') {
      if (n < 9) v = v * 10 + (text_[pos_] - '0');
      ++n;
      ++pos_;
    }
    for (int i = n; i < 9; ++i) v *= 10;
    *count = n;
    *nanos = v;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

Status BadTime(std::string_view text, const std::string& why) {
  return Status::InvalidArgument("invalid time " + internal::Quote(text) +
                                 ": " + why);
}

// "00" to "99", so that digits are written two at a time.
constexpr std::array<char, 200> MakeDigitPairs() {
  std::array<char, 200> pairs{};
  for (int i = 0; i < 100; ++i) {
    pairs[2 * i] = static_cast<char>('0' + i / 10);
    pairs[2 * i + 1] = static_cast<char>('0' + i % 10);
  }
  return pairs;
}
constexpr std::array<char, 200> kDigitPairs = MakeDigitPairs();

// Writes `value` (>= 0) as exactly `width` decimal digits.
char* WriteDigits(int value, int width, char* out) {
  int i = width;
  for (; i >= 2; i -= 2) {
    std::memcpy(out + i - 2, &kDigitPairs[2 * (value % 100)], 2);
    value /= 100;
  }
  if (i == 1) out[0] = static_cast<char>('0' + value % 10);
  return out + width;
}

struct CivilDate {
  int year, month, day;
};

// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's
// civil_from_days, exact for the whole proleptic calendar). Agrees with
// Boost's calendar, which ParseTimestamp uses: time_test.cc's random round
// trips cover 1400..9999.
CivilDate CivilFromDays(int64_t days) {
  days += 719468;  // days from 0000-03-01 to 1970-01-01
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t day_of_era = days - era * 146097;  // [0, 146096]
  const int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 -
       day_of_era / 146096) /
      365;  // [0, 399]
  const int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t shifted_month = (5 * day_of_year + 2) / 153;  // March = 0
  CivilDate date;
  date.day = static_cast<int>(day_of_year - (153 * shifted_month + 2) / 5 + 1);
  date.month = static_cast<int>(shifted_month < 10 ? shifted_month + 3
                                                   : shifted_month - 9);
  date.year = static_cast<int>(year_of_era + era * 400 + (date.month <= 2));
  return date;
}

}  // namespace

Result<Timestamp> ParseTimestamp(std::string_view text) {
  // First the shape, YYYY-MM-DDTHH:MM:SS[.F{1,9}](Z|+hh:mm|-hh:mm) ...
  Scanner in(text);
  int year, month, day, hour, minute, second;
  if (!in.ReadDigits(4, &year) || !in.Consume('-') ||
      !in.ReadDigits(2, &month) || !in.Consume('-') ||
      !in.ReadDigits(2, &day)) {
    return BadTime(text, "want a date YYYY-MM-DD");
  }
  if (!in.Consume('T')) {
    return BadTime(text, "want 'T' between the date and the time");
  }
  if (!in.ReadDigits(2, &hour) || !in.Consume(':') ||
      !in.ReadDigits(2, &minute)) {
    return BadTime(text, "want a time of day HH:MM:SS");
  }
  if (!in.Consume(':')) return BadTime(text, "missing seconds");
  if (!in.ReadDigits(2, &second)) {
    return BadTime(text, "want a time of day HH:MM:SS");
  }
  Timestamp t;
  if (in.Consume('.')) {
    int digits;
    in.ReadFraction(&digits, &t.nanos);
    if (digits == 0) return BadTime(text, "no digits after '.'");
    if (digits > 9) return BadTime(text, "more than 9 fraction digits");
  }
  if (in.AtEnd()) {
    return BadTime(text, "missing UTC offset (Z, +hh:mm or -hh:mm)");
  }
  int offset_hours = 0, offset_minutes = 0;
  if (!in.Consume('Z')) {
    bool negative = in.Peek('-');
    if (!(in.Consume('+') || in.Consume('-')) ||
        !in.ReadDigits(2, &offset_hours) || !in.Consume(':') ||
        !in.ReadDigits(2, &offset_minutes)) {
      return BadTime(text, "want a UTC offset Z, +hh:mm or -hh:mm");
    }
    if (offset_hours > 23) return BadTime(text, "offset hour above 23");
    if (offset_minutes > 59) return BadTime(text, "offset minute above 59");
    // "-00:00" becomes 0 here, and is written back as "Z".
    t.offset_minutes = static_cast<int16_t>(
        (negative ? -1 : 1) * (offset_hours * 60 + offset_minutes));
  }
  if (!in.AtEnd()) return BadTime(text, "trailing text after the UTC offset");

  // ... then the values. Go's zero time means "not set"; it lies outside
  // Boost's calendar, so it must be recognized before the year check.
  if (year == 1 && month == 1 && day == 1 && hour == 0 && minute == 0 &&
      second == 0 && t.nanos == 0 && t.offset_minutes == 0) {
    return Timestamp::Unset();
  }
  if (year < 1400 || year > 9999) {
    return BadTime(text, "year outside 1400..9999");
  }
  if (month < 1 || month > 12) return BadTime(text, "month outside 01..12");
  int64_t day_number;
  try {
    // Throws for a day the month does not have (2021-02-29).
    day_number = boost::gregorian::date(year, month, day).day_number();
  } catch (...) {
    return BadTime(text, "day " + std::to_string(day) + " does not exist in " +
                             std::string(text.substr(0, 7)));
  }
  if (hour > 23) return BadTime(text, "hour above 23");
  if (minute > 59) return BadTime(text, "minute above 59");
  // Like Go, no leap seconds.
  if (second > 59) return BadTime(text, "second above 59");

  int64_t local_seconds = (day_number - kUnixEpochDayNumber) * kSecondsPerDay +
                          hour * 3600 + minute * 60 + second;
  t.unix_seconds = local_seconds - t.offset_minutes * 60;
  return t;
}

char* FormatTimestamp(const Timestamp& t, char* out) {
  if (!t.is_set()) {
    std::memcpy(out, kUnsetText.data(), kUnsetText.size());
    return out + kUnsetText.size();
  }
  // The exporter calls this 8 times an order, so the date comes from
  // arithmetic, not from Boost (whose conversion re-checks its range on
  // every call), and the guard is WhyInvalid's few comparisons, once.
  if (WhyInvalid(t) != nullptr) {
    assert(false && "FormatTimestamp needs a valid time");
    // A broken precondition in a release build: the digits would be
    // nonsense. Write "not set" rather than a wrong date.
    std::memcpy(out, kUnsetText.data(), kUnsetText.size());
    return out + kUnsetText.size();
  }
  const int64_t local = t.unix_seconds + t.offset_minutes * 60;
  const int64_t day = FloorDiv(local, kSecondsPerDay);
  int seconds_of_day = static_cast<int>(local - day * kSecondsPerDay);
  const CivilDate ymd = CivilFromDays(day);

  out = WriteDigits(ymd.year, 4, out);
  *out++ = '-';
  out = WriteDigits(ymd.month, 2, out);
  *out++ = '-';
  out = WriteDigits(ymd.day, 2, out);
  *out++ = 'T';
  out = WriteDigits(seconds_of_day / 3600, 2, out);
  *out++ = ':';
  out = WriteDigits(seconds_of_day / 60 % 60, 2, out);
  *out++ = ':';
  out = WriteDigits(seconds_of_day % 60, 2, out);
  if (t.nanos != 0) {
    *out++ = '.';
    out = WriteDigits(t.nanos, 9, out);
    while (out[-1] == '0') --out;  // stops at a nonzero digit: nanos != 0
  }
  if (t.offset_minutes == 0) {
    *out++ = 'Z';
  } else {
    int offset = t.offset_minutes;
    *out++ = offset < 0 ? '-' : '+';
    if (offset < 0) offset = -offset;
    out = WriteDigits(offset / 60, 2, out);
    *out++ = ':';
    out = WriteDigits(offset % 60, 2, out);
  }
  return out;
}

std::string FormatTimestamp(const Timestamp& t) {
  char buffer[Timestamp::kMaxTextSize];
  return std::string(buffer, FormatTimestamp(t, buffer));
}

Status ValidateTimestamp(const Timestamp& t) {
  if (!t.is_set()) return Status::OK();
  const char* why = WhyInvalid(t);
  if (why == nullptr) return Status::OK();
  return Status::InvalidArgument(
      std::string("invalid time: ") + why + " (unix_seconds " +
      std::to_string(t.unix_seconds) + ", nanos " + std::to_string(t.nanos) +
      ", offset_minutes " + std::to_string(t.offset_minutes) + ")");
}

}  // namespace orderstore
