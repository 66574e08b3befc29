#include "lib/json_fields.h"

#include <string>
#include <utility>

namespace orderstore::internal {

namespace dom = simdjson::dom;

std::string_view TypeName(dom::element value) {
  switch (value.type()) {
    case dom::element_type::ARRAY:
      return "array";
    case dom::element_type::OBJECT:
      return "object";
    case dom::element_type::INT64:
    case dom::element_type::UINT64:
    case dom::element_type::DOUBLE:
      return "number";
    case dom::element_type::STRING:
      return "string";
    case dom::element_type::BOOL:
      return "boolean";
    case dom::element_type::NULL_VALUE:
      return "null";
  }
  return "unknown";
}

std::string PathOf(const Where& where, std::string_view field) {
  std::string path;
  if (where.data == Where::kDataObject) {
    path = "data";
  } else if (where.data >= 0) {
    path = "data[" + std::to_string(where.data) + "]";
  }
  if (where.item >= 0) {
    if (!path.empty()) path += '.';
    path += "items[" + std::to_string(where.item) + "]";
  }
  if (!field.empty()) {
    if (!path.empty()) path += '.';
    path += field;
  }
  return path;
}

Status Invalid(const Where& where, std::string_view field, std::string why) {
  std::string path = PathOf(where, field);
  return Status::InvalidArgument(path.empty() ? std::move(why)
                                              : path + ": " + why);
}

Status WrongType(const Where& where, std::string_view field,
                 std::string_view want, dom::element got) {
  return Invalid(
      where, field,
      "want " + std::string(want) + ", got " + std::string(TypeName(got)));
}

Status GetString(dom::element value, const Where& where, std::string_view field,
                 std::string_view* out) {
  if (value.get_string().get(*out)) {
    return WrongType(where, field, "a string", value);
  }
  return Status::OK();
}

Status GetString(dom::element value, const Where& where, std::string_view field,
                 std::string* out) {
  std::string_view text;
  Status status = GetString(value, where, field, &text);
  if (status.ok()) out->assign(text);
  return status;
}

Status GetNumber(dom::element value, const Where& where, std::string_view field,
                 double* out) {
  // get_double also converts integers; the DOM never holds a non-finite
  // number (1e400 fails the parse), and ValidateOrder checks anyway.
  if (!value.is_number() || value.get_double().get(*out)) {
    return WrongType(where, field, "a number", value);
  }
  return Status::OK();
}

Status GetTime(dom::element value, const Where& where, std::string_view field,
               Timestamp* out) {
  std::string_view text;
  Status status = GetString(value, where, field, &text);
  if (!status.ok()) return status;
  Result<Timestamp> time = ParseTimestamp(text);
  if (!time.ok()) return time.status().WithContext(PathOf(where, field));
  *out = *time;
  return Status::OK();
}

}  // namespace orderstore::internal
