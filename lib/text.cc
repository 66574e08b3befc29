#include "lib/text.h"

#include <simdjson.h>

#include <array>
#include <cstring>

#include "orderstore/json_export.h"

namespace orderstore::internal {

bool IsValidUtf8(std::string_view text) {
  // Order fields are short and almost always ASCII: a plain loop answers
  // them in a few instructions, where simdjson's dispatch costs ~70 a call.
  unsigned char high_bits = 0;
  for (char c : text) high_bits |= static_cast<unsigned char>(c);
  return high_bits < 0x80 || simdjson::validate_utf8(text.data(), text.size());
}

namespace {

// The value of hex digit `c`, or -1.
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

void EncodeHex(std::string_view bytes, char* out) {
  // Both digits of every byte value, so that each byte is one 2-byte copy
  // (the exporter writes a hash per order).
  static constexpr std::array<char, 512> kPairs = [] {
    constexpr char kDigits[] = "0123456789abcdef";
    std::array<char, 512> pairs{};
    for (int i = 0; i < 256; ++i) {
      pairs[2 * i] = kDigits[i >> 4];
      pairs[2 * i + 1] = kDigits[i & 0xf];
    }
    return pairs;
  }();
  for (unsigned char byte : bytes) {
    std::memcpy(out, &kPairs[2 * byte], 2);
    out += 2;
  }
}

std::string EncodeHex(std::string_view bytes) {
  std::string hex(2 * bytes.size(), '\0');
  EncodeHex(bytes, hex.data());
  return hex;
}

bool DecodeHex(std::string_view hex, uint8_t* out) {
  if (hex.size() % 2 != 0) return false;
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int high = HexValue(hex[i]);
    const int low = HexValue(hex[i + 1]);
    if (high < 0 || low < 0) return false;
    *out++ = static_cast<uint8_t>(high << 4 | low);
  }
  return true;
}

std::string Quote(std::string_view text) {
  constexpr size_t kMaxQuoted = 64;
  // Messages are read by people: '<', '>' and '&' stay as they are.
  constexpr ExportOptions kReadable{.escape_html = false};
  std::string out;
  if (text.size() <= kMaxQuoted) {
    AppendJsonString(text, &out, kReadable);
  } else {
    AppendJsonString(text.substr(0, kMaxQuoted), &out, kReadable);
    out.insert(out.size() - 1, "...");
  }
  return out;
}

}  // namespace orderstore::internal
