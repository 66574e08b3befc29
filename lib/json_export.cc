// Writes orders as the documented JSON. Everything is written straight into
// the caller's string, grown once per order: no temporary strings, no
// streams. The text of strings and numbers is json_text.h's.
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
#include "lib/json_text.h"
#include "lib/record.h"
#include "lib/text.h"
#include "lib/view_tables.h"
#include "orderstore/order.h"
#include "orderstore/order_view.h"

namespace orderstore {
namespace {

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
  // the nesting level the first member is written at (pretty);
  // `escape_html`: ExportOptions::escape_html.
  Writer(std::string* out, size_t estimate, int depth, bool escape_html)
      : out_(out),
        end_(out->data() + out->size()),
        depth_(depth),
        escape_html_(escape_html) {
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
    return internal::WriteJsonString(
        text, escape_html_, Room(p, internal::MaxJsonStringSize(text)));
  }
  char* Number(char* p, double x) {
    return internal::WriteJsonNumber(x, Room(p, internal::kMaxJsonNumberSize));
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
  bool escape_html_;
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
    Writer<true> w(out, estimate + estimate / 2, depth, options.escape_html);
    write(w);
  } else {
    Writer<false> w(out, estimate, depth, options.escape_html);
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
  char buf[internal::kMaxJsonNumberSize];
  out->append(buf, internal::WriteJsonNumber(x, buf));
}

void AppendJsonString(std::string_view text, std::string* out,
                      const ExportOptions& options) {
  const size_t old = out->size();
  out->resize(old + internal::MaxJsonStringSize(text));
  char* begin = out->data();
  out->resize(
      internal::WriteJsonString(text, options.escape_html, begin + old) -
      begin);
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
