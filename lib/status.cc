#include "orderstore/status.h"

#include "orderstore/order.h"

namespace orderstore {

std::string_view CodeName(Status::Code code) {
  switch (code) {
    case Status::Code::kOk:
      return "OK";
    case Status::Code::kNotFound:
      return "NotFound";
    case Status::Code::kCorruption:
      return "Corruption";
    case Status::Code::kInvalidArgument:
      return "InvalidArgument";
    case Status::Code::kIOError:
      return "IOError";
    case Status::Code::kConflict:
      return "Conflict";
    case Status::Code::kOutOfRange:
      return "OutOfRange";
    case Status::Code::kAlreadyExists:
      return "AlreadyExists";
  }
  return "Unknown";
}

std::string Status::message() const {
  if (!has_order_hash_) return message_;
  return "order " + OrderHash(order_hash_).ToHex() + " not found";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out(CodeName(code_));
  out += ": ";
  out += message();
  return out;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  std::string message(context);
  message += ": ";
  message += this->message();
  return Status(code_, std::move(message));
}

}  // namespace orderstore
