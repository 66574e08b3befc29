// Go's encoding/json text: the escaped string road and number layout
// (json_text.h).
#include "lib/json_text.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "lib/digits.h"

namespace orderstore::internal {
namespace {

// The length of the valid UTF-8 sequence starting at p[0] (>= 0x80), or 0 if
// there is none. Validity is Go's utf8.DecodeRune's: overlong forms,
// surrogates, code points above U+10FFFF and truncated sequences are invalid,
// and then Go (and we) replace just the one first byte.
size_t Utf8SequenceLength(const unsigned char* p, size_t avail) {
  const unsigned c = p[0];
  size_t len;
  unsigned lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c < 0xC2) {
    return 0;  // a continuation byte, or an overlong 2-byte lead
  } else if (c < 0xE0) {
    len = 2;
  } else if (c < 0xF0) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;  // overlong
    if (c == 0xED) hi = 0x9F;  // surrogates
  } else if (c < 0xF5) {
    len = 4;
    if (c == 0xF0) lo = 0x90;  // overlong
    if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (avail < len || p[1] < lo || p[1] > hi) return 0;
  for (size_t k = 2; k < len; ++k) {
    if ((p[k] & 0xC0) != 0x80) return 0;
  }
  return len;
}

// Writes the escape of ASCII byte `c` (a control character, '"', '\\', or
// one of '<', '>', '&') and returns the end.
char* WriteAsciiEscape(unsigned char c, char* p) {
  *p++ = '\\';
  switch (c) {
    case '"':
    case '\\':
      *p++ = static_cast<char>(c);
      return p;
    case '\n':
      *p++ = 'n';
      return p;
    case '\r':
      *p++ = 'r';
      return p;
    case '\t':
      *p++ = 't';
      return p;
    default: {
      // Other control characters and the HTML characters, lower-case hex as
      // Go writes them.
      static constexpr char kHex[] = "0123456789abcdef";
      const char escape[5] = {'u', '0', '0', kHex[c >> 4], kHex[c & 0xf]};
      std::memcpy(p, escape, 5);
      return p + 5;
    }
  }
}

}  // namespace

// Out of line: text that needs escaping is rare, and the inline fast path
// stays small.
[[gnu::noinline]] char* WriteEscapedJsonString(std::string_view text,
                                               bool escape_html, char* p) {
  const auto& safe = escape_html ? kJsonAsciiSafeEscapeHtml : kJsonAsciiSafe;
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  // Bytes that pass through unchanged (including valid multi-byte UTF-8) are
  // copied in runs; only escapes interrupt a run.
  size_t run = 0;
  size_t i = 0;
  auto flush_run = [&] {
    if (i > run) std::memcpy(p, text.data() + run, i - run);
    p += i - run;
  };
  while (i < n) {
    const unsigned char c = s[i];
    if (safe[c]) {
      ++i;
      continue;
    }
    if (c < 0x80) {
      flush_run();
      p = WriteAsciiEscape(c, p);
      run = ++i;
      continue;
    }
    const size_t len = Utf8SequenceLength(s + i, n - i);
    // U+2028 and U+2029 (E2 80 A8/A9) are escaped: line-oriented tools
    // (and older JavaScript) treat them as line ends.
    const bool line_separator =
        len == 3 && c == 0xE2 && s[i + 1] == 0x80 && (s[i + 2] & 0xFE) == 0xA8;
    if (len != 0 && !line_separator) {
      i += len;
      continue;
    }
    flush_run();
    if (len == 0) {
      std::memcpy(p, "\\ufffd", 6);
      i += 1;
    } else {
      std::memcpy(p, s[i + 2] == 0xA8 ? "\\u2028" : "\\u2029", 6);
      i += 3;
    }
    p += 6;
    run = i;
  }
  flush_run();
  *p++ = '"';
  return p;
}

