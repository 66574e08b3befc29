// Comparing two orders field by field, for creates (Store::Create): a
// create of an order already stored succeeds only if every field is equal,
// and otherwise names the first field that differs.
#ifndef ORDERSTORE_LIB_ORDER_DIFF_H_
#define ORDERSTORE_LIB_ORDER_DIFF_H_

#include <string>
#include <string_view>

#include "orderstore/order.h"
#include "orderstore/status.h"
#include "orderstore/store.h"

namespace orderstore::internal {

// The path of the first field in which `a` and `b` differ, in the
// documented field order ("order", "fee", "c_fee", "create_time", ...,
// "status", then each item's fields "items[1].price", ...), or
// "items.length" when one has more items and the items both have are
// equal. Empty when every field is equal. Numbers compare as numbers
// (0 == -0), times field by field (one instant written with two offsets
// differs), strings byte for byte.
std::string FirstDifference(const Order& a, const Order& b);

// FirstDifference of the orders two records hold: empty when they are
// equal (at once when the bytes are). Corruption when `stored` does not
// verify. REQUIRES: `record` verifies (a record WriteBatch encoded).
Result<std::string> RecordDifference(std::string_view stored,
                                     std::string_view record);

// Decides the create of `record` (the order `hash`) against the stored
// `old_record` (empty: absent) and counts it in *creates: created (returns
// true: to be written), identical (existed), or a conflict naming the first
// differing field (a damaged stored record conflicts too).
bool CheckCreate(const OrderHash& hash, std::string_view old_record,
                 std::string_view record, WriteOutcome* creates);

// Hands what a batch's creates found to the caller (*outcome, when not
// null) and returns the batch's status: AlreadyExists naming the first
// conflict's order and field (and how many more there are) when any create
// conflicts, else OK.
Status ReportCreates(WriteOutcome found, WriteOutcome* outcome);

}  // namespace orderstore::internal

#endif  // ORDERSTORE_LIB_ORDER_DIFF_H_
