// AckedOrders: what the store acknowledged, kept in memory (outside the
// store's disk, which a fault test damages), and the check that a store
// reopened after a fault holds all of it.
//
// Writers announce each write before making it (Begin: the orders it
// puts, with their records, and the hashes it deletes), then Acknowledge
// it once the store returned OK. A write that was in flight when the fault
// struck may have landed or not, but all of it or none: Check decides
// which from what the store holds, and then expects exactly that.
//
// Thread safety: Begin, Acknowledge and Of may be called by several
// writers at once (each with its own writer number, touching orders no
// other writer touches); Check and Clear only while no writer runs.
#ifndef ORDERSTORE_TESTS_ACKED_ORDERS_H_
#define ORDERSTORE_TESTS_ACKED_ORDERS_H_

#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "orderstore/order.h"
#include "orderstore/store.h"

namespace orderstore::testing {

class AckedOrders {
 public:
  // One order a write changes: its new record, or "" for a deletion.
  struct Change {
    OrderHash hash;
    std::string record;
  };

  // Writer `writer` is about to make a write of `changes` (one per hash).
  void Begin(int writer, std::vector<Change> changes);
  // The write Begin announced returned OK.
  void Acknowledge(int writer);

  // The orders of `writer` the store holds, by what was acknowledged (and
  // found by the last Check): hash and record.
  std::vector<Change> Of(int writer) const;

  // Checks `store` (reopened after a fault) against what was acknowledged:
  // every acknowledged order there byte for byte (through GetMany and a
  // scan),
  // every deletion absent, each write in flight all there or none (and
  // from then on taken as acknowledged or not), every record verifying, no
  // order nobody wrote, and CheckIndexes clean. Returns the problems, one
  // a line ("" when there is none); counts the orders checked.
  std::string Check(const Store& store);

  // Forgets everything (a new, empty store follows).
  void Clear();

  // Acknowledged orders compared with the store by Check, over all calls.
  size_t orders_checked() const { return orders_checked_; }
  // Writes in flight at a fault that Check found landed, and not landed.
  size_t in_flight_landed() const { return in_flight_landed_; }
  size_t in_flight_lost() const { return in_flight_lost_; }

 private:
  struct Entry {
    std::string record;
    int writer;
  };
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> acked_;  // by hash key
  std::map<int, std::vector<Change>> pending_;    // by writer
  size_t orders_checked_ = 0;
  size_t in_flight_landed_ = 0;
  size_t in_flight_lost_ = 0;
};

}  // namespace orderstore::testing

#endif  // ORDERSTORE_TESTS_ACKED_ORDERS_H_
