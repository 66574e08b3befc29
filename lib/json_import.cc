// Reading the documented JSON with simdjson's DOM API. The DOM parser
// validates the whole text (structure, UTF-8, depth) before we look at it;
// On-Demand would skip validating the values we skip. Numbers, strings and
// keys are read straight from the parsed tape, so a record costs no heap
// allocation beyond the Order's own strings and items.
#include "orderstore/json_import.h"

#include <simdjson.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "lib/json_fields.h"
#include "lib/json_keys.h"
#include "lib/simdjson_numbers.h"
#include "lib/text.h"

namespace orderstore {
namespace {

namespace dom = simdjson::dom;
namespace ondemand = simdjson::ondemand;
using internal::AllKeys;
using internal::BomSize;
using internal::GetNumber;
using internal::GetString;
using internal::GetTime;
using internal::Invalid;
using internal::IsBlank;
using internal::ItemKeyIndex;
using internal::kItemKeys;
using internal::kOrderKeys;
using internal::kResponseKeys;
using internal::OrderKeyIndex;
using internal::PathOf;
using internal::ResponseKeyIndex;
using internal::TypeName;
using internal::Where;
using internal::WrongType;
using enum internal::ItemKey;
using enum internal::OrderKey;
using enum internal::ResponseKey;

constexpr size_t kProgressStep = size_t{1} << 20;  // report every ~1 MiB
// The parser's buffers: allocated for lines up to kInitialCapacity bytes at
// first, and kept between calls up to kKeptCapacity.
constexpr size_t kInitialCapacity = size_t{64} << 10;
constexpr size_t kKeptCapacity = size_t{16} << 20;


}  // namespace

struct OrderParser::Impl {
  dom::parser parser;
  dom::document document;
  // The end of the caller's text: simdjson may read up to SIMDJSON_PADDING
  // bytes past a record (whatever they hold), so a record that ends at
  // least that far before it is parsed in place, without a copy; the text
  // is often a whole file.
  const char* input_end = nullptr;
  // A padded copy of a record too close to input_end, or of a record with
  // widened integers.
  simdjson::padded_string tail;
  std::string widened;
  // Unknown keys of the objects being read, innermost last, to catch
  // duplicates among them too (objects nest, so it is used as a stack).
  std::vector<std::string_view> unknown_keys;
  // Only made when a number fails to parse, to find which one.
  std::unique_ptr<ondemand::parser> locator;

  // Parses text[0, size), which must lie before input_end.
  simdjson::error_code ParseJson(const char* text, size_t size,
                                 dom::element* root) {
    if (static_cast<size_t>(input_end - text) - size <
        simdjson::SIMDJSON_PADDING) {
      tail = simdjson::padded_string(text, size);
      if (tail.data() == nullptr) return simdjson::MEMALLOC;
      text = tail.data();
    }
    simdjson::error_code error = ParsePadded(text, size, root);
    if (error == simdjson::NUMBER_ERROR &&
        internal::WidenBigIntegers(std::string_view(text, size), &widened)) {
      simdjson::padded_string copy(widened);
      if (copy.data() == nullptr) return simdjson::MEMALLOC;
      tail = std::move(copy);
      return ParsePadded(tail.data(), tail.size(), root);
    }
    return error;
  }

  // Parses text[0, size), followed by SIMDJSON_PADDING readable bytes.
  simdjson::error_code ParsePadded(const char* text, size_t size,
                                   dom::element* root) {
    // Grow geometrically ourselves: simdjson grows to exactly each new
    // maximum, which reallocates on every line of a file whose lines grow.
    if (size > parser.capacity()) {
      size_t capacity =
          std::max({size, 2 * parser.capacity(), kInitialCapacity});
      if (auto error = parser.allocate(capacity)) return error;
      if (auto error = document.allocate(capacity)) return error;
    }
    return parser.parse_into_document(document, text, size, false).get(*root);
  }

  // The message for a text that is not valid JSON. `in_list`: the text is a
  // top-level array of records, whose elements a located error names.
  Status JsonError(simdjson::error_code error, const char* text, size_t size,
                   bool in_list) {
    std::string why = "invalid JSON: ";
    if (error != simdjson::NUMBER_ERROR) {
      return Status::InvalidArgument(why + simdjson::error_message(error));
    }
    std::string path;
    std::string token;
    size_t element = 0;
    if (!locator) locator = std::make_unique<ondemand::parser>();
    if (!internal::LocateBadNumber(*locator, std::string_view(text, size),
                                   in_list, &element, &path, &token)) {
      return Status::InvalidArgument(
          why + "a number is malformed or beyond the range of a float64");
    }
    why += "number " + internal::Quote(token) +
           " is malformed or beyond the range of a float64";
    if (!path.empty()) why = path + ": " + why;
    if (in_list) why = "element " + std::to_string(element) + ": " + why;
    return Status::InvalidArgument(std::move(why));
  }

