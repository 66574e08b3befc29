// Status and Result<T>: how every public call reports failure.
//
// Thread safety: a Status or Result is a plain value. Distinct objects may be
// used from distinct threads freely; one object may be read from many threads
// at once, but must not be read while another thread writes it.
//
// No public function of orderstore throws. A call that can fail returns a
// Status, or a Result<T> holding either a T or a non-OK Status.
#ifndef ORDERSTORE_STATUS_H_
#define ORDERSTORE_STATUS_H_

#include <array>
#include <cassert>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "orderstore/export.h"

namespace orderstore {

// The outcome of a call: OK, or a code saying what kind of failure with a
// message saying what failed.
//
// What is stored: the code and a message string; or, for OrderNotFound(),
// the code and the order's 16 hash bytes inline, the message being formatted
// only when message() or ToString() asks for it. So an OK status and the
// NotFound of a get or GetMany of an unknown hash cost no allocation to
// make, copy or drop (a daemon answers thousands a second).
class ORDERSTORE_EXPORT [[nodiscard]] Status {
 public:
  // What kind of failure; callers branch on it or on the Is*() tests.
  enum class Code : uint8_t {
    kOk = 0,
    kNotFound = 1,         // the requested order does not exist
    kCorruption = 2,       // stored bytes failed verification
    kInvalidArgument = 3,  // the caller's input is malformed
    kIOError = 4,          // the store cannot be read or written (or locked)
    kConflict = 5,         // the order changed since the caller read it
    kOutOfRange = 6,       // the changes asked for were trimmed from the feed
    kAlreadyExists = 7,    // a create found a different order stored
  };

  // Creates an OK status.
  Status() noexcept = default;

  // One factory per code. `message` says what failed and names the order,
  // file or field concerned; message() and ToString() return it.
  static Status OK() { return Status(); }
  static Status NotFound(std::string message) {
    return Status(Code::kNotFound, std::move(message));
  }
  // NotFound for the order whose 16-byte hash is `hash`; its message is
  // "order <32 lowercase hex digits> not found". Allocates nothing.
  static Status OrderNotFound(const std::array<uint8_t, 16>& hash) {
    Status s;
    s.code_ = Code::kNotFound;
    s.order_hash_ = hash;
    s.has_order_hash_ = true;
    return s;
  }
  static Status Corruption(std::string message) {
    return Status(Code::kCorruption, std::move(message));
  }
  static Status InvalidArgument(std::string message) {
    return Status(Code::kInvalidArgument, std::move(message));
  }
  static Status IOError(std::string message) {
    return Status(Code::kIOError, std::move(message));
  }
  static Status Conflict(std::string message) {
    return Status(Code::kConflict, std::move(message));
  }
  static Status OutOfRange(std::string message) {
    return Status(Code::kOutOfRange, std::move(message));
  }
  static Status AlreadyExists(std::string message) {
    return Status(Code::kAlreadyExists, std::move(message));
  }

  // Whether the status is OK, or has the code the name says.
  bool ok() const { return code_ == Code::kOk; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsCorruption() const { return code_ == Code::kCorruption; }
  bool IsInvalidArgument() const { return code_ == Code::kInvalidArgument; }
  bool IsIOError() const { return code_ == Code::kIOError; }
  bool IsConflict() const { return code_ == Code::kConflict; }
  bool IsOutOfRange() const { return code_ == Code::kOutOfRange; }
  bool IsAlreadyExists() const { return code_ == Code::kAlreadyExists; }

  // The code; Code::kOk when ok().
  Code code() const { return code_; }
  // What went wrong and where, on one line; empty for OK. Returned by value:
  // an OrderNotFound status formats it here, on each call.
  std::string message() const;

  // "OK", or the code's name and the message: "NotFound: order 6028...".
  std::string ToString() const;

  // Returns a status with the same code whose message is `context: message`.
  Status WithContext(std::string_view context) const;

 private:
  Status(Code code, std::string message)
      : code_(code), message_(std::move(message)) {
    assert(code != Code::kOk);
  }

  Code code_ = Code::kOk;
  // When set, the message is "order <hex of order_hash_> not found" and
  // message_ is empty.
  bool has_order_hash_ = false;
  std::array<uint8_t, 16> order_hash_{};
  std::string message_;
};

// The name of a code: "OK", "NotFound", "Corruption", "InvalidArgument",
// "IOError", "Conflict", "AlreadyExists".
ORDERSTORE_EXPORT std::string_view CodeName(Status::Code code);

// Holds either a value of type T or a non-OK Status.
//
//   Result<OrderHash> hash = OrderHash::Parse(text);
//   if (!hash.ok()) return hash.status();
//   Use(*hash);
template <typename T>
class [[nodiscard]] Result {
 public:
  // An OK result holding `value`.
  Result(T value) : rep_(std::in_place_index<1>, std::move(value)) {}
  // A failed result. REQUIRES: !status.ok()
  Result(Status status) : rep_(std::in_place_index<0>, std::move(status)) {
    assert(!std::get<0>(rep_).ok());
  }

  // True when a value is held (status() is then OK).
  bool ok() const { return rep_.index() == 1; }
  // The failure, or an OK status when a value is held.
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<0>(rep_);
  }

  // REQUIRES: ok()
  T& value() & {
    assert(ok());
    return std::get<1>(rep_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<1>(rep_);
  }
  T&& value() && {
    assert(ok());
    return std::get<1>(std::move(rep_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<Status, T> rep_;
};

}  // namespace orderstore

#endif  // ORDERSTORE_STATUS_H_
