// Writes orders as the documented JSON (SPEC §2). Everything is written
// straight into the caller's string, grown once per order: no temporary
// strings, no streams.
#include "orderstore/json_export.h"

#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <string_view>
#include <thread>

#include "lib/digits.h"
#include "lib/record.h"
#include "lib/text.h"
#include "lib/view_tables.h"
#include "orderstore/order.h"
#include "orderstore/order_view.h"

namespace orderstore {
namespace {

// ---- Strings ---------------------------------------------------------------

// True for the bytes written as they are without looking further: printable
// ASCII except '"' and '\\'. Bytes >= 0x80 need a UTF-8 check first.
constexpr std::array<bool, 256> MakeAsciiSafe() {
  std::array<bool, 256> safe{};
  for (int c = 0x20; c < 0x80; ++c) safe[c] = c != '"' && c != '\\';
  return safe;
}
constexpr std::array<bool, 256> kAsciiSafe = MakeAsciiSafe();

// True if any byte of `word` (8 bytes of a string) is not written as it is:
// a control character, '"', '\\', or a byte >= 0x80 (which needs the UTF-8
// check). (x - 0x0101..01 * n) & ~x & 0x8080..80 is nonzero exactly when some
// byte of x is below n, for n <= 0x80 (a borrow only ever sets a high bit
// above a byte that is itself below n).
inline bool AnyByteNeedsCare(uint64_t word) {
  constexpr uint64_t kOnes = 0x0101010101010101;
  constexpr uint64_t kHighBits = kOnes * 0x80;
  const auto any_below = [](uint64_t x, uint64_t n) {
    return (x - kOnes * n) & ~x;
  };
  return ((word | any_below(word, 0x20) | any_below(word ^ (kOnes * '"'), 1) |
           any_below(word ^ (kOnes * '\\'), 1)) &
          kHighBits) != 0;
}

// Copies `text` to out[0, text.size()) and returns the end if every byte of
// it is written as it is between quotes (the common case); otherwise returns
// null, having written some of out[0, text.size()), for the caller to
// escape. Checks and copies 8 bytes at a time, the last word overlapping the
// one before, so that no byte outside `text` is read and none outside
// out[0, text.size()) written.
char* CopyIfPlain(std::string_view text, char* out) {
  const char* s = text.data();
  const size_t n = text.size();
  if (n >= 8) {
    uint64_t word;
    for (size_t i = 0; i + 8 < n; i += 8) {
      std::memcpy(&word, s + i, 8);
      if (AnyByteNeedsCare(word)) return nullptr;
      std::memcpy(out + i, &word, 8);
    }
    std::memcpy(&word, s + n - 8, 8);
    if (AnyByteNeedsCare(word)) return nullptr;
    std::memcpy(out + n - 8, &word, 8);
  } else if (n >= 4) {
    uint32_t head, tail;
    std::memcpy(&head, s, 4);
    std::memcpy(&tail, s + n - 4, 4);
    if (AnyByteNeedsCare(uint64_t{head} << 32 | tail)) return nullptr;
    std::memcpy(out, &head, 4);
    std::memcpy(out + n - 4, &tail, 4);
  } else {
    for (size_t i = 0; i < n; ++i) {
      if (!kAsciiSafe[static_cast<unsigned char>(s[i])]) return nullptr;
      out[i] = s[i];
    }
  }
  return out + n;
}

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

// The most bytes WriteString writes for `text`: quotes, and at most 6 bytes
// per byte of text ("\u001f" for a control character, "\ufffd" for an
// invalid byte, "\u2028" for its 3 bytes).
size_t MaxStringSize(std::string_view text) { return 6 * text.size() + 2; }

// Writes the escape of ASCII byte `c` (a control character, '"' or '\\')
// and returns the end.
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
      // Other control characters, lower-case hex as Go writes them.
      static constexpr char kHex[] = "0123456789abcdef";
      const char escape[5] = {'u', '0', '0', kHex[c >> 4], kHex[c & 0xf]};
      std::memcpy(p, escape, 5);
      return p + 5;
    }
  }
}