  // Reads `object`'s fields: calls read(key index, value) for each key of
  // `keys` (index_of gives the index of a key, or -1); every key in
  // `required` must be there, and no key twice.
  template <size_t N, typename Read>
  Status ReadObject(dom::object object, const std::string_view (&keys)[N],
                    int (*index_of)(std::string_view), uint32_t required,
                    const Where& where, Read&& read) {
    uint32_t seen = 0;
    const size_t unknown_begin = unknown_keys.size();
    Status status;
    for (dom::key_value_pair entry : object) {
      int index = index_of(entry.key);
      if (index < 0) {
        unknown_keys.push_back(entry.key);
        continue;
      }
      uint32_t bit = uint32_t{1} << index;
      if (seen & bit) {
        status =
            Invalid(where, "", "duplicate key " + internal::Quote(entry.key));
        break;
      }
      seen |= bit;
      status = read(index, entry.value);
      if (!status.ok()) break;
    }
    // Unknown keys are ignored, but not when repeated: usually there are
    // none, so sorting them costs nothing.
    auto begin = unknown_keys.begin() + static_cast<ptrdiff_t>(unknown_begin);
    if (status.ok() && unknown_keys.end() - begin > 1) {
      std::sort(begin, unknown_keys.end());
      auto duplicate = std::adjacent_find(begin, unknown_keys.end());
      if (duplicate != unknown_keys.end()) {
        status =
            Invalid(where, "", "duplicate key " + internal::Quote(*duplicate));
      }
    }
    unknown_keys.resize(unknown_begin);
    if (status.ok() && (seen & required) != required) {
      for (size_t i = 0; i < N; ++i) {
        if ((required >> i & 1) && !(seen >> i & 1)) {
          return Invalid(where, "",
                         "missing field " + internal::Quote(keys[i]));
        }
      }
    }
    return status;
  }

  Status ReadItem(dom::element value, const Where& where, OrderItem* item) {
    dom::object object;
    if (value.get_object().get(object)) {
      return WrongType(where, "", "an item object", value);
    }
    return ReadObject(
        object, kItemKeys, ItemKeyIndex, AllKeys(kItemKeys), where,
        [&](int key, dom::element field) -> Status {
          std::string_view name = kItemKeys[key];
          switch (key) {
            case kOrderType:
              return GetString(field, where, name, &item->order_type);
            case kResourceType:
              return GetString(field, where, name, &item->resource_type);
            case kResourceId:
              return GetString(field, where, name, &item->resource_id);
            case kRegion:
              return GetString(field, where, name, &item->region);
            case kPrice:
              return GetNumber(field, where, name, &item->price);
            case kItemStatus: {
              std::string_view text;
              Status status = GetString(field, where, name, &text);
              if (!status.ok()) return status;
              Result<ItemStatus> parsed = ParseItemStatus(text);
              if (!parsed.ok()) {
                return parsed.status().WithContext(PathOf(where, name));
              }
              item->status = *parsed;
              return Status::OK();
            }
            case kLifeStartTime:
              return GetTime(field, where, name, &item->life_start_time);
            case kLifeExpireTime:
              return GetTime(field, where, name, &item->life_expire_time);
          }
          return Status::OK();
        });
  }

  Status ReadItems(dom::element value, const Where& where,
                   std::vector<OrderItem>* items) {
    dom::array array;
    if (value.get_array().get(array)) {
      return WrongType(where, "items", "an array", value);
    }
    items->reserve(array.size());
    Where item_where = where;
    item_where.item = 0;
    for (dom::element element : array) {
      Status status = ReadItem(element, item_where, &items->emplace_back());
      if (!status.ok()) return status;
      ++item_where.item;
    }
    return Status::OK();
  }

