// The JSON text primitives the order writer (json_export.cc) is built on:
// string literals escaped as Go's encoding/json escapes them, and numbers as
// Go writes a float64. They write through a raw cursor into room the caller
// has made, so that a whole order is written with one bounds check per
// field. The plain-string check is inline: nearly every string of an order
// takes it and nothing else.
#ifndef ORDERSTORE_LIB_JSON_TEXT_H_
#define ORDERSTORE_LIB_JSON_TEXT_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace orderstore::internal {

// ---- Strings ---------------------------------------------------------------

// The most bytes WriteJsonString writes for `text`: quotes, and at most 6
// bytes per byte of text ("\u001f" for a control character, "\u003c" for
// '<', "\ufffd" for an invalid byte, "\u2028" for its 3 bytes).
inline size_t MaxJsonStringSize(std::string_view text) {
  return 6 * text.size() + 2;
}

// Writes `text` after an opening quote that is at p[-1] (some of it, or
// all, may have been copied there already: it is written again), escaped,
// and the closing quote; returns the end. The slow road of WriteJsonString.
char* WriteEscapedJsonString(std::string_view text, bool escape_html, char* p);

// True for the bytes written as they are without looking further: printable
// ASCII except '"' and '\\' (and '<', '>', '&' when HTML characters are
// escaped). Bytes >= 0x80 need a UTF-8 check first.
constexpr std::array<bool, 256> MakeJsonAsciiSafe(bool escape_html) {
  std::array<bool, 256> safe{};
  for (int c = 0x20; c < 0x80; ++c) {
    safe[c] = c != '"' && c != '\\' &&
              !(escape_html && (c == '<' || c == '>' || c == '&'));
  }
  return safe;
}
inline constexpr std::array<bool, 256> kJsonAsciiSafe = MakeJsonAsciiSafe(false);
inline constexpr std::array<bool, 256> kJsonAsciiSafeEscapeHtml =
    MakeJsonAsciiSafe(true);

// True if any byte of `word` (8 bytes of a string) is not written as it is:
// a control character, '"', '\\', a byte >= 0x80 (which needs the UTF-8
// check), and with `escape_html` '<', '>' or '&'. (x - 0x0101..01 * n) & ~x
// & 0x8080..80 is nonzero exactly when some byte of x is below n, for n <=
// 0x80 (a borrow only ever sets a high bit above a byte that is itself below
// n); a byte equal to c is a zero byte of x ^ c.
inline bool AnyJsonByteNeedsCare(uint64_t word, bool escape_html) {
  constexpr uint64_t kOnes = 0x0101010101010101;
  constexpr uint64_t kHighBits = kOnes * 0x80;
  const auto any_below = [](uint64_t x, uint64_t n) {
    return (x - kOnes * n) & ~x;
  };
  const auto any_equal = [&](uint64_t x, unsigned char c) {
    return any_below(x ^ (kOnes * c), 1);
  };
  uint64_t care = word | any_below(word, 0x20) | any_equal(word, '"') |
                  any_equal(word, '\\');
  if (escape_html) {
    care |= any_equal(word, '<') | any_equal(word, '>') | any_equal(word, '&');
  }
  return (care & kHighBits) != 0;
}

// Copies `text` to out[0, text.size()) and returns the end if every byte of
// it is written as it is between quotes (the common case); otherwise returns
// null, having written some of out[0, text.size()), for the caller to
// escape. Checks and copies 8 bytes at a time, the last word overlapping the
// one before, so that no byte outside `text` is read and none outside
// out[0, text.size()) written.
inline char* CopyIfPlainJson(std::string_view text, bool escape_html,
                             char* out) {
  const char* s = text.data();
  const size_t n = text.size();
  if (n >= 8) {
    uint64_t word;
    for (size_t i = 0; i + 8 < n; i += 8) {
      std::memcpy(&word, s + i, 8);
      if (AnyJsonByteNeedsCare(word, escape_html)) return nullptr;
      std::memcpy(out + i, &word, 8);
    }
    std::memcpy(&word, s + n - 8, 8);
    if (AnyJsonByteNeedsCare(word, escape_html)) return nullptr;
    std::memcpy(out + n - 8, &word, 8);
  } else if (n >= 4) {
    uint32_t head, tail;
    std::memcpy(&head, s, 4);
    std::memcpy(&tail, s + n - 4, 4);
    if (AnyJsonByteNeedsCare(uint64_t{head} << 32 | tail, escape_html)) {
      return nullptr;
    }
    std::memcpy(out, &head, 4);
    std::memcpy(out + n - 4, &tail, 4);
  } else {
    const auto& safe = escape_html ? kJsonAsciiSafeEscapeHtml : kJsonAsciiSafe;
    for (size_t i = 0; i < n; ++i) {
      if (!safe[static_cast<unsigned char>(s[i])]) return nullptr;
      out[i] = s[i];
    }
  }
  return out + n;
}

// Writes `text` as a JSON string literal, quotes included, as Go's
// encoding/json writes a string, and returns the end: UTF-8 passes through;
// '"', '\\', \n, \r and \t get their short escapes, other control
// characters \u00XX in lower-case hex; U+2028 and U+2029 are escaped, and
// each byte that is not part of valid UTF-8 becomes \ufffd. With
// `escape_html`, '<', '>' and '&' become \u003c, \u003e and \u0026, as
// json.Marshal writes them (Go's default). REQUIRES: room for
// MaxJsonStringSize(text) bytes at p.
inline char* WriteJsonString(std::string_view text, bool escape_html,
                             char* p) {
  *p = '"';
  if (char* end = CopyIfPlainJson(text, escape_html, p + 1)) {
    *end = '"';
    return end + 1;
  }
  return WriteEscapedJsonString(text, escape_html, p + 1);
}

// ---- Numbers ---------------------------------------------------------------

// Room for the longest number WriteJsonNumber writes (25 bytes,
// "-0.0000012345678901234567").
inline constexpr size_t kMaxJsonNumberSize = 32;

// Writes x (finite) as Go's encoding/json writes a float64 and returns the
// end: shortest round-trip digits, plain decimal when 1e-6 <= |x| < 1e21,
// else exponent form like 1e-7 or 1e+21; zero (and -0) is 0. REQUIRES: room
// for kMaxJsonNumberSize bytes at p.
char* WriteJsonNumber(double x, char* p);

}  // namespace orderstore::internal

#endif  // ORDERSTORE_LIB_JSON_TEXT_H_