// The rest of WriteString for text that needs escaping (rare): writes
// `text` after the opening quote at p, and the closing quote.
[[gnu::noinline]] char* WriteEscapedString(std::string_view text, char* p) {
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
    if (kAsciiSafe[c]) {
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

// Writes `text` as a JSON string literal, quotes included, and returns the
// end. REQUIRES: room for MaxStringSize(text) bytes at p.
char* WriteString(std::string_view text, char* p) {
  *p = '"';
  if (char* end = CopyIfPlain(text, p + 1)) {
    *end = '"';
    return end + 1;
  }
  return WriteEscapedString(text, p + 1);
}

// ---- Numbers ---------------------------------------------------------------

// Room for the longest number FormatJsonNumber writes (25 bytes,
// "-0.0000012345678901234567").
constexpr size_t kMaxNumberSize = 32;

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

// Writes x (finite) as Go's encoding/json does into buf and returns the end.
// Go: strconv 'f' format with shortest digits if 1e-6 <= |x| < 1e21, else 'e'
// format, whose exponent Go then strips of its padding ("e-07" -> "e-7").
// std::to_chars gives the same shortest digits; only the layout is ours.
char* FormatJsonNumber(double x, char* buf) {
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

// ---- Orders ----------------------------------------------------------------

// Writes the structure of an order into the caller's string through a raw
// cursor `p`, which each call takes and returns (so that it stays in a
// register, however many calls out to the field writers). The string is grown
// ahead of the cursor and cut back to what was written by Finish(). Each
// field costs a bounds check against its most bytes, then unchecked writes.
//
// kPretty: indent as Go's json.MarshalIndent(v, "", "  ") does (a line per
// member, two spaces a level, a space after the colon); compact otherwise,
// with no layout work at all.
template <bool kPretty>
class Writer {
 public:
  // Starts at the end of *out with room for about `estimate` bytes. `depth`:
  // the nesting level the first member is written at (pretty).
  Writer(std::string* out, size_t estimate, int depth = 0)
      : out_(out), end_(out->data() + out->size()), depth_(depth) {
    start_ = Room(end_, estimate);
  }
  // Where writing starts.
  char* start() const { return start_; }
  // REQUIRED before `out` is used again; `p` is the cursor after the last
  // write.
  void Finish(char* p) { out_->resize(p - out_->data()); }

  // '{' or '['; members that follow are one level deeper.
  char* Open(char* p, char c) {
    p = Room(p, 1);
    *p++ = c;
    if (kPretty) ++depth_;
    return p;
  }
  // '}' or ']' on its own line (pretty), one level up.
  char* Close(char* p, char c) {
    if (kPretty) --depth_;
    p = Room(p, MaxLineBreak() + 1);
    p = LineBreak(p);
    *p++ = c;
    return p;
  }
  // Separates array elements and starts a pretty line.
  char* Next(char* p, bool first) {
    p = Room(p, 1 + MaxLineBreak());
    if (!first) *p++ = ',';
    return LineBreak(p);
  }
  // Starts a member; `quoted_key` is a literal: the key with quotes and
  // colon. Its size is a constant, so the copy compiles to a few moves.
  template <size_t N>
  char* Key(char* p, const char (&quoted_key)[N], bool first = false) {
    constexpr size_t kSize = N - 1;  // without the terminator
    p = Room(p, 1 + MaxLineBreak() + kSize + 1);
    if (!first) *p++ = ',';
    p = LineBreak(p);
    std::memcpy(p, quoted_key, kSize);
    p += kSize;
    if (kPretty) *p++ = ' ';
    return p;
  }

  char* String(char* p, std::string_view text) {
    return WriteString(text, Room(p, MaxStringSize(text)));
  }
  char* Number(char* p, double x) {
    return FormatJsonNumber(x, Room(p, kMaxNumberSize));
  }
  // Times and hashes are plain ASCII: no escaping needed.
  char* Time(char* p, const fb::Time* t) {
    p = Room(p, Timestamp::kMaxTextSize + 2);
    *p++ = '"';
    p = FormatTimestamp(internal::Time(t), p);
    *p++ = '"';
    return p;
  }
  char* Hash(char* p, const fb::Hash& hash) {
    p = Room(p, OrderHash::kHexSize + 2);
    *p++ = '"';
    internal::EncodeHex(
        {reinterpret_cast<const char*>(hash.bytes()->data()), OrderHash::kSize},
        p);
    p += OrderHash::kHexSize;
    *p++ = '"';
    return p;
  }
  // Text written as it is: "[]" and "]".
  template <size_t N>
  char* Raw(char* p, const char (&text)[N]) {
    p = Room(p, N - 1);
    std::memcpy(p, text, N - 1);
    return p + N - 1;
  }

 private:
  // Returns the cursor, moved if the string had to grow, with room for n
  // more bytes after it.
  char* Room(char* p, size_t n) {
    return static_cast<size_t>(end_ - p) < n ? Grow(p, n) : p;
  }
  [[gnu::noinline]] char* Grow(char* p, size_t n) {
    const size_t used = p - out_->data();
    // Slack so that an order with long strings grows a few times, not once
    // per field; std::string's capacity itself grows geometrically.
    out_->resize(used + n + 512);
    end_ = out_->data() + out_->size();
    return out_->data() + used;
  }
  size_t MaxLineBreak() const { return kPretty ? 1 + 2 * depth_ : 0; }
  char* LineBreak(char* p) const {
    if (kPretty) {
      *p++ = '\n';
      std::memset(p, ' ', 2 * depth_);
      p += 2 * depth_;
    }
    return p;
  }

  std::string* out_;
  char* end_;  // of the room made so far
  char* start_;
  int depth_;  // pretty only
};

// The order is read straight from its FlatBuffers table (view_tables.h):
// one inline load per field instead of a call per accessor.
template <bool kPretty>
char* WriteItem(const fb::OrderItem& item, Writer<kPretty>& w, char* p) {
  using internal::Text;
  p = w.Open(p, '{');
  p = w.Key(p, R"("order_type":)", /*first=*/true);
  p = w.String(p, Text(item.order_type()));
  p = w.Key(p, R"("resource_type":)");
  p = w.String(p, Text(item.resource_type()));
  p = w.Key(p, R"("resource_id":)");
  p = w.String(p, Text(item.resource_id()));
  p = w.Key(p, R"("region":)");
  p = w.String(p, Text(item.region()));
  p = w.Key(p, R"("price":)");
  p = w.Number(p, item.price());
  p = w.Key(p, R"("status":)");
  p = w.String(p, ToString(static_cast<ItemStatus>(item.status())));
  p = w.Key(p, R"("life_start_time":)");
  p = w.Time(p, item.life_start_time());
  p = w.Key(p, R"("life_expire_time":)");
  p = w.Time(p, item.life_expire_time());
  return w.Close(p, '}');
}

template <bool kPretty>
char* WriteOrder(const fb::Order& order, Writer<kPretty>& w, char* p) {
  p = w.Open(p, '{');
  p = w.Key(p, R"("order":)", /*first=*/true);
  p = w.Hash(p, *order.hash());  // present in every verified record
  p = w.Key(p, R"("fee":)");
  p = w.Number(p, order.fee());
  p = w.Key(p, R"("c_fee":)");
  p = w.Number(p, order.c_fee());
  p = w.Key(p, R"("create_time":)");
  p = w.Time(p, order.create_time());
  p = w.Key(p, R"("pay_time":)");
  p = w.Time(p, order.pay_time());
  p = w.Key(p, R"("cancel_time":)");
  p = w.Time(p, order.cancel_time());
  p = w.Key(p, R"("expire_time":)");
  p = w.Time(p, order.expire_time());
  p = w.Key(p, R"("status":)");
  p = w.String(p, ToString(static_cast<OrderStatus>(order.status())));
  p = w.Key(p, R"("items":)");
  const auto* items = order.items();
  if (items == nullptr || items->size() == 0) {
    return w.Close(w.Raw(p, "[]"), '}');  // in both forms, as Go writes it
  }
  p = w.Open(p, '[');
  bool first = true;
  for (const fb::OrderItem* item : *items) {
    p = w.Next(p, first);
    first = false;
    p = WriteItem(*item, w, p);
  }
  p = w.Close(p, ']');
  return w.Close(p, '}');
}

// About the compact size of an order, so that the string usually grows once
// per order: ~330 bytes of fixed parts and ~280 per item with typical
// strings.
size_t EstimateSize(const fb::Order& order) {
  const auto* items = order.items();
  return 384 + 288 * (items == nullptr ? 0 : items->size());
}

// Calls write(w) with a Writer for the layout `options` ask for, on *out,
// starting at nesting level `depth` with room for about `estimate` compact
// bytes (pretty ones take about half more).
template <typename Write>
void WithWriter(const ExportOptions& options, std::string* out,
                size_t estimate, int depth, Write write) {
  if (options.pretty) {
    Writer<true> w(out, estimate + estimate / 2, depth);
    write(w);
  } else {
    Writer<false> w(out, estimate, depth);
    write(w);
  }
}

std::mt19937_64 SeededEngine() {
  std::seed_seq::result_type seeds[4];
  try {
    std::random_device device;
    for (auto& s : seeds) s = device();
  } catch (...) {
    // No entropy source: request ids only need to differ, not be secret.
    const uint64_t now = static_cast<uint64_t>(
        std::chrono::steady_clock::now().time_since_epoch().count());
    const uint64_t thread =
        std::hash<std::thread::id>()(std::this_thread::get_id());
    seeds[0] = static_cast<uint32_t>(now);
    seeds[1] = static_cast<uint32_t>(now >> 32);
    seeds[2] = static_cast<uint32_t>(thread);
    seeds[3] = static_cast<uint32_t>(thread >> 32);
  }
  std::seed_seq seq(std::begin(seeds), std::end(seeds));
  return std::mt19937_64(seq);
}

}  // namespace

void AppendJsonNumber(double x, std::string* out) {
  char buf[kMaxNumberSize];
  out->append(buf, FormatJsonNumber(x, buf));
}

void AppendJsonString(std::string_view text, std::string* out) {
  const size_t old = out->size();
  out->resize(old + MaxStringSize(text));
  char* begin = out->data();
  out->resize(WriteString(text, begin + old) - begin);
}

void AppendOrderJson(OrderView order, std::string* out,
                     const ExportOptions& options) {
  // A view may come cold from a cache far bigger than the CPU's: the
  // writer's loads chase offsets from line to line.
  internal::PrefetchRecord(order.record());
  const fb::Order& table = internal::OrderTable(order);
  WithWriter(options, out, EstimateSize(table), 0, [&](auto& w) {
    w.Finish(WriteOrder(table, w, w.start()));
  });
}

void AppendDetailResponse(OrderView order, std::string_view request_id,
                          std::string* out, const ExportOptions& options) {
  internal::PrefetchRecord(order.record());
  const fb::Order& table = internal::OrderTable(order);
  const size_t estimate = EstimateSize(table) + 32 + request_id.size();
  WithWriter(options, out, estimate, 0, [&](auto& w) {
    char* p = w.Open(w.start(), '{');
    p = w.Key(p, R"("data":)", /*first=*/true);
    p = WriteOrder(table, w, p);
    p = w.Key(p, R"("request_id":)");
    p = w.String(p, request_id);
    w.Finish(w.Close(p, '}'));
  });
}

ListResponseWriter::ListResponseWriter(std::string request_id, std::string* out,
                                       const ExportOptions& options)
    : request_id_(std::move(request_id)), out_(out), options_(options) {
  WithWriter(options_, out_, 16, 0, [&](auto& w) {
    char* p = w.Open(w.start(), '{');
    p = w.Key(p, R"("data":)", /*first=*/true);
    w.Finish(w.Open(p, '['));
  });
}

void ListResponseWriter::Add(OrderView order) {
  internal::PrefetchRecord(order.record());
  const fb::Order& table = internal::OrderTable(order);
  WithWriter(options_, out_, EstimateSize(table) + 8, /*depth=*/2,
             [&](auto& w) {
               char* p = w.Next(w.start(), empty_);
               w.Finish(WriteOrder(table, w, p));
             });
  empty_ = false;
}

void ListResponseWriter::Finish() {
  // The array's members sit at depth 2; an empty array closes on its own
  // line's end ("[]", as Go writes it), so the writer then starts a level up.
  WithWriter(options_, out_, 64 + request_id_.size(), empty_ ? 1 : 2,
             [&](auto& w) {
               char* p =
                   empty_ ? w.Raw(w.start(), "]") : w.Close(w.start(), ']');
               p = w.Key(p, R"("request_id":)");
               p = w.String(p, request_id_);
               w.Finish(w.Close(p, '}'));
             });
}

std::string NewRequestId() {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  static_assert(sizeof(kAlphabet) - 1 == 62);
  thread_local std::mt19937_64 engine = SeededEngine();
  std::uniform_int_distribution<int> pick(0, 61);
  std::string id(16, '\0');
  for (char& c : id) c = kAlphabet[pick(engine)];
  return id;
}

}  // namespace orderstore
