// FaultWriter: the writes the fault tests make, one random write per Step,
// each announced to an AckedOrders before it is made and acknowledged
// there when the store returns OK.
//
// The writes cover every road into the store: synced Puts of new orders and
// of changed ones, synced Write batches of 2-8 orders mixing new orders, a
// changed one and a deletion, UpdateStatus (compare-and-set), and
// Store::Import batches of 5-150 orders (table files ingested), again with
// a changed order and a deletion now and then. Each writer only touches
// orders of its own, so that several may run at once and what each expects
// stays exact.
#ifndef ORDERSTORE_TESTS_FAULT_WRITER_H_
#define ORDERSTORE_TESTS_FAULT_WRITER_H_

#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "orderstore/status.h"
#include "orderstore/store.h"
#include "tests/acked_orders.h"

namespace orderstore::testing {

class FaultWriter {
 public:
  // Writer number `id` of `acked`, drawing its choices from `seed`; its new
  // orders are its orders number first_index, first_index + 1, ...
  FaultWriter(int id, uint64_t seed, AckedOrders* acked,
              uint64_t first_index = 0);

  // Takes a write the store returned OK for as acknowledged only if
  // `gate` says so when it returns (a power-loss test: only before the cut).
  void AcknowledgeOnlyIf(std::function<bool()> gate) { gate_ = std::move(gate); }

  // Reads back which orders it has from `acked` (after a Check decided
  // about its write in flight, or a Clear).
  void Reload();

  // Makes one random write to `store`: OK when the store acknowledged it.
  // Otherwise the store's error (the write stays in flight in `acked`).
  Status Step(Store& store);
  // The same, of one kind.
  enum class Kind { kPut, kChange, kBatch, kUpdate, kImport };
  Status Step(Store& store, Kind kind);

  // The kind of the last write Step made ("put", "batch", "update",
  // "import").
  const char* last_kind() const { return last_kind_; }

 private:
  Order NewOrder();
  // Order `i` of mine_, changed (a higher fee), as a new Order.
  Order Changed(size_t i) const;
  // Indexes of up to `n` distinct orders of mine_.
  std::vector<size_t> Pick(size_t n);
  Status Put(Store& store, const Order& order);
  Status Batch(Store& store, bool import, size_t new_orders);
  Status Update(Store& store);
  // Acknowledges the write just made (unless the gate says no) and folds
  // it into mine_.
  void Acknowledged(const std::vector<AckedOrders::Change>& changes);

  const int id_;
  AckedOrders* const acked_;
  std::mt19937_64 random_;
  uint64_t next_index_;
  std::vector<AckedOrders::Change> mine_;  // my orders the store holds
  const char* last_kind_ = "";
  std::function<bool()> gate_;
};

}  // namespace orderstore::testing

#endif  // ORDERSTORE_TESTS_FAULT_WRITER_H_
