// RFC 3339 times (docs/contract.md, "Times"): parsing, writing and
// validating Timestamp.
//
// The calendar is Boost.Date_Time's Gregorian one. It covers the years 1400 to
// 9999 and throws outside them or for an impossible date, so every call into
// it is either guarded by a range check or wrapped in a catch: no exception
// leaves this file. Go's zero time (year 1, "not set") is handled before Boost
// ever sees it.
#include <boost/date_time/gregorian/gregorian.hpp>
#include <cassert>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "lib/digits.h"
#include "lib/text.h"
#include "lib/time.h"
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

// The same bounds in seconds, local time, and in UTC with a day to spare
// either side (offsets stay within a day), so that checks need no division
// and adding the offset to a time within the UTC bounds cannot overflow.
constexpr int64_t kMinLocalSeconds = kMinLocalDay * kSecondsPerDay;
constexpr int64_t kEndLocalSeconds = (kMaxLocalDay + 1) * kSecondsPerDay;
constexpr int64_t kMinUtcSeconds = kMinLocalSeconds - kSecondsPerDay;
constexpr int64_t kEndUtcSeconds = kEndLocalSeconds + kSecondsPerDay;

// Why `t` (a set time) cannot be written, or nullptr if it can. Shared by
// ValidateTimestamp, IsValidTimestamp and FormatTimestamp, so that the
// latter's guard costs no allocation. Only comparisons: record verification
// runs it ten times a get.
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

struct CivilDate {
  uint32_t year, month, day;
};

// The Gregorian date `days_since_0000_03_01` days after 0000-03-01, for
// dates from 1400 to 9999. Counting from March puts the leap day at the end
// of a year. This is Neri and Schneider's form of the calendar arithmetic
// ("Euclidean affine functions and their application to calendar
// algorithms", 2022): every quantity is a small unsigned number, and the
// remainders come out of the same multiplications as the quotients, so the
// chain of dependent multiplies is short. The formatter runs it for every
// set time of every exported order; time_test.cc checks it against an
// independent calendar on every day of the range.
CivilDate CivilFromDays(uint32_t days_since_0000_03_01) {
  // 400 years are 146097 days and a century 36524 (the fourth one a day
  // more): "4n + 3" puts that extra day last.
  const uint32_t n = 4 * days_since_0000_03_01 + 3;
  const uint32_t century = n / 146097;
  // Within the century, 4 years are 1461 days, the leap day last: with
  // 2^32 / 1461 ~ 2939745, the high half of one product is the year of the
  // century and the low half its fraction, which gives the day of the year.
  const uint64_t product = uint64_t{2939745} * (n % 146097 | 3);
  const auto year_of_century = static_cast<uint32_t>(product >> 32);
  const uint32_t day_of_year =
      static_cast<uint32_t>(product) / 2939745 / 4;  // 0 = March 1st
  // Months of 31, 30, 31, 30, 31 days from March on: the month is the high
  // half of one affine function of the day, the day its low half.
  const uint32_t month_and_day = 2141 * day_of_year + 197913;
  const uint32_t month = month_and_day >> 16;  // 3 (March) to 14 (February)
  const bool january_or_february = day_of_year >= 306;
  CivilDate date;
  date.day = (month_and_day & 0xFFFF) / 2141 + 1;
  date.month = january_or_february ? month - 12 : month;
  date.year = 100 * century + year_of_century + january_or_february;
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
  // Seconds since 1400-01-01T00:00:00 local time: never negative once
  // WhyInvalid has passed, so the day and the time of day come from one
  // unsigned division, with no rounding towards zero to correct.
  const uint64_t since_min =
      static_cast<uint64_t>(t.unix_seconds + t.offset_minutes * 60 -
                            kMinLocalSeconds);
  const uint32_t seconds_of_day =
      static_cast<uint32_t>(since_min % kSecondsPerDay);
  // 719468 days from 0000-03-01 to 1970-01-01.
  const CivilDate ymd = CivilFromDays(
      static_cast<uint32_t>(since_min / kSecondsPerDay + kMinLocalDay + 719468));
  using internal::WriteTwoDigits;
  out = WriteTwoDigits(ymd.year / 100, out);
  out = WriteTwoDigits(ymd.year % 100, out);
  *out++ = '-';
  out = WriteTwoDigits(ymd.month, out);
  *out++ = '-';
  out = WriteTwoDigits(ymd.day, out);
  *out++ = 'T';
  out = WriteTwoDigits(seconds_of_day / 3600, out);
  *out++ = ':';
  out = WriteTwoDigits(seconds_of_day / 60 % 60, out);
  *out++ = ':';
  out = WriteTwoDigits(seconds_of_day % 60, out);
  if (t.nanos != 0) {
    *out++ = '.';
    out = internal::WriteFractionDigits(static_cast<uint32_t>(t.nanos), 9, out);
  }
  if (t.offset_minutes == 0) {
    *out++ = 'Z';
  } else {
    const uint32_t offset = static_cast<uint32_t>(
        t.offset_minutes < 0 ? -t.offset_minutes : t.offset_minutes);
    *out++ = t.offset_minutes < 0 ? '-' : '+';
    out = WriteTwoDigits(offset / 60, out);
    *out++ = ':';
    out = WriteTwoDigits(offset % 60, out);
  }
  return out;
}

std::string FormatTimestamp(const Timestamp& t) {
  char buffer[Timestamp::kMaxTextSize];
  return std::string(buffer, FormatTimestamp(t, buffer));
}

namespace internal {

bool IsValidTimestamp(const Timestamp& t) {
  return !t.is_set() || WhyInvalid(t) == nullptr;
}

}  // namespace internal

Status ValidateTimestamp(const Timestamp& t) {
  if (internal::IsValidTimestamp(t)) return Status::OK();
  return Status::InvalidArgument(
      std::string("invalid time: ") + WhyInvalid(t) + " (unix_seconds " +
      std::to_string(t.unix_seconds) + ", nanos " + std::to_string(t.nanos) +
      ", offset_minutes " + std::to_string(t.offset_minutes) + ")");
}

}  // namespace orderstore
