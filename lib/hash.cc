#include <string>

#include "lib/text.h"
#include "orderstore/order.h"

namespace orderstore {

Result<OrderHash> OrderHash::Parse(std::string_view hex) {
  std::array<uint8_t, kSize> bytes;
  if (hex.size() != kHexSize || !internal::DecodeHex(hex, bytes.data())) {
    return Status::InvalidArgument("malformed order hash " +
                                   internal::Quote(hex) +
                                   ": want 32 hex digits");
  }
  return OrderHash(bytes);
}

void OrderHash::WriteHex(char* out) const { internal::EncodeHex(AsKey(), out); }

std::string OrderHash::ToHex() const {
  std::string hex(kHexSize, '\0');
  WriteHex(hex.data());
  return hex;
}

}  // namespace orderstore
