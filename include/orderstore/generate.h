// Deterministic synthetic orders, for benchmarks, load tests, reliability
// tests and the demo: the same (seed, index) always gives the same order, on
// every machine and build (no std:: distributions, whose output is
// implementation-defined). A library of its own: link orderstore::testing
// (CMake) or orderstore-testing (pkg-config).
//
// Thread safety: GenerateOrder and GenerateOrderHash are pure functions and
// may be called from any number of threads at once. An OrderGenerator is a
// plain value: one thread at a time.
//
// The distribution (also printed by `orderstore generate --help`):
// - hash: 16 bytes that look random, unique for distinct indexes of one
//   seed (the first 8 bytes are a bijection of the index for a given seed).
// - items: 1 (40%), 2 (30%), 3 (20%) or 4 (10%); resource_type instance,
//   disk, ip or bandwidth with resource ids i-/d-/eip-/bw- and 10 random
//   characters; order_type create (60%), renew (25%), upgrade (15%); region
//   one of cn-qingdao, cn-beijing, cn-hangzhou, cn-shanghai, cn-shenzhen,
//   cn-hongkong, ap-southeast-1, us-west-1; price 1.00 to 999.99 in cents.
// - fee: the sum of the item prices (computed in cents, so
//   |fee - sum of prices| <= 0.005); c_fee: 0 for new and canceled orders,
//   otherwise fee or (30%) fee less a discount of up to 20%, so
//   0 <= c_fee <= fee.
// - status, with the item statuses and times it implies:
//     new       15%  items non_executable; pay_time, cancel_time unset
//     paid      20%  items executable, processing, failed, fail_over or
//                    success, at least one not success; pay_time set
//     canceled  10%  items cancelled; pay_time unset, cancel_time set
//     complete  40%  items all success; pay_time set
//     refund    15%  at least one item refunded, the others success or
//                    refunded; pay_time set
//   cancel_time is set only for canceled orders. An item has
//   life_start_time and life_expire_time set exactly when it is success or
//   refunded (it was delivered); unset (Go's zero time) otherwise.
// - times: create_time uniform over 2020-01-01 to 2025-12-31 (UTC);
//   expire_time (payment deadline) 30 minutes, 1 day or 7 days after it;
//   pay_time and cancel_time between create_time and expire_time;
//   life_start_time a little after pay_time, life_expire_time 1, 3 or 12
//   months of 30 days later. Offsets: Z (45%), +08:00 (40%), +05:45 (5%),
//   +09:00 (5%), -05:00 (5%) per order; expire_time (as in the source
//   document's example) uses +08:00 in a third of the orders. A quarter of
//   the orders have fractional seconds (milli-, micro- or nanoseconds).
//
// Every generated order passes ValidateOrder.
#ifndef ORDERSTORE_GENERATE_H_
#define ORDERSTORE_GENERATE_H_

#include <cstdint>

#include "orderstore/export.h"
#include "orderstore/order.h"

namespace orderstore {

// The order number `index` of the sequence for `seed`. Random access: costs
// the same for any index (about a microsecond), so a benchmark can recreate
// "order i" without keeping all orders.
ORDERSTORE_EXPORT Order GenerateOrder(uint64_t seed, uint64_t index);

// GenerateOrder(seed, index).hash, without building the order.
ORDERSTORE_EXPORT OrderHash GenerateOrderHash(uint64_t seed, uint64_t index);

// The orders of one seed in sequence: GenerateOrder(seed, 0), (seed, 1), ...
class ORDERSTORE_EXPORT OrderGenerator {
 public:
  // Starts at GenerateOrder(seed, first_index).
  explicit OrderGenerator(uint64_t seed, uint64_t first_index = 0)
      : seed_(seed), index_(first_index) {}

  // The next order; advances index().
  Order Next() { return GenerateOrder(seed_, index_++); }

  // The seed it was made with.
  uint64_t seed() const { return seed_; }
  // The index of the order Next() returns next.
  uint64_t index() const { return index_; }

 private:
  uint64_t seed_;
  uint64_t index_;
};

}  // namespace orderstore

#endif  // ORDERSTORE_GENERATE_H_
