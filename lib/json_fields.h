// Reading one typed field of the documented response from simdjson's DOM,
// with an error that names the field by its path in the record
// ("data[2].items[1].price: want a number, got string").
#ifndef ORDERSTORE_LIB_JSON_FIELDS_H_
#define ORDERSTORE_LIB_JSON_FIELDS_H_

#include <simdjson.h>

#include <string>
#include <string_view>

#include "orderstore/status.h"
#include "orderstore/order.h"

namespace orderstore::internal {

// Where an object sits in its record. The path is only spelled out on
// error, so that reading a valid record costs no string work.
struct Where {
  static constexpr int kNone = -1;
  static constexpr int kDataObject = -2;  // "data" holding one order
  int data = kNone;                       // or the index in the data array
  int item = kNone;                       // the index in "items"
};

// The JSON type of `value` as a message names it: "object", "array",
// "number", "string", "boolean" or "null".
std::string_view TypeName(simdjson::dom::element value);

// The path of `field` in the object at `where` ("data[0].items[1].price");
// without a field, the path of the object itself ("" for the record).
std::string PathOf(const Where& where, std::string_view field = {});

// InvalidArgument "<path>: <why>" (just `why` at the record's top).
Status Invalid(const Where& where, std::string_view field, std::string why);

// InvalidArgument "<path>: want <want>, got <JSON type of got>".
Status WrongType(const Where& where, std::string_view field,
                 std::string_view want, simdjson::dom::element got);

// Each sets *out from `value` or returns the error naming `field`; *out is
// unchanged on error. A string_view points into the parser's DOM and lives
// as long as the parsed document.
Status GetString(simdjson::dom::element value, const Where& where,
                 std::string_view field, std::string_view* out);
Status GetString(simdjson::dom::element value, const Where& where,
                 std::string_view field, std::string* out);
Status GetNumber(simdjson::dom::element value, const Where& where,
                 std::string_view field, double* out);
// A time in the documented format (see time.h's ParseTimestamp).
Status GetTime(simdjson::dom::element value, const Where& where,
               std::string_view field, Timestamp* out);

}  // namespace orderstore::internal

#endif  // ORDERSTORE_LIB_JSON_FIELDS_H_
