#include <string>

#include "lib/text.h"
#include "orderstore/order.h"

namespace orderstore {
namespace {

// The value of hex digit `c`, or -1.
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Result<OrderHash> OrderHash::Parse(std::string_view hex) {
  std::array<uint8_t, kSize> bytes;
  bool valid = hex.size() == kHexSize;
  for (size_t i = 0; valid && i < kSize; ++i) {
    int high = HexValue(hex[2 * i]);
    int low = HexValue(hex[2 * i + 1]);
    valid = high >= 0 && low >= 0;
    bytes[i] = static_cast<uint8_t>(high << 4 | low);
  }
  if (!valid) {
    return Status::InvalidArgument("malformed order hash " +
                                   internal::Quote(hex) +
                                   ": want 32 hex digits");
  }
  return OrderHash(bytes);
}

void OrderHash::WriteHex(char* out) const {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (uint8_t byte : bytes_) {
    *out++ = kDigits[byte >> 4];
    *out++ = kDigits[byte & 0xf];
  }
}

std::string OrderHash::ToHex() const {
  std::string hex(kHexSize, '\0');
  WriteHex(hex.data());
  return hex;
}

}  // namespace orderstore
