// Small text helpers shared by the library's parsers and error messages.
#ifndef ORDERSTORE_LIB_TEXT_H_
#define ORDERSTORE_LIB_TEXT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace orderstore::internal {

// True for JSON's whitespace: space, tab, line feed, carriage return.
inline bool IsJsonSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// True if the n bytes at p are all JSON whitespace (n == 0 included).
inline bool IsBlank(const char* p, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (!IsJsonSpace(p[i])) return false;
  }
  return true;
}

// The size of the UTF-8 byte order mark that `text` starts with (3), or 0.
// Some Windows tools write one; JSON readers may ignore it (RFC 8259 §8.1).
inline size_t BomSize(std::string_view text) {
  return text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
}

// True if `text` is valid UTF-8 (no overlong forms, no surrogates).
bool IsValidUtf8(std::string_view text);

// Writes the 2 * bytes.size() lower-case hex digits of `bytes` to out[0..).
void EncodeHex(std::string_view bytes, char* out);
std::string EncodeHex(std::string_view bytes);

// Decodes hex digits (either case) into out[0 .. hex.size() / 2). False,
// with *out unspecified, when `hex` has odd length or a non-hex character.
bool DecodeHex(std::string_view hex, uint8_t* out);

// `text` as a JSON string literal for an error message, quotes included;
// text over 64 bytes is cut there and marked with "...", so that a huge
// input never makes a huge message.
std::string Quote(std::string_view text);

}  // namespace orderstore::internal

#endif  // ORDERSTORE_LIB_TEXT_H_
