#include "orderstore/lifecycle.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "orderstore/generate.h"
#include "orderstore/store.h"
#include "tests/test_util.h"

namespace orderstore {
namespace {

using testing::ExampleOrder;

TEST(LifecycleTest, OrderTableIsExactlyTheDocumentedOne) {
  using S = OrderStatus;
  const std::set<std::pair<S, S>> allowed = {{S::kNew, S::kPaid},
                                             {S::kNew, S::kCanceled},
                                             {S::kPaid, S::kComplete},
                                             {S::kPaid, S::kRefund},
                                             {S::kComplete, S::kRefund}};
  for (int f = 0; f < kOrderStatusCount; ++f) {
    for (int t = 0; t < kOrderStatusCount; ++t) {
      S from = static_cast<S>(f), to = static_cast<S>(t);
      EXPECT_EQ(IsAllowedTransition(from, to), allowed.count({from, to}) == 1)
          << ToString(from) << " -> " << ToString(to);
    }
  }
}

TEST(LifecycleTest, ItemTableIsExactlyTheDocumentedOne) {
  using S = ItemStatus;
  std::set<std::pair<S, S>> allowed = {
      {S::kNonExecutable, S::kExecutable}, {S::kExecutable, S::kProcessing},
      {S::kProcessing, S::kSuccess},       {S::kProcessing, S::kFailed},
      {S::kFailed, S::kProcessing},        {S::kFailed, S::kFailOver},
      {S::kSuccess, S::kRefunded}};
  for (S undelivered : {S::kNonExecutable, S::kExecutable, S::kProcessing,
                        S::kFailed, S::kFailOver}) {
    allowed.insert({undelivered, S::kCancelled});
  }
  for (int f = 0; f < kItemStatusCount; ++f) {
    for (int t = 0; t < kItemStatusCount; ++t) {
      S from = static_cast<S>(f), to = static_cast<S>(t);
      EXPECT_EQ(IsAllowedTransition(from, to), allowed.count({from, to}) == 1)
          << ToString(from) << " -> " << ToString(to);
    }
  }
}

TEST(LifecycleTest, PayingSetsPayTimeAndCancellingSetsCancelTime) {
  Order order = ExampleOrder();
  order.status = OrderStatus::kNew;
  order.pay_time = Timestamp::Unset();
  StatusUpdate pay;
  pay.order_status = OrderStatus::kPaid;
  pay.at = testing::Time("2020-09-17T14:58:22+08:00");
  Order paid = order;
  ASSERT_OK(ApplyStatusUpdate(pay, &paid));
  EXPECT_EQ(paid.status, OrderStatus::kPaid);
  EXPECT_EQ(paid.pay_time, pay.at);

  StatusUpdate cancel;
  cancel.order_status = OrderStatus::kCanceled;  // `at` unset: now
  Order canceled = order;
  ASSERT_OK(ApplyStatusUpdate(cancel, &canceled));
  EXPECT_TRUE(canceled.cancel_time.is_set());
  EXPECT_GT(canceled.cancel_time.unix_seconds, 1700000000);
}

TEST(LifecycleTest, RefusedChangesNameBothStatesAndChangeNothing) {
  Order order = ExampleOrder();  // complete, items success
  Order before = order;
  StatusUpdate update;
  update.order_status = OrderStatus::kPaid;
  Status s = ApplyStatusUpdate(update, &order);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_EQ(s.message(), "status: complete -> paid is not allowed");
  EXPECT_EQ(order, before);

  update = StatusUpdate();
  update.order_status = OrderStatus::kRefund;
  update.items = {{0, ItemStatus::kRefunded}, {1, ItemStatus::kFailed}};
  s = ApplyStatusUpdate(update, &order);
  EXPECT_EQ(s.message(), "items[1].status: success -> failed is not allowed");
  EXPECT_EQ(order, before);  // all or nothing

  update.items = {{2, ItemStatus::kRefunded}};
  s = ApplyStatusUpdate(update, &order);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("items[2]"), std::string::npos);
}

using StoreLifecycleTest = testing::StoreTest;

TEST_F(StoreLifecycleTest, UpdateAppliesAndMovesTheOrderInTheStatusIndex) {
  Order order = ExampleOrder();
  order.status = OrderStatus::kPaid;
  order.items[0].status = ItemStatus::kProcessing;
  ASSERT_OK(store_->Put(write_, order));
  auto read = store_->Get({}, order.hash);
  ASSERT_OK(read);
  StatusUpdate update;
  update.items = {{0, ItemStatus::kSuccess}};
  update.order_status = OrderStatus::kComplete;
  ASSERT_OK(store_->UpdateStatus(write_, read->view(), update));
  read->Reset();

  auto now = store_->Get({}, order.hash);
  ASSERT_OK(now);
  EXPECT_EQ(now->view().status(), OrderStatus::kComplete);
  EXPECT_EQ(now->view().items()[0].status(), ItemStatus::kSuccess);

  CreatedQuery paid;
  paid.statuses = {OrderStatus::kPaid};
  auto it = store_->QueryCreated({}, paid);
  ASSERT_OK(it);
  EXPECT_FALSE((*it)->Valid());
  paid.statuses = {OrderStatus::kComplete};
  it = store_->QueryCreated({}, paid);
  ASSERT_OK(it);
  ASSERT_TRUE((*it)->Valid());
  EXPECT_EQ((*it)->view()->hash(), order.hash);
}

TEST_F(StoreLifecycleTest, StaleReadIsAConflictNotALostUpdate) {
  Order order = GenerateOrder(1, 0);
  order.status = OrderStatus::kNew;
  for (OrderItem& item : order.items) item.status = ItemStatus::kNonExecutable;
  order.pay_time = order.cancel_time = Timestamp::Unset();
  ASSERT_OK(store_->Put(write_, order));

  auto first = store_->Get({}, order.hash);
  auto second = store_->Get({}, order.hash);
  ASSERT_OK(first);
  ASSERT_OK(second);
  StatusUpdate pay;
  pay.order_status = OrderStatus::kPaid;
  StatusUpdate cancel;
  cancel.order_status = OrderStatus::kCanceled;
  ASSERT_OK(store_->UpdateStatus(write_, first->view(), pay));
  Status s = store_->UpdateStatus(write_, second->view(), cancel);
  EXPECT_TRUE(s.IsConflict()) << s.ToString();
  EXPECT_EQ(store_->Get({}, order.hash)->view().status(), OrderStatus::kPaid);

  ASSERT_OK(store_->Delete(write_, order.hash));
  auto third = store_->Get({}, order.hash);
  EXPECT_TRUE(third.status().IsNotFound());
  EXPECT_TRUE(store_->UpdateStatus(write_, first->view(), pay).IsConflict());
}

TEST_F(StoreLifecycleTest, ConcurrentUpdatersNeverLoseAnUpdate) {
  // Each thread moves item i of one order through processing <-> failed
  // retries; every successful compare-and-set counts one step.
  Order order = GenerateOrder(2, 0);
  order.status = OrderStatus::kPaid;
  order.items.resize(1);
  order.fee = order.items[0].price;
  order.c_fee = order.fee;
  order.items[0].status = ItemStatus::kProcessing;
  order.items[0].life_start_time = order.items[0].life_expire_time = Timestamp::Unset();
  ASSERT_OK(store_->Put(write_, order));
  std::atomic<int> steps{0}, conflicts{0}, errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        auto read = store_->Get({}, order.hash);
        if (!read.ok()) {
          ++errors;
          continue;
        }
        ItemStatus now = read->view().items()[0].status();
        StatusUpdate update;
        update.items = {{0, now == ItemStatus::kProcessing ? ItemStatus::kFailed
                                                          : ItemStatus::kProcessing}};
        Status s = store_->UpdateStatus(write_, read->view(), update);
        if (s.ok()) ++steps;
        else if (s.IsConflict()) ++conflicts;
        else ++errors;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(errors, 0);
  EXPECT_EQ(steps + conflicts, 800);
  // Every step flipped the status once, so its parity tells how many landed.
  ItemStatus final_status = store_->Get({}, order.hash)->view().items()[0].status();
  EXPECT_EQ(final_status, steps % 2 == 0 ? ItemStatus::kProcessing : ItemStatus::kFailed);
}

}  // namespace
}  // namespace orderstore
