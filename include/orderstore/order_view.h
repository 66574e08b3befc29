// Zero-copy access to a stored order: OrderView reads fields straight from
// the stored record's bytes; PinnedOrder keeps those bytes alive.
//
// Thread safety: an OrderView only reads immutable bytes, so any number of
// threads may read through copies of one view at once, for as long as the
// bytes live. A PinnedOrder may be read from many threads at once, but
// moving, resetting or destroying it must not race with any use of it.
#ifndef ORDERSTORE_ORDER_VIEW_H_
#define ORDERSTORE_ORDER_VIEW_H_

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string_view>

#include "orderstore/export.h"
#include "orderstore/order.h"

namespace orderstore {

namespace internal {
struct ViewAccess;  // lib/ builds views over verified records.
}  // namespace internal

// One item of an order, read in place. Lifetime: as OrderView.
class ORDERSTORE_EXPORT OrderItemView {
 public:
  // The item's fields (see OrderItem), read in place; string_views point
  // into the record. No decoding, copying or allocation.
  std::string_view order_type() const;
  std::string_view resource_type() const;
  std::string_view resource_id() const;
  std::string_view region() const;
  double price() const;
  ItemStatus status() const;
  Timestamp life_start_time() const;
  Timestamp life_expire_time() const;

  // An owned copy of every field.
  OrderItem ToOwned() const;

 private:
  friend struct internal::ViewAccess;
  explicit OrderItemView(const void* table) : table_(table) {}
  const void* table_;
};

// The items of an order, in order, read in place. Lifetime: as OrderView.
class ORDERSTORE_EXPORT ItemsView {
 public:
  // A forward iterator over the items, for range-for. Lifetime: as the
  // ItemsView it came from.
  class Iterator {
   public:
    // The standard iterator traits.
    using iterator_category = std::forward_iterator_tag;
    using value_type = OrderItemView;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = OrderItemView;

    // The standard forward-iterator operations.
    Iterator() = default;
    OrderItemView operator*() const { return (*items_)[index_]; }
    Iterator& operator++() {
      ++index_;
      return *this;
    }
    Iterator operator++(int) {
      Iterator old = *this;
      ++index_;
      return old;
    }
    friend bool operator==(const Iterator& a, const Iterator& b) {
      return a.index_ == b.index_;
    }

   private:
    friend class ItemsView;
    Iterator(const ItemsView* items, size_t index)
        : items_(items), index_(index) {}
    const ItemsView* items_ = nullptr;
    size_t index_ = 0;
  };

  // How many items the order has; empty() when none.
  size_t size() const;
  bool empty() const { return size() == 0; }
  // REQUIRES: i < size()
  OrderItemView operator[](size_t i) const;
  Iterator begin() const { return Iterator(this, 0); }
  Iterator end() const { return Iterator(this, size()); }

 private:
  friend struct internal::ViewAccess;
  explicit ItemsView(const void* vector) : vector_(vector) {}
  const void* vector_;  // null when the record has no items
};

// Lifetime: an OrderView does not own anything. It points into a record's
// bytes, which belong to whatever produced the view: a PinnedOrder (from
// Store::Get), an Iterator (until it moves), or the caller's buffer (for
// VerifyRecord). The view, and every string_view, ItemsView and
// OrderItemView taken from it, is valid exactly as long as those bytes.
//
//   OrderView view;
//   {
//     Result<PinnedOrder> pinned = store->Get({}, hash);
//     view = pinned->view();
//   }            // the PinnedOrder is destroyed here and unpins the bytes:
//   view.fee();  // WRONG: reads released memory.
//
// Call ToOwned() to keep the data past that point.
//
// A view is only ever made over a record that passed verification, so every
// accessor is safe and cheap (no decoding, no copying, no allocation).
class ORDERSTORE_EXPORT OrderView {
 public:
  // An empty view; REQUIRES for every accessor: made by the library.
  OrderView() = default;

  // The order's fields (see Order for what each means), read in place:
  // each costs a few loads, with no decoding, copying or allocation.
  OrderHash hash() const;
  double fee() const;
  double c_fee() const;
  Timestamp create_time() const;
  Timestamp pay_time() const;
  Timestamp cancel_time() const;
  Timestamp expire_time() const;
  OrderStatus status() const;
  ItemsView items() const;

  // The verified record bytes the view reads (the store's value).
  std::string_view record() const {
    return {reinterpret_cast<const char*>(data_), size_};
  }

  // An owned copy of every field.
  Order ToOwned() const;

 private:
  friend struct internal::ViewAccess;
  OrderView(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  const void* table() const;

  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

// Verifies `record` (a stored value: a FlatBuffers Order with the orderstore
// file identifier) and returns a view over it. Anything that is not such a
// record, or that holds an order ValidateOrder would refuse (a status this
// build does not know, negative money, an impossible time), is Corruption;
// never a crash. Strings are not checked for UTF-8 (the exporter writes an
// invalid byte as \ufffd).
// Lifetime: the view points into `record`'s bytes; see OrderView.
ORDERSTORE_EXPORT Result<OrderView> VerifyRecord(
    std::string_view record ORDERSTORE_LIFETIMEBOUND);

// Lifetime: a PinnedOrder owns the pin on one stored value (a RocksDB
// PinnableSlice: a block-cache or row-cache handle, or a private copy), and
// so keeps the bytes its view() reads alive until Reset(), destruction, or
// being moved from. It must be destroyed or Reset() before the Store that
// produced it is destroyed.
//
//   OrderView view = store->Get({}, hash)->view();
//   view.fee();  // WRONG: the temporary PinnedOrder was destroyed at the ';'.
//
// Writes to the same order after the Get do not change the pinned bytes: the
// view keeps showing the order as it was read.
//
// Move-only. Holding one costs no allocation of its own.
class ORDERSTORE_EXPORT PinnedOrder {
 public:
  // An empty PinnedOrder.
  PinnedOrder() noexcept;
  // Moving transfers the pin; `other` is empty afterwards. Not copyable.
  PinnedOrder(PinnedOrder&& other) noexcept;
  PinnedOrder& operator=(PinnedOrder&& other) noexcept;
  PinnedOrder(const PinnedOrder&) = delete;
  PinnedOrder& operator=(const PinnedOrder&) = delete;
  // Releases the pin, as Reset() does.
  ~PinnedOrder();

  // True when it holds no pin: default-constructed, moved from or Reset().
  bool empty() const { return !has_value_; }

  // The pinned order. REQUIRES: !empty()
  OrderView view() const ORDERSTORE_LIFETIMEBOUND;

  // Releases the pin; the PinnedOrder is empty afterwards.
  void Reset();

 private:
  friend struct internal::ViewAccess;
  // Room for a rocksdb::PinnableSlice, built in place so that a Get
  // allocates nothing of its own; lib/ checks the size at compile time.
  static constexpr size_t kPinSize = 128;
  alignas(8) unsigned char pin_[kPinSize];
  bool has_value_ = false;
};

}  // namespace orderstore

#endif  // ORDERSTORE_ORDER_VIEW_H_