namespace {

// Fast path for amounts of money: at most 8 decimals, below 2^50 / 10^8
// (about 11 million). Then the doubles near abs are spaced far less than
// 10^-8 apart, so at most one integer m has m / 10^8 == abs in double
// arithmetic, rounding abs·10^8 finds it, and the decimal m·10^-8 reads back
// as abs (m and 10^8 are exact; division and strtod both round correctly).
// Any shorter decimal that reads back as abs is that same m with trailing
// zeros dropped (m·10^-8 and it are the same number), so m's digits less its
// trailing zeros are the shortest digits: the same digits to_chars finds.
// Writes them in plain form and returns the end, or null if abs is not such
// an amount. REQUIRES: abs >= 1e-6 (plain form).
char* FormatFewDecimals(double abs, char* p) {
  constexpr double kScale = 1e8;
  const double scaled = abs * kScale;
  if (!(scaled < 0x1p50)) return nullptr;
  const uint64_t m = static_cast<uint64_t>(scaled + 0.5);  // + 0.5 is exact
  if (static_cast<double>(m) / kScale != abs) return nullptr;
  constexpr uint64_t kUnit = 100'000'000;
  p = std::to_chars(p, p + 20, m / kUnit).ptr;
  if (const auto fraction = static_cast<uint32_t>(m % kUnit); fraction != 0) {
    *p++ = '.';
    p = internal::WriteFractionDigits(fraction, 8, p);
  }
  return p;
}

}  // namespace

// Go: strconv 'f' format with shortest digits if 1e-6 <= |x| < 1e21, else 'e'
// format, whose exponent Go then strips of its padding ("e-07" -> "e-7").
// std::to_chars gives the same shortest digits; only the layout is ours.
char* WriteJsonNumber(double x, char* buf) {
  char* p = buf;
  if (x == 0) {  // also -0, which JavaScript writes as 0
    *p++ = '0';
    return p;
  }
  if (!std::isfinite(x)) {  // outside the contract; stay memory-safe
    std::memcpy(p, "null", 4);
    return p + 4;
  }
  const double abs = std::fabs(x);
  if (abs >= 1e-6) {
    if (x < 0) *p++ = '-';
    if (char* end = FormatFewDecimals(abs, p)) return end;
    p = buf;
  }
  // Shortest round-trip digits, as "-d.ddde+XX".
  char sci[32];
  const char* sci_end =
      std::to_chars(sci, sci + sizeof(sci), x, std::chars_format::scientific)
          .ptr;
  const char* s = sci;
  if (*s == '-') {
    *p++ = '-';
    ++s;
  }
  char digits[20];
  int n = 0;
  for (; *s != 'e'; ++s) {
    if (*s != '.') digits[n++] = *s;
  }
  ++s;  // 'e'
  const bool negative_exponent = *s == '-';
  ++s;  // the exponent's sign
  int exponent = 0;
  for (; s != sci_end; ++s) exponent = exponent * 10 + (*s - '0');
  if (negative_exponent) exponent = -exponent;

  if (abs < 1e-6 || abs >= 1e21) {
    *p++ = digits[0];
    if (n > 1) {
      *p++ = '.';
      std::memcpy(p, digits + 1, n - 1);
      p += n - 1;
    }
    *p++ = 'e';
    *p++ = negative_exponent ? '-' : '+';
    return std::to_chars(p, p + 4, negative_exponent ? -exponent : exponent)
        .ptr;
  }
  // Plain decimal: `point` digits before the decimal point.
  const int point = exponent + 1;
  if (point <= 0) {  // 0.000ddd
    *p++ = '0';
    *p++ = '.';
    std::memset(p, '0', -point);
    p += -point;
    std::memcpy(p, digits, n);
    p += n;
  } else if (point >= n) {  // ddd000
    std::memcpy(p, digits, n);
    p += n;
    std::memset(p, '0', point - n);
    p += point - n;
  } else {  // dd.ddd
    std::memcpy(p, digits, point);
    p += point;
    *p++ = '.';
    std::memcpy(p, digits + point, n - point);
    p += n - point;
  }
  return p;
}

}  // namespace orderstore::internal