  // Reads one order and checks it with ValidateOrder.
  Status ReadOrder(dom::element value, const Where& where, Order* order) {
    dom::object object;
    if (value.get_object().get(object)) {
      return WrongType(where, "", "an order object", value);
    }
    Status status = ReadObject(
        object, kOrderKeys, OrderKeyIndex, AllKeys(kOrderKeys), where,
        [&](int key, dom::element field) -> Status {
          std::string_view name = kOrderKeys[key];
          switch (key) {
            case kOrder: {
              std::string_view text;
              Status s = GetString(field, where, name, &text);
              if (!s.ok()) return s;
              Result<OrderHash> hash = OrderHash::Parse(text);
              if (!hash.ok()) {
                return hash.status().WithContext(PathOf(where, name));
              }
              order->hash = *hash;
              return Status::OK();
            }
            case kFee:
              return GetNumber(field, where, name, &order->fee);
            case kCFee:
              return GetNumber(field, where, name, &order->c_fee);
            case kCreateTime:
              return GetTime(field, where, name, &order->create_time);
            case kPayTime:
              return GetTime(field, where, name, &order->pay_time);
            case kCancelTime:
              return GetTime(field, where, name, &order->cancel_time);
            case kExpireTime:
              return GetTime(field, where, name, &order->expire_time);
            case kOrderStatus: {
              std::string_view text;
              Status s = GetString(field, where, name, &text);
              if (!s.ok()) return s;
              Result<OrderStatus> parsed = ParseOrderStatus(text);
              if (!parsed.ok()) {
                return parsed.status().WithContext(PathOf(where, name));
              }
              order->status = *parsed;
              return Status::OK();
            }
            case kItems:
              return ReadItems(field, where, &order->items);
          }
          return Status::OK();
        });
    if (!status.ok()) return status;
    status = ValidateOrder(*order);
    // ValidateOrder names the field inside the order ("items[1].price").
    if (!status.ok() && where.data != Where::kNone) {
      return Status::InvalidArgument(PathOf(where) + "." + status.message());
    }
    return status;
  }

  // Reads one record (a response or a bare order), appending its orders to
  // *orders; on error appends none.
  Status ReadRecord(dom::element root, std::vector<Order>* orders) {
    const size_t first = orders->size();
    Status status = ReadRecordOrders(root, orders);
    if (!status.ok()) orders->erase(orders->begin() + first, orders->end());
    return status;
  }

  Status ReadRecordOrders(dom::element root, std::vector<Order>* orders) {
    dom::object object;
    if (root.get_object().get(object)) {
      return Status::InvalidArgument(
          "want an object (an order or a response), got " +
          std::string(TypeName(root)));
    }
    bool response = false;
    for (dom::key_value_pair entry : object) {
      if (entry.key == "data") {
        response = true;
        break;
      }
    }
    if (!response) return ReadOrder(root, Where{}, &orders->emplace_back());
    return ReadObject(
        object, kResponseKeys, ResponseKeyIndex, uint32_t{1} << kData, Where{},
        [&](int key, dom::element field) -> Status {
          if (key == kRequestId) {
            std::string_view unused;
            return GetString(field, Where{}, "request_id", &unused);
          }
          dom::array array;
          if (field.get_array().get(array)) {
            if (!field.is_object()) {
              return WrongType(Where{}, "data",
                               "an order object or an array of orders", field);
            }
            Where where;
            where.data = Where::kDataObject;
            return ReadOrder(field, where, &orders->emplace_back());
          }
          Where where;
          where.data = 0;
          for (dom::element element : array) {
            Status status = ReadOrder(element, where, &orders->emplace_back());
            if (!status.ok()) return status;
            ++where.data;
          }
          return Status::OK();
        });
  }

  // Forgets the caller's text, and gives back the memory of a huge document
  // (a big JSON array makes buffers of several times its size).
  void Done() {
    input_end = nullptr;
    tail = simdjson::padded_string();
    if (parser.capacity() > kKeptCapacity) {
      parser = dom::parser();
      document = dom::document();
    }
  }

