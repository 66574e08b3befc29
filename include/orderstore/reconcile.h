// Reconciliation: checking every stored order against the rules a
// consistent billing record obeys, on all cores, from one snapshot.
//
// Thread safety: the functions here may be called from any thread; Reconcile
// runs its own worker threads and calls `on_finding` from one thread at a
// time.
#ifndef ORDERSTORE_RECONCILE_H_
#define ORDERSTORE_RECONCILE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "orderstore/export.h"
#include "orderstore/order_view.h"
#include "orderstore/status.h"
#include "orderstore/store.h"

namespace orderstore {

// A named rule. The table of rules (lib/reconcile.cc) is:
//   fee_mismatch         fee differs from the sum of item prices by > 0.005
//   c_fee_over_fee       c_fee > fee
//   complete_undelivered status complete with an item not success
//   canceled_delivered   status canceled with pay_time set or an item
//                        delivered (success or refunded)
//   refund_unrefunded    status refund with an item not refunded
//   paid_before_created  pay_time (set) before create_time
//   expires_before_created  expire_time (set) before create_time
//   item_life_reversed   an item's life_expire_time before its
//                        life_start_time (both set)
struct ReconcileRule {
  std::string_view name;         // as in the table above
  std::string_view description;  // one line, for people
};

// Every rule, in the order above.
ORDERSTORE_EXPORT std::span<const ReconcileRule> ReconcileRules();

// The rules by identity, in the order above: ReconcileRules()[i] describes
// ReconcileRuleId(i).
enum class ReconcileRuleId : uint8_t {
  kFeeMismatch,           // fee_mismatch
  kCFeeOverFee,           // c_fee_over_fee
  kCompleteUndelivered,   // complete_undelivered
  kCanceledDelivered,     // canceled_delivered
  kRefundUnrefunded,      // refund_unrefunded
  kPaidBeforeCreated,     // paid_before_created
  kExpiresBeforeCreated,  // expires_before_created
  kItemLifeReversed,      // item_life_reversed
};

// The number of rules: ReconcileRules().size().
inline constexpr size_t kReconcileRuleCount = 8;

// A set of rules: which ones CheckOrder and Reconcile check. A plain value.
class ReconcileRuleSet {
 public:
  // The empty set.
  constexpr ReconcileRuleSet() = default;
  // Every rule.
  static constexpr ReconcileRuleSet All() {
    ReconcileRuleSet all;
    all.bits_ = (uint32_t{1} << kReconcileRuleCount) - 1;
    return all;
  }
  // The rules named `names` (ReconcileRule::name); InvalidArgument naming
  // the first name that is no rule's.
  ORDERSTORE_EXPORT static Result<ReconcileRuleSet> FromNames(
      const std::vector<std::string>& names);

  // Adds `rule`; returns *this.
  constexpr ReconcileRuleSet& Add(ReconcileRuleId rule) {
    bits_ |= uint32_t{1} << static_cast<unsigned>(rule);
    return *this;
  }
  // True if `rule` is in the set.
  constexpr bool Contains(ReconcileRuleId rule) const {
    return (bits_ >> static_cast<unsigned>(rule) & 1) != 0;
  }
  // True for the empty set (which checks nothing).
  constexpr bool empty() const { return bits_ == 0; }
  // Sets with the same rules are equal.
  friend constexpr bool operator==(ReconcileRuleSet,
                                   ReconcileRuleSet) = default;

 private:
  uint32_t bits_ = 0;
};

// One order breaking one rule.
struct Finding {
  OrderHash order;        // the order that breaks the rule
  std::string_view rule;  // a ReconcileRule name
  std::string detail;     // e.g. "fee 29.55 != item total 29.5"
};

// What a reconciliation scan checks and with how many threads.
struct ReconcileOptions {
  // The rules to check (ReconcileRuleSet::FromNames makes one from names).
  ReconcileRuleSet rules = ReconcileRuleSet::All();
  // Worker threads; 0: one per core.
  unsigned threads = 0;
};

// The totals of a reconciliation scan.
struct ReconcileSummary {
  size_t orders_checked = 0;  // every order read, corrupt ones included
  // Findings per rule, in ReconcileRules() order (0 for unchecked rules).
  std::vector<size_t> findings_per_rule;
  // Records that failed verification (each also reported as an error).
  size_t corrupt_records = 0;
};

// Checks `order` against the rules in `rules`; calls `on_finding` for each
// broken rule, in ReconcileRules() order.
ORDERSTORE_EXPORT void CheckOrder(
    OrderView order, ReconcileRuleSet rules,
    const std::function<void(const Finding&)>& on_finding);

// Scans every order of `store` from one snapshot, splitting the key space
// among `options.threads` workers, and reports each finding to
// `on_finding`, in key order. A record that fails verification is passed to
// `on_error` (Corruption naming the hash) and the scan goes on. IOError
// when the scan fails.
ORDERSTORE_EXPORT Result<ReconcileSummary> Reconcile(
    const Store& store, const ReconcileOptions& options,
    const std::function<void(const Finding&)>& on_finding,
    const std::function<void(const Status&)>& on_error);

}  // namespace orderstore

#endif  // ORDERSTORE_RECONCILE_H_
