#include "fuzz/fuzz_entry.h"

#include <cctype>
#include <cstring>
#include <memory>
#include <string_view>

#include "lib/record.h"
#include "orderstore/json_export.h"
#include "orderstore/json_import.h"
#include "orderstore/order.h"
#include "orderstore/order_view.h"

namespace orderstore::fuzz {
namespace {

// A copy of the input in a heap block of exactly its size, so that
// AddressSanitizer catches a read one byte past the end even when the caller
// (the replay test) holds the bytes in a larger std::string.
class ExactCopy {
 public:
  ExactCopy(const uint8_t* data, size_t size)
      : bytes_(new char[size == 0 ? 1 : size]), size_(size) {
    if (size > 0) std::memcpy(bytes_.get(), data, size);
  }
  std::string_view view() const { return {bytes_.get(), size_}; }

 private:
  std::unique_ptr<char[]> bytes_;
  size_t size_;
};

// Checks one order the importer accepted: valid, stored and read back
// unchanged, exported and parsed back unchanged.
std::string CheckImportedOrder(const Order& order, OrderParser* parser) {
  if (Status s = ValidateOrder(order); !s.ok()) {
    return "importer returned an invalid order: " + s.ToString();
  }
  std::string record = internal::EncodeRecord(order);
  Result<OrderView> view = VerifyRecord(record);
  if (!view.ok()) {
    return "record of an imported order fails verification: " +
           view.status().ToString();
  }
  if (view->ToOwned() != order) return "record reads back different";
  std::string json;
  AppendDetailResponse(*view, "TRBUBYEtcQWEg18W", &json);
  Result<Order> again = parser->ParseOne(json);
  if (!again.ok()) {
    return "exported JSON does not parse back: " + again.status().ToString() +
           " in " + json;
  }
  if (*again != order) return "exported JSON parses back different: " + json;
  return "";
}

}  // namespace

std::string FuzzJsonImport(const uint8_t* data, size_t size) {
  ExactCopy input(data, size);
  OrderParser parser;
  OrderParser checker;  // a second parser, so round trips reuse no state
  for (bool keep_going : {false, true}) {
    ParseOptions options;
    options.keep_going = keep_going;
    ParseResult result = parser.Parse(input.view(), "fuzz", options);
    if (!keep_going && result.errors.size() > 1) {
      return "more than one error without keep_going";
    }
    for (const Status& error : result.errors) {
      if (!error.IsInvalidArgument()) {
        return "parse error is not InvalidArgument: " + error.ToString();
      }
      if (error.message().find('\n') != std::string::npos) {
        return "error message spans lines: " + error.message();
      }
    }
    for (const Order& order : result.orders) {
      if (std::string bad = CheckImportedOrder(order, &checker); !bad.empty()) {
        return bad;
      }
    }
  }
  Result<Order> one = parser.ParseOne(input.view());
  if (one.ok()) return CheckImportedOrder(*one, &checker);
  if (!one.status().IsInvalidArgument()) {
    return "ParseOne error is not InvalidArgument: " + one.status().ToString();
  }
  return "";
}

std::string FuzzHashParse(const uint8_t* data, size_t size) {
  ExactCopy input(data, size);
  std::string_view text = input.view();
  Result<OrderHash> hash = OrderHash::Parse(text);
  bool is_hex = text.size() == OrderHash::kHexSize;
  for (char c : text) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) is_hex = false;
  }
  if (!hash.ok()) {
    if (is_hex) return "32 hex digits refused: " + hash.status().ToString();
    if (!hash.status().IsInvalidArgument()) {
      return "refusal is not InvalidArgument: " + hash.status().ToString();
    }
    return "";
  }
  if (!is_hex) return "accepted text that is not 32 hex digits";
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(c));
  if (hash->ToHex() != lower) return "prints back as " + hash->ToHex();
  Result<OrderHash> again = OrderHash::Parse(hash->ToHex());
  if (!again.ok() || *again != *hash) return "lower case does not re-parse";
  return "";
}

std::string FuzzTimestamp(const uint8_t* data, size_t size) {
  ExactCopy input(data, size);
  Result<Timestamp> time = ParseTimestamp(input.view());
  if (!time.ok()) {
    if (!time.status().IsInvalidArgument()) {
      return "refusal is not InvalidArgument: " + time.status().ToString();
    }
    return "";
  }
  if (Status s = ValidateTimestamp(*time); !s.ok()) {
    return "parsed time is invalid: " + s.ToString();
  }
  char buffer[Timestamp::kMaxTextSize];
  char* end = FormatTimestamp(*time, buffer);
  if (end < buffer || end > buffer + sizeof(buffer)) return "format overflow";
  std::string text(buffer, end);
  Result<Timestamp> again = ParseTimestamp(text);
  if (!again.ok()) {
    return "formatted time " + text +
           " does not re-parse: " + again.status().ToString();
  }
  if (*again != *time) return "formatted time " + text + " re-parses different";
  if (FormatTimestamp(*again) != text) return "formatting is not stable";
  return "";
}

std::string FuzzRecordView(const uint8_t* data, size_t size) {
  ExactCopy input(data, size);
  Result<OrderView> view = VerifyRecord(input.view());
  if (!view.ok()) {
    if (!view.status().IsCorruption()) {
      return "refusal is not Corruption: " + view.status().ToString();
    }
    return "";
  }
  // Every accessor must be safe on a verified record.
  if (ToString(view->status()).empty()) return "unknown order status";
  char buffer[Timestamp::kMaxTextSize];
  for (Timestamp t : {view->create_time(), view->pay_time(),
                      view->cancel_time(), view->expire_time()}) {
    if (!ValidateTimestamp(t).ok()) return "verified record has a bad time";
    FormatTimestamp(t, buffer);
  }
  size_t bytes = view->hash().ToHex().size();
  for (OrderItemView item : view->items()) {
    bytes += item.order_type().size() + item.resource_type().size() +
             item.resource_id().size() + item.region().size();
    if (ToString(item.status()).empty()) return "unknown item status";
    if (!(item.price() >= 0)) return "negative or NaN price";
    for (Timestamp t : {item.life_start_time(), item.life_expire_time()}) {
      if (!ValidateTimestamp(t).ok()) return "verified item has a bad time";
    }
  }
  if (!(view->fee() >= 0) || !(view->c_fee() >= 0)) return "bad money";
  Order owned = view->ToOwned();
  if (owned.items.size() != view->items().size()) return "items lost";

  std::string json, pretty;
  AppendOrderJson(*view, &json);
  AppendDetailResponse(*view, "TRBUBYEtcQWEg18W", &pretty,
                       ExportOptions{.pretty = true});
  OrderParser parser;
  Result<Order> parsed = parser.ParseOne(json);
  if (!parsed.ok()) {
    return "export of a verified record does not import: " +
           parsed.status().ToString() + " in " + json;
  }
  Result<Order> parsed_pretty = parser.ParseOne(pretty);
  if (!parsed_pretty.ok() || *parsed_pretty != *parsed) {
    return "pretty export imports differently";
  }
  // Strings are not checked for UTF-8 in records (the exporter replaces bad
  // bytes), so only a record of valid UTF-8 must come back identical.
  if (ValidateOrder(owned).ok() && *parsed != owned) {
    return "export imports back different: " + json;
  }
  return bytes > 0 ? "" : "verified record has no hash";
}

}  // namespace orderstore::fuzz
