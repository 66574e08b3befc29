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

// True if `text` is written as it is between quotes (the common case).
bool NeedsNoEscape(std::string_view text) {
  for (char c : text) {
    if (!kAsciiSafe[static_cast<unsigned char>(c)]) return false;
  }
  return true;
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

void AppendAsciiEscape(unsigned char c, std::string* out) {
  switch (c) {
    case '"':
      out->append("\\\"", 2);
      return;
    case '\\':
      out->append("\\\\", 2);
      return;
    case '\n':
      out->append("\\n", 2);
      return;
    case '\r':
      out->append("\\r", 2);
      return;
    case '\t':
      out->append("\\t", 2);
      return;
    default: {
      // Other control characters, lower-case hex as Go writes them.
      static constexpr char kHex[] = "0123456789abcdef";
      const char escape[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xf]};
      out->append(escape, 6);
      return;
    }
  }
}

// ---- Numbers ---------------------------------------------------------------

// Room for the longest number FormatJsonNumber writes (25 bytes,
// "-0.0000012345678901234567").
constexpr size_t kMaxNumberSize = 32;

// Fast path for amounts of money (few decimals; to_chars costs ~5x more).
// Finds the smallest k <= 8 with an integer m such that m / 10^k == abs in
// double arithmetic; then the decimal m·10^-k reads back as abs (m and 10^k
// are exact, division and strtod both round correctly). Keeping
// abs·10^k < 2^50 makes the spacing of doubles near abs far below 10^-k, so
// for each k at most one m qualifies, rounding abs·10^k finds it, and the
// smallest k gives the shortest digits: the same digits to_chars finds.
// Writes them in plain form and returns the end, or null if there is no such
// k. REQUIRES: abs >= 1e-6 (plain form).
char* FormatFewDecimals(double abs, char* p) {
  static constexpr double kPow10[] = {1,   1e1, 1e2, 1e3, 1e4,
                                      1e5, 1e6, 1e7, 1e8};
  for (int k = 0; k <= 8; ++k) {
    const double scaled = abs * kPow10[k];
    if (!(scaled < 0x1p50)) return nullptr;
    const uint64_t m = static_cast<uint64_t>(scaled + 0.5);
    if (static_cast<double>(m) / kPow10[k] != abs) continue;
    char digits[20];
    const int n =
        static_cast<int>(std::to_chars(digits, digits + 20, m).ptr - digits);
    if (n > k) {  // ddd.dd (no trailing zeros: k is the smallest)
      std::memcpy(p, digits, n - k);
      p += n - k;
      if (k > 0) {
        *p++ = '.';
        std::memcpy(p, digits + n - k, k);
        p += k;
      }
    } else {  // 0.00ddd
      *p++ = '0';
      *p++ = '.';
      std::memset(p, '0', k - n);
      p += k - n;
      std::memcpy(p, digits, n);
      p += n;
    }
    return p;
  }
  return nullptr;
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

// Lays out the fixed structure of an order, compact or pretty, writing
// through a raw cursor into the caller's string: the string is grown ahead of
// the cursor (Room) and cut back to what was written by Finish(). Each field
// then costs one bounds check and a fixed-size copy instead of a
// std::string::append, which is most of the export's speed.
class Writer {
 public:
  // `depth`: the nesting level the first member is written at (pretty).
  Writer(std::string* out, bool pretty, size_t estimate, int depth = 0)
      : out_(out), pretty_(pretty), depth_(depth) {
    Sync();
    Room(estimate);
  }
  // REQUIRED before `out` is used again.
  void Finish() { out_->resize(p_ - out_->data()); }

  // '{' or '['; members that follow are one level deeper.
  void Open(char c) {
    Room(1);
    *p_++ = c;
    ++depth_;
  }
  // '}' or ']' on its own line (pretty), one level up.
  void Close(char c) {
    --depth_;
    Room(2 + 2 * depth_);
    NewLine();
    *p_++ = c;
  }
  // Separates array elements and starts a pretty line.
  void Next(bool first) {
    Room(2 + 2 * depth_);
    if (!first) *p_++ = ',';
    NewLine();
  }
  // Starts a member; `quoted_key` is a literal: the key with quotes and
  // colon. Its size is a constant, so the copy compiles to a few moves.
  template <size_t N>
  void Key(const char (&quoted_key)[N], bool first = false) {
    constexpr size_t kSize = N - 1;  // without the terminator
    Room(kSize + 3 + 2 * depth_);
    if (!first) *p_++ = ',';
    NewLine();
    std::memcpy(p_, quoted_key, kSize);
    p_ += kSize;
    if (pretty_) *p_++ = ' ';
  }

  void String(std::string_view text) {
    if (NeedsNoEscape(text)) {
      Room(text.size() + 2);
      *p_++ = '"';
      Put(text);
      *p_++ = '"';
    } else {  // rare: let the general writer escape it
      Finish();
      AppendJsonString(text, out_);
      Sync();
    }
  }
  void Number(double x) {
    Room(kMaxNumberSize);
    p_ = FormatJsonNumber(x, p_);
  }
  // Times, hashes and status names are plain ASCII: no escaping needed.
  void Time(const Timestamp& t) {
    Room(Timestamp::kMaxTextSize + 2);
    *p_++ = '"';
    p_ = FormatTimestamp(t, p_);
    *p_++ = '"';
  }
  void Hash(const OrderHash& hash) {
    Room(OrderHash::kHexSize + 2);
    *p_++ = '"';
    hash.WriteHex(p_);
    p_ += OrderHash::kHexSize;
    *p_++ = '"';
  }
  void Name(std::string_view name) {
    Room(name.size() + 2);
    *p_++ = '"';
    Put(name);
    *p_++ = '"';
  }
  void Raw(std::string_view text) {
    Room(text.size());
    Put(text);
  }

 private:
  // Makes room for n more bytes at the cursor.
  void Room(size_t n) {
    if (static_cast<size_t>(end_ - p_) < n) Grow(n);
  }
  [[gnu::noinline]] void Grow(size_t n) {
    const size_t used = p_ - out_->data();
    // Slack so that an order with long strings grows a few times, not once
    // per field; std::string's capacity itself grows geometrically.
    out_->resize(used + n + 512);
    p_ = out_->data() + used;
    end_ = out_->data() + out_->size();
  }
  // Puts the cursor at the end of *out_, with no room yet.
  void Sync() {
    p_ = out_->data() + out_->size();
    end_ = p_;
  }
  void Put(std::string_view text) {
    // A string field absent from a record reads as a null, empty view;
    // memcpy from null is undefined even for 0 bytes (found by fuzzing).
    if (text.empty()) return;
    std::memcpy(p_, text.data(), text.size());
    p_ += text.size();
  }
  void NewLine() {
    if (pretty_) {
      *p_++ = '\n';
      std::memset(p_, ' ', 2 * depth_);
      p_ += 2 * depth_;
    }
  }

  std::string* out_;
  bool pretty_;
  int depth_ = 0;
  char* p_;
  char* end_;
};

void WriteItem(const OrderItemView& item, Writer& w) {
  w.Open('{');
  w.Key(R"("order_type":)", /*first=*/true);
  w.String(item.order_type());
  w.Key(R"("resource_type":)");
  w.String(item.resource_type());
  w.Key(R"("resource_id":)");
  w.String(item.resource_id());
  w.Key(R"("region":)");
  w.String(item.region());
  w.Key(R"("price":)");
  w.Number(item.price());
  w.Key(R"("status":)");
  w.Name(ToString(item.status()));
  w.Key(R"("life_start_time":)");
  w.Time(item.life_start_time());
  w.Key(R"("life_expire_time":)");
  w.Time(item.life_expire_time());
  w.Close('}');
}

void WriteOrder(const OrderView& order, Writer& w) {
  w.Open('{');
  w.Key(R"("order":)", /*first=*/true);
  w.Hash(order.hash());
  w.Key(R"("fee":)");
  w.Number(order.fee());
  w.Key(R"("c_fee":)");
  w.Number(order.c_fee());
  w.Key(R"("create_time":)");
  w.Time(order.create_time());
  w.Key(R"("pay_time":)");
  w.Time(order.pay_time());
  w.Key(R"("cancel_time":)");
  w.Time(order.cancel_time());
  w.Key(R"("expire_time":)");
  w.Time(order.expire_time());
  w.Key(R"("status":)");
  w.Name(ToString(order.status()));
  w.Key(R"("items":)");
  const ItemsView items = order.items();
  if (items.empty()) {
    w.Raw("[]");  // in both forms, as Go writes an empty array
  } else {
    w.Open('[');
    bool first = true;
    for (OrderItemView item : items) {
      w.Next(first);
      first = false;
      WriteItem(item, w);
    }
    w.Close(']');
  }
  w.Close('}');
}

// About the output size, so that one resize usually serves the whole order.
size_t EstimateSize(const OrderView& order, bool pretty) {
  // Compact fixed parts: ~330 bytes per order, ~230 per item, plus strings.
  size_t size = 384;
  for (OrderItemView item : order.items()) {
    size += 256 + item.order_type().size() + item.resource_type().size() +
            item.resource_id().size() + item.region().size();
  }
  // Pretty adds a newline, indentation and a space per member.
  return pretty ? size + size / 2 : size;
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
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  if (NeedsNoEscape(text)) {  // one resize and one copy
    const size_t old = out->size();
    out->resize(old + n + 2);
    char* q = out->data() + old;
    q[0] = '"';
    std::memcpy(q + 1, text.data(), n);
    q[n + 1] = '"';
    return;
  }
  out->push_back('"');
  // Bytes that pass through unchanged (including valid multi-byte UTF-8) are
  // appended in runs; only escapes interrupt a run.
  size_t run = 0;
  size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (kAsciiSafe[c]) {
      ++i;
      continue;
    }
    if (c < 0x80) {
      out->append(text.data() + run, i - run);
      AppendAsciiEscape(c, out);
      run = ++i;
      continue;
    }
    const size_t len = Utf8SequenceLength(p + i, n - i);
    // U+2028 and U+2029 (E2 80 A8/A9) are escaped: line-oriented tools
    // (and older JavaScript) treat them as line ends.
    const bool line_separator =
        len == 3 && c == 0xE2 && p[i + 1] == 0x80 && (p[i + 2] & 0xFE) == 0xA8;
    if (len != 0 && !line_separator) {
      i += len;
      continue;
    }
    out->append(text.data() + run, i - run);
    if (len == 0) {
      out->append("\\ufffd", 6);
      i += 1;
    } else {
      out->append(p[i + 2] == 0xA8 ? "\\u2028" : "\\u2029", 6);
      i += 3;
    }
    run = i;
  }
  out->append(text.data() + run, n - run);
  out->push_back('"');
}