  // Parses text[0, size) as one record.
  Status ParseRecord(const char* text, size_t size,
                     std::vector<Order>* orders) {
    dom::element root;
    if (auto error = ParseJson(text, size, &root)) {
      return JsonError(error, text, size, false);
    }
    return ReadRecord(root, orders);
  }
};

OrderParser::OrderParser() : impl_(std::make_unique<Impl>()) {}
OrderParser::~OrderParser() = default;

ParseResult OrderParser::Parse(std::string_view text, std::string_view source,
                               const ParseOptions& options) {
  ParseResult result;
  const size_t total = text.size();
  size_t next_report = kProgressStep;
  auto report = [&](size_t parsed) {
    // The final report is made once, after the loop.
    if (options.progress && parsed >= next_report && parsed < total) {
      options.progress(parsed, total);
      next_report = parsed + kProgressStep;
    }
  };
  // Returns false when parsing should stop.
  auto fail = [&](Status status, const std::string& where) {
    result.errors.push_back(status.WithContext(where));
    return options.keep_going;
  };

  const char* const base = text.data();
  const char* const end = base + total;
  impl_->input_end = end;

  const char* start = base + BomSize(text);
  const char* first = start;
  while (first < end && internal::IsJsonSpace(*first)) ++first;

  if (first == end) {
    // Nothing but whitespace: no records.
  } else if (*first == '[') {
    // A JSON array of records.
    dom::element root;
    dom::array array;
    const size_t size = static_cast<size_t>(end - start);
    if (auto error = impl_->ParseJson(start, size, &root)) {
      // One broken array: nothing in it can be trusted.
      result.records = 1;
      fail(impl_->JsonError(error, start, size, true), std::string(source));
    } else if (!root.get_array().get(array)) {
      const size_t count = array.size();
      size_t index = 0;
      result.layout = ParseResult::Layout::kArray;
      for (dom::element element : array) {
        ++index;
        ++result.records;
        Status status = impl_->ReadRecord(element, &result.orders);
        result.record_numbers.resize(result.orders.size(),
                                     static_cast<uint32_t>(index));
        if (!status.ok() && !fail(status, std::string(source) + ": element " +
                                              std::to_string(index))) {
          break;
        }
        // The DOM does not say where an element ends: estimate.
        report(count == 0 ? total : total / count * index);
      }
    }
  } else {
    // JSON Lines if the first non-blank line is a whole value, or the
    // second is (the first is broken), or there is only one line. Otherwise
    // one multi-line (pretty-printed) record: its first two lines ("{",
    // "\"data\": {") never parse alone. Deciding from two lines never
    // parses a whole, possibly huge, file as one document just to find out.
    auto line_end = [end](const char* p) {
      const char* eol = static_cast<const char*>(std::memchr(p, '\n', end - p));
      return eol == nullptr ? end : eol;
    };
    auto whole_value = [&](const char* p) {
      dom::element unused;
      return impl_->ParseJson(p, line_end(p) - p, &unused) == simdjson::SUCCESS;
    };
    const char* second = line_end(first);
    while (second < end && internal::IsJsonSpace(*second)) ++second;
    const bool lines =
        second == end || whole_value(first) || whole_value(second);
    if (lines) {
      size_t line = 0;
      for (const char* p = start; p < end;) {
        const char* eol = line_end(p);
        ++line;
        const size_t size = static_cast<size_t>(eol - p);
        if (!IsBlank(p, size)) {
          ++result.records;
          Status status = impl_->ParseRecord(p, size, &result.orders);
          result.record_numbers.resize(result.orders.size(),
                                       static_cast<uint32_t>(line));
          if (!status.ok() &&
              !fail(status, std::string(source) + ":" + std::to_string(line))) {
            break;
          }
        }
        p = eol + 1;
        report(static_cast<size_t>(std::min(p, end) - base));
      }
    } else {
      result.records = 1;
      result.layout = ParseResult::Layout::kSingle;
      Status status = impl_->ParseRecord(start, end - start, &result.orders);
      result.record_numbers.resize(result.orders.size(), 1);
      if (!status.ok()) fail(status, std::string(source) + ": record 1");
    }
  }
  impl_->Done();
  if (options.progress) options.progress(total, total);
  return result;
}

std::string ParseResult::Origin(std::string_view source, size_t i) const {
  const std::string number = std::to_string(record_numbers[i]);
  switch (layout) {
    case Layout::kLines:
      return std::string(source) + ":" + number;
    case Layout::kArray:
      return std::string(source) + ": element " + number;
    case Layout::kSingle:
      break;
  }
  return std::string(source) + ": record " + number;
}

Result<Order> OrderParser::ParseOne(std::string_view json) {
  const size_t skip = BomSize(json);
  impl_->input_end = json.data() + json.size();
  std::vector<Order> orders;
  Status status =
      impl_->ParseRecord(json.data() + skip, json.size() - skip, &orders);
  impl_->Done();
  if (!status.ok()) return status;
  if (orders.size() != 1) {
    return Status::InvalidArgument("data: want exactly one order, got " +
                                   std::to_string(orders.size()));
  }
  return std::move(orders.front());
}

}  // namespace orderstore
