// Queries over the store's secondary indexes: orders by creation time
// (optionally of given statuses) and orders touching a resource.
//
// Thread safety: a QueryIterator must not be used from two threads at once;
// distinct queries over one store may run on distinct threads.
#ifndef ORDERSTORE_QUERY_H_
#define ORDERSTORE_QUERY_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "orderstore/export.h"
#include "orderstore/order.h"
#include "orderstore/order_view.h"
#include "orderstore/status.h"

namespace orderstore {

// Orders whose create_time lies in [from, to), by instant (the UTC offset
// they were written with does not matter). Orders with an unset
// create_time sort before every set time.
struct CreatedQuery {
  std::optional<Timestamp> from;  // inclusive; none: from the earliest
  std::optional<Timestamp> to;    // exclusive; none: to the latest
  // Only orders in one of these statuses; empty: every status.
  std::vector<OrderStatus> statuses;
  // Oldest first (false) or newest first (true); ties by hash.
  bool newest_first = false;
  // At most this many orders; 0: no limit.
  size_t limit = 0;
  // Resume after the last order a previous page yielded: the value that
  // page's QueryIterator::cursor() returned. The other fields must be the
  // same as that page's. Empty: from the start.
  std::string cursor;
};

// Orders with at least one item whose resource_id equals `resource_id`
// exactly, in hash order.
struct ResourceQuery {
  std::string resource_id;  // matched exactly, case included
  size_t limit = 0;         // 0: no limit
  std::string cursor;       // as in CreatedQuery
};

// Yields a query's orders lazily, all read from the one consistent snapshot
// taken when the query started. Must be destroyed before its Store.
//
// Damaged records follow Iterator's rule (iterator.h): each is a position
// of its own whose view() is Corruption naming the order, and Next() moves
// past it (the cursor too), so that one damaged record is reported where
// it lies and neither hides the orders after it nor ends the listing.
//
//   auto it = store->QueryCreated({}, query);
//   if (!it.ok()) return it.status();            // e.g. a malformed cursor
//   for (; (*it)->Valid(); (*it)->Next()) {
//     Result<OrderView> order = (*it)->view();
//     if (!order.ok()) { report(order.status()); continue; }
//     use(*order);
//   }
//   if (!(*it)->status().ok()) ...  // an I/O error ended the query early
//   std::string next_page = (*it)->cursor();     // empty when exhausted
class ORDERSTORE_EXPORT QueryIterator {
 public:
  QueryIterator() = default;
  QueryIterator(const QueryIterator&) = delete;
  QueryIterator& operator=(const QueryIterator&) = delete;
  virtual ~QueryIterator() = default;

  // True while positioned at an order of the query.
  virtual bool Valid() const = 0;
  // Moves to the next order. REQUIRES: Valid()
  virtual void Next() = 0;

  // Lifetime: the view reads bytes the iterator pins for its current
  // position; it is invalid after Next() or once the iterator is destroyed:
  //   OrderView first = *it->view();
  //   it->Next();
  //   first.fee();  // WRONG: the previous order was unpinned.
  // Corruption (naming the hash) when the current record fails
  // verification; the iterator stays usable and Next() moves past it.
  // REQUIRES: Valid()
  virtual Result<OrderView> view() const ORDERSTORE_LIFETIMEBOUND = 0;

  // OK, or the I/O error or Corruption of the store's structure (an index
  // entry whose order is missing) that ended the query early.
  virtual Status status() const = 0;

  // Where the next page starts: after the last order yielded. Empty when
  // the query has yielded everything (when the limit stopped it, a cursor
  // is returned even if no order is left).
  virtual std::string cursor() const = 0;
};

}  // namespace orderstore

#endif  // ORDERSTORE_QUERY_H_
