// Aggregate figures over a store's orders: counts by status, money totals,
// the create_time range and the size on disk (what `orderstore stats`
// prints).
//
// Thread safety: a StoreStats is a plain value (one thread at a time);
// ComputeStats may run on many threads at once, like any scan.
#ifndef ORDERSTORE_STATS_H_
#define ORDERSTORE_STATS_H_

#include <array>
#include <cstdint>
#include <optional>

#include "orderstore/export.h"
#include "orderstore/order.h"
#include "orderstore/order_view.h"
#include "orderstore/status.h"

namespace orderstore {

class Store;

// The figures ComputeStats gathers over every order of one snapshot.
struct ORDERSTORE_EXPORT StoreStats {
  uint64_t orders = 0;  // orders read (corrupt records not included)
  uint64_t items = 0;   // items of those orders
  // Indexed by the enum's value.
  std::array<uint64_t, kOrderStatusCount> by_status{};
  std::array<uint64_t, kItemStatusCount> by_item_status{};
  // Sums of fee and c_fee, added with Neumaier's compensated summation so
  // that a million cent amounts still add up to the cent.
  double fee_total = 0;
  double c_fee_total = 0;
  // The earliest and latest set create_time, by instant (each as written,
  // with its offset); none when no order has one.
  std::optional<Timestamp> created_min;
  std::optional<Timestamp> created_max;
  // Orders whose create_time is unset (Go's zero time).
  uint64_t created_unset = 0;
  // Records that failed verification (not counted above); `orderstore
  // verify` names them.
  uint64_t corrupt = 0;
  // Bytes of every file in the store's directory.
  uint64_t bytes_on_disk = 0;

  // Counts one order.
  void Add(OrderView order);

 private:
  // Running sums and their compensation terms; the totals are sum + error.
  double fee_sum_ = 0, fee_error_ = 0;
  double c_fee_sum_ = 0, c_fee_error_ = 0;
};

// Scans every order of `store` (without filling the block cache, so a scan
// does not evict the hot set) from one snapshot, and measures its directory.
// Success: the figures, with records that fail verification counted in
// `corrupt`. Failure: the IOError or Corruption of the store's files that
// stopped the scan.
ORDERSTORE_EXPORT Result<StoreStats> ComputeStats(const Store& store);

}  // namespace orderstore

#endif  // ORDERSTORE_STATS_H_
