#include "orderstore/reconcile.h"

#include <gtest/gtest.h>

#include <map>

#include "lib/record.h"
#include "orderstore/generate.h"
#include "tests/test_util.h"

namespace orderstore {
namespace {

using testing::ExampleOrder;
using testing::Time;

// The findings CheckOrder reports for `order`, as rule -> detail.
std::map<std::string, std::string> Findings(
    const Order& order, ReconcileRuleSet rules = ReconcileRuleSet::All()) {
  std::string record = internal::EncodeRecord(order);
  std::map<std::string, std::string> found;
  CheckOrder(*VerifyRecord(record), rules, [&](const Finding& f) {
    EXPECT_EQ(f.order, order.hash);
    found[std::string(f.rule)] = f.detail;
  });
  return found;
}

TEST(ReconcileRulesTest, TheExampleIsClean) {
  EXPECT_TRUE(Findings(ExampleOrder()).empty());
  EXPECT_EQ(ReconcileRules().size(), 8u);
}

TEST(ReconcileRulesTest, EachRuleCatchesItsCase) {
  Order o = ExampleOrder();
  o.fee = 29.56;  // item total 29.55: within 0.005 is fine, 0.01 is not
  o.c_fee = 29.0;
  EXPECT_EQ(Findings(o), (std::map<std::string, std::string>{
                             {"fee_mismatch", "fee 29.56 != item total 29.55"}}));
  o.fee = 29.554;
  EXPECT_TRUE(Findings(o).empty());

  o = ExampleOrder();
  o.c_fee = 30;
  EXPECT_EQ(Findings(o)["c_fee_over_fee"], "c_fee 30 > fee 29.55");

  o = ExampleOrder();
  o.items[1].status = ItemStatus::kFailed;
  EXPECT_EQ(Findings(o)["complete_undelivered"], "items[1] is failed");

  o = ExampleOrder();
  o.status = OrderStatus::kCanceled;
  o.pay_time = Timestamp::Unset();
  EXPECT_EQ(Findings(o)["canceled_delivered"], "items[0] is success");
  o.items[0].status = o.items[1].status = ItemStatus::kCancelled;
  EXPECT_TRUE(Findings(o).empty());
  o.pay_time = Time("2020-09-17T14:58:22Z");
  EXPECT_EQ(Findings(o)["canceled_delivered"], "pay_time is 2020-09-17T14:58:22Z");

  o = ExampleOrder();
  o.status = OrderStatus::kRefund;
  o.items[0].status = ItemStatus::kRefunded;
  EXPECT_EQ(Findings(o)["refund_unrefunded"], "items[1] is success");

  o = ExampleOrder();
  o.pay_time = Time("2020-09-16T11:57:17.5+00:00");
  EXPECT_EQ(Findings(o)["paid_before_created"],
            "pay_time 2020-09-16T11:57:17.5Z < create_time 2020-09-16T11:57:18Z");
  o.pay_time = Time("2020-09-16T19:57:18+08:00");  // the same instant: fine
  EXPECT_TRUE(Findings(o).empty());

  o = ExampleOrder();
  o.expire_time = Time("2020-09-16T19:57:17+08:00");
  EXPECT_EQ(Findings(o).count("expires_before_created"), 1u);

  o = ExampleOrder();
  o.items[1].life_expire_time = Time("2020-09-17T14:59:06Z");
  EXPECT_EQ(Findings(o)["item_life_reversed"],
            "items[1]: life_expire_time 2020-09-17T14:59:06Z < life_start_time "
            "2020-09-17T14:59:07Z");
}

TEST(ReconcileRulesTest, MaskSelectsRules) {
  Order o = ExampleOrder();
  o.fee = 100;
  o.c_fee = 200;
  EXPECT_EQ(Findings(o).size(), 2u);
  const ReconcileRuleSet c_fee_only =
      ReconcileRuleSet().Add(ReconcileRuleId::kCFeeOverFee);
  EXPECT_EQ(Findings(o, c_fee_only).size(), 1u);
  EXPECT_EQ(Findings(o, c_fee_only).count("c_fee_over_fee"), 1u);
  EXPECT_TRUE(Findings(o, ReconcileRuleSet()).empty());
}

class ReconcileTest : public testing::TempDirTest {};

TEST_F(ReconcileTest, ParallelScanMatchesASerialCheckInKeyOrder) {
  auto store = Store::Open(Options(), Path("db"));
  ASSERT_OK(store);
  WriteOptions fast;
  fast.sync = false;
  WriteBatch batch;
  std::vector<std::pair<OrderHash, std::string>> expected;
  std::map<OrderHash, Order> orders;
  for (uint64_t i = 0; i < 3000; ++i) {
    Order order = GenerateOrder(11, i);
    if (i % 7 == 0) order.c_fee = order.fee + 1;  // break a rule now and then
    if (i % 11 == 0) order.fee += 0.5;
    orders[order.hash] = order;
    ASSERT_OK(batch.Put(order));
  }
  ASSERT_OK((*store)->Write(fast, batch));
  for (const auto& [hash, order] : orders) {
    for (const auto& [rule, detail] : Findings(order)) {
      expected.emplace_back(hash, rule);
    }
  }
  ASSERT_FALSE(expected.empty());

  for (unsigned threads : {1u, 2u, 8u}) {
    ReconcileOptions options;
    options.threads = threads;
    std::vector<std::pair<OrderHash, std::string>> found;
    auto summary = Reconcile(
        **store, options,
        [&](const Finding& f) { found.emplace_back(f.order, std::string(f.rule)); },
        [](const Status& s) { ADD_FAILURE() << s.ToString(); });
    ASSERT_OK(summary);
    EXPECT_EQ(summary->orders_checked, 3000u);
    EXPECT_TRUE(std::is_sorted(found.begin(), found.end(),
                               [](const auto& a, const auto& b) {
                                 return a.first < b.first;
                               }))
        << "findings not in key order with " << threads << " threads";
    // Within one order, findings come in rule order, which Findings' map
    // does not keep: compare as sorted.
    auto sorted = [](auto v) {
      std::stable_sort(v.begin(), v.end());
      return v;
    };
    EXPECT_EQ(sorted(found), sorted(expected)) << threads << " threads";
    size_t total = 0;
    for (size_t n : summary->findings_per_rule) total += n;
    EXPECT_EQ(total, expected.size());
  }

  ReconcileOptions one_rule;
  one_rule.rules = ReconcileRuleSet().Add(ReconcileRuleId::kCFeeOverFee);
  size_t count = 0;
  ASSERT_OK(Reconcile(**store, one_rule, [&](const Finding& f) {
    EXPECT_EQ(f.rule, "c_fee_over_fee");
    ++count;
  }, [](const Status&) {}));
  EXPECT_EQ(count, (3000 + 6) / 7);

}

TEST(ReconcileRuleSetTest, NamesAndIdsAgree) {
  const std::span<const ReconcileRule> rules = ReconcileRules();
  ASSERT_EQ(rules.size(), kReconcileRuleCount);
  std::vector<std::string> names;
  for (size_t i = 0; i < rules.size(); ++i) {
    names.emplace_back(rules[i].name);
    Result<ReconcileRuleSet> one = ReconcileRuleSet::FromNames({names.back()});
    ASSERT_OK(one);
    EXPECT_EQ(*one, ReconcileRuleSet().Add(static_cast<ReconcileRuleId>(i)));
    for (size_t j = 0; j < rules.size(); ++j) {
      EXPECT_EQ(one->Contains(static_cast<ReconcileRuleId>(j)), i == j);
    }
  }
  Result<ReconcileRuleSet> all = ReconcileRuleSet::FromNames(names);
  ASSERT_OK(all);
  EXPECT_EQ(*all, ReconcileRuleSet::All());
  EXPECT_TRUE(ReconcileRuleSet().empty());
  EXPECT_EQ(ReconcileRuleSet::FromNames({}).value(), ReconcileRuleSet());

  Result<ReconcileRuleSet> bad =
      ReconcileRuleSet::FromNames({"c_fee_over_fee", "no_such_rule"});
  EXPECT_TRUE(bad.status().IsInvalidArgument());
  EXPECT_EQ(bad.status().message(), "unknown rule \"no_such_rule\"");
}

}  // namespace
}  // namespace orderstore
