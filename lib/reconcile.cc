#include "orderstore/reconcile.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <thread>

#include "lib/text.h"
#include "orderstore/json_export.h"

namespace orderstore {
namespace {

using enum ReconcileRuleId;

constexpr ReconcileRule kRules[kReconcileRuleCount] = {
    {"fee_mismatch", "fee differs from the sum of item prices by more than 0.005"},
    {"c_fee_over_fee", "c_fee is greater than fee"},
    {"complete_undelivered", "status complete with an item not success"},
    {"canceled_delivered",
     "status canceled with pay_time set or an item delivered"},
    {"refund_unrefunded", "status refund with an item not refunded"},
    {"paid_before_created", "pay_time before create_time"},
    {"expires_before_created", "expire_time before create_time"},
    {"item_life_reversed",
     "an item's life_expire_time precedes its life_start_time"},
};

static_assert(kRules[static_cast<size_t>(kItemLifeReversed)].name ==
              "item_life_reversed");

std::string Number(double x) {
  std::string text;
  AppendJsonNumber(x, &text);
  return text;
}

}  // namespace

std::span<const ReconcileRule> ReconcileRules() { return kRules; }

Result<ReconcileRuleSet> ReconcileRuleSet::FromNames(
    const std::vector<std::string>& names) {
  ReconcileRuleSet set;
  for (const std::string& name : names) {
    auto rule = std::find_if(std::begin(kRules), std::end(kRules),
                             [&](const ReconcileRule& r) { return r.name == name; });
    if (rule == std::end(kRules)) {
      return Status::InvalidArgument("unknown rule " + internal::Quote(name));
    }
    set.Add(static_cast<ReconcileRuleId>(rule - std::begin(kRules)));
  }
  return set;
}

void CheckOrder(OrderView order, ReconcileRuleSet rules,
                const std::function<void(const Finding&)>& on_finding) {
  // One pass over the items gathers what every item rule asks; messages
  // (and the hash) are only built for an order that breaks a rule, so a
  // clean order costs no allocation.
  constexpr size_t kNone = SIZE_MAX;
  struct ItemFacts {
    double total = 0;
    size_t first_not_success = kNone;
    size_t first_delivered = kNone;  // success or refunded
    size_t first_not_refunded = kNone;
    size_t first_life_reversed = kNone;
  } facts;
  const ItemsView items = order.items();
  const size_t item_count = items.size();
  auto first = [](size_t* slot, size_t i, bool holds) {
    if (holds && *slot == kNone) *slot = i;
  };
  for (size_t i = 0; i < item_count; ++i) {
    const OrderItemView item = items[i];
    facts.total += item.price();
    const ItemStatus s = item.status();
    first(&facts.first_not_success, i, s != ItemStatus::kSuccess);
    first(&facts.first_delivered, i,
          s == ItemStatus::kSuccess || s == ItemStatus::kRefunded);
    first(&facts.first_not_refunded, i, s != ItemStatus::kRefunded);
    if (facts.first_life_reversed == kNone) {
      const Timestamp start = item.life_start_time();
      const Timestamp end = item.life_expire_time();
      first(&facts.first_life_reversed, i,
            start.is_set() && end.is_set() && InstantBefore(end, start));
    }
  }

  auto checks = [rules](ReconcileRuleId rule) { return rules.Contains(rule); };
  auto report = [&](ReconcileRuleId rule, std::string detail) {
    on_finding(Finding{order.hash(), kRules[static_cast<size_t>(rule)].name,
                       std::move(detail)});
  };
  auto item_detail = [&items](size_t i) {
    return "items[" + std::to_string(i) + "] is " +
           std::string(ToString(items[i].status()));
  };
  const double fee = order.fee();
  if (checks(kFeeMismatch) && std::fabs(fee - facts.total) > 0.005) {
    report(kFeeMismatch,
           "fee " + Number(fee) + " != item total " + Number(facts.total));
  }
  if (checks(kCFeeOverFee) && order.c_fee() > fee) {
    report(kCFeeOverFee, "c_fee " + Number(order.c_fee()) + " > fee " + Number(fee));
  }
  const OrderStatus status = order.status();
  if (checks(kCompleteUndelivered) && status == OrderStatus::kComplete &&
      facts.first_not_success != kNone) {
    report(kCompleteUndelivered, item_detail(facts.first_not_success));
  }
  if (checks(kCanceledDelivered) && status == OrderStatus::kCanceled) {
    if (order.pay_time().is_set()) {
      report(kCanceledDelivered, "pay_time is " + FormatTimestamp(order.pay_time()));
    } else if (facts.first_delivered != kNone) {
      report(kCanceledDelivered, item_detail(facts.first_delivered));
    }
  }
  if (checks(kRefundUnrefunded) && status == OrderStatus::kRefund &&
      facts.first_not_refunded != kNone) {
    report(kRefundUnrefunded, item_detail(facts.first_not_refunded));
  }
  const Timestamp created = order.create_time();
  if (checks(kPaidBeforeCreated) && order.pay_time().is_set() &&
      InstantBefore(order.pay_time(), created)) {
    report(kPaidBeforeCreated, "pay_time " + FormatTimestamp(order.pay_time()) +
                                   " < create_time " + FormatTimestamp(created));
  }
  if (checks(kExpiresBeforeCreated) && order.expire_time().is_set() &&
      InstantBefore(order.expire_time(), created)) {
    report(kExpiresBeforeCreated,
           "expire_time " + FormatTimestamp(order.expire_time()) +
               " < create_time " + FormatTimestamp(created));
  }
  if (checks(kItemLifeReversed) && facts.first_life_reversed != kNone) {
    const size_t i = facts.first_life_reversed;
    report(kItemLifeReversed,
           "items[" + std::to_string(i) + "]: life_expire_time " +
               FormatTimestamp(items[i].life_expire_time()) +
               " < life_start_time " + FormatTimestamp(items[i].life_start_time()));
  }
}

Result<ReconcileSummary> Reconcile(
    const Store& store, const ReconcileOptions& options,
    const std::function<void(const Finding&)>& on_finding,
    const std::function<void(const Status&)>& on_error) {
  unsigned threads = options.threads != 0
                         ? options.threads
                         : std::max(1u, std::thread::hardware_concurrency());
  // Hashes are uniform, so equal slices of the first two key bytes hold
  // about equal numbers of orders; more slices than threads balance the
  // load. Each slice's results are kept apart and reported in key order.
  const size_t slices = threads == 1 ? 1 : size_t{threads} * 16;
  struct Slice {
    std::vector<Finding> findings;
    std::vector<Status> errors;
    size_t checked = 0;
    Status status;
  };
  std::vector<Slice> results(slices);
  std::shared_ptr<const Snapshot> snapshot = store.GetSnapshot();
  ReadOptions read;
  read.fill_cache = false;
  read.snapshot = snapshot.get();

  auto boundary = [slices](size_t i) {
    std::array<uint8_t, OrderHash::kSize> bytes{};
    uint32_t prefix = static_cast<uint32_t>(i * 65536 / slices);
    bytes[0] = static_cast<uint8_t>(prefix >> 8);
    bytes[1] = static_cast<uint8_t>(prefix);
    return OrderHash(bytes);
  };
  std::atomic<size_t> next{0};
  auto work = [&] {
    std::unique_ptr<Iterator> it = store.NewIterator(read);
    for (size_t i; (i = next.fetch_add(1)) < slices;) {
      Slice& slice = results[i];
      const std::function<void(const Finding&)> keep =
          [&slice](const Finding& f) { slice.findings.push_back(f); };
      const bool last = i + 1 == slices;
      const OrderHash end = boundary(i + 1);
      for (i == 0 ? it->SeekToFirst() : it->Seek(boundary(i));
           it->Valid() && (last || it->hash() < end); it->Next()) {
        ++slice.checked;
        Result<OrderView> view = it->view();
        if (!view.ok()) {
          slice.errors.push_back(view.status());
          continue;
        }
        CheckOrder(*view, options.rules, keep);
      }
      slice.status = it->status();
      if (!slice.status.ok()) return;
    }
  };
  std::vector<std::thread> workers;
  for (unsigned t = 1; t < threads; ++t) workers.emplace_back(work);
  work();
  for (std::thread& worker : workers) worker.join();

  ReconcileSummary summary;
  summary.findings_per_rule.assign(kReconcileRuleCount, 0);
  for (Slice& slice : results) {
    if (!slice.status.ok()) return slice.status;
    summary.orders_checked += slice.checked;
    summary.corrupt_records += slice.errors.size();
    for (const Status& error : slice.errors) on_error(error);
    for (const Finding& finding : slice.findings) {
      for (size_t r = 0; r < kReconcileRuleCount; ++r) {
        if (kRules[r].name == finding.rule) ++summary.findings_per_rule[r];
      }
      on_finding(finding);
    }
  }
  return summary;
}

}  // namespace orderstore