void AppendOrderJson(OrderView order, std::string* out,
                     const ExportOptions& options) {
  Writer w(out, options.pretty, EstimateSize(order, options.pretty));
  WriteOrder(order, w);
  w.Finish();
}

void AppendDetailResponse(OrderView order, std::string_view request_id,
                          std::string* out, const ExportOptions& options) {
  Writer w(out, options.pretty,
           EstimateSize(order, options.pretty) + 32 + request_id.size());
  w.Open('{');
  w.Key(R"("data":)", /*first=*/true);
  WriteOrder(order, w);
  w.Key(R"("request_id":)");
  w.String(request_id);
  w.Close('}');
  w.Finish();
}

ListResponseWriter::ListResponseWriter(std::string request_id, std::string* out,
                                       const ExportOptions& options)
    : request_id_(std::move(request_id)), out_(out), options_(options) {
  Writer w(out_, options_.pretty, 16);
  w.Open('{');
  w.Key(R"("data":)", /*first=*/true);
  w.Open('[');
  w.Finish();
}

void ListResponseWriter::Add(OrderView order) {
  Writer w(out_, options_.pretty, EstimateSize(order, options_.pretty) + 8,
           /*depth=*/2);
  w.Next(empty_);
  empty_ = false;
  WriteOrder(order, w);
  w.Finish();
}

void ListResponseWriter::Finish() {
  // The array's members sit at depth 2; an empty array closes on its own
  // line's end ("[]", as Go writes it), so the writer then starts a level up.
  Writer w(out_, options_.pretty, 64 + request_id_.size(), empty_ ? 1 : 2);
  if (empty_) {
    w.Raw("]");
  } else {
    w.Close(']');
  }
  w.Key(R"("request_id":)");
  w.String(request_id_);
  w.Close('}');
  w.Finish();
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
