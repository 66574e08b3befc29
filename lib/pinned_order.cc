// PinnedOrder: a stored record pinned in RocksDB's block cache (or copied
// into the PinnableSlice it holds in place), viewed without a copy.
#include "lib/pinned_order.h"

#include <cassert>
#include <utility>

#include "orderstore/order_view.h"

namespace orderstore {

using internal::SliceOf;
using internal::ViewAccess;

PinnedOrder::PinnedOrder() noexcept { new (pin_) rocksdb::PinnableSlice(); }

PinnedOrder::PinnedOrder(PinnedOrder&& other) noexcept
    : has_value_(other.has_value_) {
  // Built empty, then moved into: RocksDB 7.8's PinnableSlice move
  // constructor leaves the buffer pointer unset when `other` is pinned, and
  // a later Reset and copying Get would write through it.
  new (pin_) rocksdb::PinnableSlice();
  *SliceOf(*this) = std::move(*SliceOf(other));
  other.has_value_ = false;
}

PinnedOrder& PinnedOrder::operator=(PinnedOrder&& other) noexcept {
  if (this != &other) {
    *SliceOf(*this) = std::move(*SliceOf(other));
    has_value_ = other.has_value_;
    other.has_value_ = false;
  }
  return *this;
}

PinnedOrder::~PinnedOrder() {
  using rocksdb::PinnableSlice;
  SliceOf(*this)->~PinnableSlice();
}

OrderView PinnedOrder::view() const {
  assert(has_value_);
  const rocksdb::PinnableSlice* slice = SliceOf(*this);
  return ViewAccess::MakeView(reinterpret_cast<const uint8_t*>(slice->data()),
                              slice->size());
}

void PinnedOrder::Reset() {
  SliceOf(*this)->Reset();
  has_value_ = false;
}

}  // namespace orderstore
