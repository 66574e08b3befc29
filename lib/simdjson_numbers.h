// Two gaps in simdjson's number handling that the JSON importer
// (json_import.cc) works around, apart from the importer's own logic:
// - simdjson 3.0 refuses integers too large for 64 bits, which Go (and our
//   exporter) write for float64 values such as 1e20
//   (100000000000000000000): WidenBigIntegers rewrites them as decimals
//   that it reads.
// - the DOM parser reports NUMBER_ERROR without saying which number:
//   LocateBadNumber finds it with the On-Demand parser, for the message.
// Both run only after a parse has failed with NUMBER_ERROR, never on the
// fast path.
#ifndef ORDERSTORE_LIB_SIMDJSON_NUMBERS_H_
#define ORDERSTORE_LIB_SIMDJSON_NUMBERS_H_

#include <simdjson.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace orderstore::internal {

// Copies `text` to *out with ".0" after every integer too large for 64
// bits (outside strings), so that simdjson reads them as the doubles they
// are. Returns false, *out unspecified, when there is none.
bool WidenBigIntegers(std::string_view text, std::string* out);

// Finds the first number in document order in the JSON `text` that
// simdjson cannot read as a float64, using `parser` (kept by the caller so
// that its buffers are reused). `in_list`: `text` is a top-level array of
// records; then *element is set to the 1-based index of the record that
// holds the number, and *path is relative to that record. On success sets
// *path (keys joined by '.', array indexes as "[i]", e.g.
// "data.items[1].price") and *token to the number's text, and returns true;
// false when no number fails (or `text` is not valid JSON).
bool LocateBadNumber(simdjson::ondemand::parser& parser, std::string_view text,
                     bool in_list, size_t* element, std::string* path,
                     std::string* token);

}  // namespace orderstore::internal

#endif  // ORDERSTORE_LIB_SIMDJSON_NUMBERS_H_
