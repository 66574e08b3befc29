// simdjson's number errors, worked around (simdjson_numbers.h).
#include "lib/simdjson_numbers.h"

#include <string>
#include <string_view>
#include <utility>

#include "lib/text.h"

namespace orderstore::internal {
namespace {

namespace ondemand = simdjson::ondemand;

// The first number in document order under `value` that simdjson cannot
// read as a float64. On success sets *path (object keys joined by '.',
// array indexes as "[i]") and *token to the number's text.
bool FindBadNumber(ondemand::value value, int depth, std::string* path,
                     std::string* token) {
  constexpr int kMaxDepth = 64;  // orders nest 4 deep; this is a hint only
  if (depth > kMaxDepth) return false;
  ondemand::json_type type;
  if (value.type().get(type)) return false;
  switch (type) {
    case ondemand::json_type::object: {
      ondemand::object object;
      if (value.get_object().get(object)) return false;
      for (auto entry : object) {
        ondemand::field field;
        std::string_view key;
        if (std::move(entry).get(field) || field.unescaped_key().get(key))
          return false;
        size_t size = path->size();
        if (!path->empty()) *path += '.';
        path->append(key);
        if (FindBadNumber(field.value(), depth + 1, path, token)) return true;
        path->resize(size);
      }
      return false;
    }
    case ondemand::json_type::array: {
      ondemand::array array;
      if (value.get_array().get(array)) return false;
      size_t index = 0;
      for (auto entry : array) {
        ondemand::value element;
        if (std::move(entry).get(element)) return false;
        size_t size = path->size();
        *path += "[" + std::to_string(index++) + "]";
        if (FindBadNumber(element, depth + 1, path, token)) return true;
        path->resize(size);
      }
      return false;
    }
    case ondemand::json_type::number: {
      std::string_view text = value.raw_json_token();
      double unused;
      if (value.get_double().get(unused)) {
        while (!text.empty() && IsJsonSpace(text.back())) text.remove_suffix(1);
        token->assign(text);  // copied: the text dies with the locator's copy
        return true;
      }
      return false;
    }
    default:
      return false;
  }
}

}  // namespace

bool WidenBigIntegers(std::string_view input, std::string* out) {
  const char* text = input.data();
  const size_t size = input.size();
  constexpr size_t kMaxUint64Digits = 20;  // 18446744073709551615
  out->clear();
  bool in_string = false, widened = false;
  size_t copied = 0;
  for (size_t i = 0; i < size; ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      continue;
    }
    if ((c < '0' || c > '9') && c != '-') continue;
    // A whole number token: digits, sign, fraction and exponent.
    size_t end = i, digits = 0;
    bool integer = true;
    for (; end < size; ++end) {
      char t = text[end];
      if (t >= '0' && t <= '9') {
        ++digits;
      } else if (t == '.' || t == 'e' || t == 'E') {
        integer = false;
      } else if (t != '-' && t != '+') {
        break;
      }
    }
    if (integer && digits >= kMaxUint64Digits) {
      out->append(text + copied, end - copied);
      out->append(".0");
      copied = end;
      widened = true;
    }
    i = end - 1;
  }
  if (widened) out->append(text + copied, size - copied);
  return widened;
}

bool LocateBadNumber(ondemand::parser& parser, std::string_view text,
                     bool in_list, size_t* element, std::string* path,
                     std::string* token) {
  // On-Demand wants its own copy (it must not read the next record).
  simdjson::padded_string copy(text);
  ondemand::document doc;
  ondemand::value root;
  if (copy.data() == nullptr || parser.iterate(copy).get(doc) ||
      doc.get_value().get(root)) {
    return false;
  }
  if (!in_list) return FindBadNumber(root, 0, path, token);
  ondemand::array array;
  if (root.get_array().get(array)) return false;
  for (auto entry : array) {
    ondemand::value record;
    ++*element;
    if (std::move(entry).get(record)) return false;
    if (FindBadNumber(record, 0, path, token)) return true;
  }
  return false;
}

}  // namespace orderstore::internal
