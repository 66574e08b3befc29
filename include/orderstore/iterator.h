// Iterator: walks stored orders in key order (the raw 16 bytes of the hash,
// which is also the order of their hex text).
//
// Thread safety: an Iterator must not be used from two threads at once;
// distinct iterators over one store may be used from distinct threads.
#ifndef ORDERSTORE_ITERATOR_H_
#define ORDERSTORE_ITERATOR_H_

#include "orderstore/export.h"
#include "orderstore/order.h"
#include "orderstore/order_view.h"
#include "orderstore/status.h"

namespace orderstore {

// Reads from the consistent snapshot taken when it was created: writes made
// afterwards are not seen. Must be destroyed before its Store.
//
// Damaged records (the rule QueryIterator follows too): a record that fails
// verification is a position of its own, whose view() is Corruption naming
// the order; Next() moves past it. Nothing is skipped silently and one
// damaged record does not end the walk: the caller sees each one where it
// lies and decides (a scan reports it and goes on; a total stops). status()
// is for errors that end the walk (I/O, damaged files).
//
//   std::unique_ptr<Iterator> it = store->NewIterator({});
//   for (it->SeekToFirst(); it->Valid(); it->Next()) {
//     Result<OrderView> order = it->view();
//     if (!order.ok()) { report(order.status()); continue; }
//     use(*order);
//   }
//   if (!it->status().ok()) { ... }  // an I/O error ended the loop early
class ORDERSTORE_EXPORT Iterator {
 public:
  Iterator() = default;
  Iterator(const Iterator&) = delete;
  Iterator& operator=(const Iterator&) = delete;
  virtual ~Iterator() = default;

  // True while positioned at an order.
  virtual bool Valid() const = 0;
  // Positions at the first order, or !Valid() when the store is empty.
  virtual void SeekToFirst() = 0;
  // Positions at the first order whose hash is >= `hash`.
  virtual void Seek(const OrderHash& hash) = 0;
  // Moves to the next order. REQUIRES: Valid()
  virtual void Next() = 0;

  // The current order's hash (its key). REQUIRES: Valid()
  virtual OrderHash hash() const = 0;

  // Lifetime: the view points into the iterator's current value; it is
  // invalid after the next Seek, SeekToFirst or Next, or once the iterator
  // is destroyed:
  //   OrderView first = *it->view();
  //   it->Next();
  //   first.fee();  // WRONG: the bytes moved on.
  // Corruption (naming the hash) when the current record fails
  // verification; the iterator stays usable and Next() moves past it.
  // REQUIRES: Valid()
  virtual Result<OrderView> view() const ORDERSTORE_LIFETIMEBOUND = 0;

  // OK, or the I/O error or corruption in the store's files that made
  // Valid() false early.
  virtual Status status() const = 0;
};

}  // namespace orderstore

#endif  // ORDERSTORE_ITERATOR_H_
