// Decimal digits written two at a time, for the writers that run per field
// of every exported order (times and amounts): a table lookup and a 2-byte
// copy per pair instead of a division per digit.
#ifndef ORDERSTORE_LIB_DIGITS_H_
#define ORDERSTORE_LIB_DIGITS_H_

#include <array>
#include <cstdint>
#include <cstring>

namespace orderstore::internal {

// "00", "01", ..., "99".
inline constexpr std::array<char, 200> kDigitPairs = [] {
  std::array<char, 200> pairs{};
  for (int i = 0; i < 100; ++i) {
    pairs[2 * i] = static_cast<char>('0' + i / 10);
    pairs[2 * i + 1] = static_cast<char>('0' + i % 10);
  }
  return pairs;
}();

// Writes `value` (< 100) as exactly two digits; returns the end.
inline char* WriteTwoDigits(uint32_t value, char* out) {
  std::memcpy(out, &kDigitPairs[2 * value], 2);
  return out + 2;
}

// Writes `value` (< 10^width) as exactly `width` digits, leading zeros
// included; returns the end.
inline char* WriteDigits(uint32_t value, int width, char* out) {
  char* end = out + width;
  char* p = end;
  for (; p - out >= 2; value /= 100) {
    p -= 2;
    std::memcpy(p, &kDigitPairs[2 * (value % 100)], 2);
  }
  if (p != out) *out = static_cast<char>('0' + value);
  return end;
}

// Writes a fraction's digits after the point: `value` (0 < value <
// 10^width, width <= 9) as `width` digits with the trailing zeros left off
// (4500 of width 6 is "0045"); returns the end. All `width` digits are
// written (a fixed, unrolled sequence once inlined with a constant width) and
// the end is moved back over the zeros, counted by divisibility rather than by
// a loop over the written digits, whose exit a branch predictor rarely
// guesses.
inline char* WriteFractionDigits(uint32_t value, int width, char* out) {
  char* end = WriteDigits(value, width, out);
  // value != 0, so at most 8 zeros: dropped 8, 4, 2 and 1 at a time.
  int zeros = 0;
  const auto drop = [&](uint32_t unit, int digits) {
    const uint32_t quotient = value / unit;  // a multiply, not a branch
    const bool divisible = quotient * unit == value;
    value = divisible ? quotient : value;
    zeros += divisible ? digits : 0;
  };
  drop(100'000'000, 8);
  drop(10'000, 4);
  drop(100, 2);
  drop(10, 1);
  return end - zeros;
}

}  // namespace orderstore::internal

#endif  // ORDERSTORE_LIB_DIGITS_H_
