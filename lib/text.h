// Small text helpers shared by the library's parsers and error messages.
#ifndef ORDERSTORE_LIB_TEXT_H_
#define ORDERSTORE_LIB_TEXT_H_

#include <string>
#include <string_view>

namespace orderstore::internal {

// True if `text` is valid UTF-8 (no overlong forms, no surrogates).
bool IsValidUtf8(std::string_view text);

// `text` as a JSON string literal for an error message, quotes included;
// text over 64 bytes is cut there and marked with "...", so that a huge
// input never makes a huge message.
std::string Quote(std::string_view text);

}  // namespace orderstore::internal

#endif  // ORDERSTORE_LIB_TEXT_H_
