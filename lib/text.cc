#include "lib/text.h"

#include <simdjson.h>

#include "orderstore/json_export.h"

namespace orderstore::internal {

bool IsValidUtf8(std::string_view text) {
  return simdjson::validate_utf8(text.data(), text.size());
}

std::string Quote(std::string_view text) {
  constexpr size_t kMaxQuoted = 64;
  std::string out;
  if (text.size() <= kMaxQuoted) {
    AppendJsonString(text, &out);
  } else {
    AppendJsonString(text.substr(0, kMaxQuoted), &out);
    out.insert(out.size() - 1, "...");
  }
  return out;
}

}  // namespace orderstore::internal
