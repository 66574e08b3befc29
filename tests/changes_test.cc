// The change feed and the order history through the library, on real
// stores: what each kind of write records, numbering across writes,
// batches and imports, trimming and its OutOfRange error, retention, the
// actor and reason, waiting, and the consistency check.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

#include "lib/record.h"
#include "orderstore/changes.h"
#include "orderstore/generate.h"
#include "orderstore/lifecycle.h"
#include "orderstore/store.h"
#include "tests/raw_store.h"
#include "tests/test_util.h"

namespace orderstore {
namespace {

struct SeenChange {
  uint64_t seq;
  ChangeOp op;
  OrderHash hash;
  std::string record, actor, reason;
};

// Every change after `after`, owned.
std::vector<SeenChange> ReadFeed(const Store& store, uint64_t after) {
  std::vector<SeenChange> seen;
  Result<std::unique_ptr<ChangeIterator>> it = store.ChangesAfter({}, after);
  EXPECT_OK(it);
  if (!it.ok()) return seen;
  for (; (*it)->Valid(); (*it)->Next()) {
    Result<ChangeView> c = (*it)->change();
    EXPECT_OK(c);
    if (!c.ok()) break;
    seen.push_back({c->seq(), c->op(), c->hash(),
                    c->op() == ChangeOp::kPut ? std::string(c->order().record()) : "",
                    std::string(c->actor()), std::string(c->reason())});
  }
  EXPECT_OK((*it)->status());
  return seen;
}

Order NewOrder(uint64_t i) {
  Order order = GenerateOrder(7, i);
  order.status = OrderStatus::kNew;
  order.pay_time = Timestamp::Unset();
  order.cancel_time = Timestamp::Unset();
  return order;
}

class ChangesTest : public testing::StoreTest {
 protected:
  void Reopen(const Options& options = Options()) {
    store_.reset();
    Result<std::unique_ptr<Store>> store = Store::Open(options, Path("db"));
    ASSERT_OK(store);
    store_ = std::move(store).value();
  }
};

TEST_F(ChangesTest, EveryKindOfWriteIsRecordedWithActorAndReason) {
  Order order = NewOrder(1);
  WriteOptions by_billing = write_;
  by_billing.actor = "billing-7";
  by_billing.reason = "created by checkout";
  ASSERT_OK(store_->Put(by_billing, order));

  Order repriced = order;
  repriced.fee += 1;
  repriced.c_fee += 1;
  repriced.items[0].price += 1;
  ASSERT_OK(store_->Put(write_, repriced));

  Result<PinnedOrder> read = store_->Get({}, order.hash);
  ASSERT_OK(read);
  StatusUpdate pay;
  pay.order_status = OrderStatus::kPaid;
  WriteOptions by_payments = write_;
  by_payments.actor = "payments";
  by_payments.reason = "card captured";
  ASSERT_OK(store_->UpdateStatus(by_payments, read->view(), pay));
  read->Reset();
  Result<PinnedOrder> paid = store_->Get({}, order.hash);
  ASSERT_OK(paid);
  const std::string paid_record(paid->view().record());
  paid->Reset();

  WriteOptions by_support = write_;
  by_support.actor = "support";
  ASSERT_OK(store_->Delete(by_support, order.hash));

  std::vector<SeenChange> feed = ReadFeed(*store_, 0);
  ASSERT_EQ(feed.size(), 4u);
  for (size_t i = 0; i < feed.size(); ++i) {
    EXPECT_EQ(feed[i].seq, i + 1);
    EXPECT_EQ(feed[i].hash, order.hash);
  }
  EXPECT_EQ(feed[0].record, internal::EncodeRecord(order));
  EXPECT_EQ(feed[0].actor, "billing-7");
  EXPECT_EQ(feed[0].reason, "created by checkout");
  EXPECT_EQ(feed[1].record, internal::EncodeRecord(repriced));
  EXPECT_EQ(feed[1].actor, "");
  EXPECT_EQ(feed[2].record, paid_record);
  EXPECT_EQ(feed[2].actor, "payments");
  EXPECT_EQ(feed[3].op, ChangeOp::kDelete);
  EXPECT_EQ(feed[3].record, "");
  EXPECT_EQ(feed[3].actor, "support");

  Result<std::vector<HistoryEntry>> history = store_->History({}, order.hash);
  ASSERT_OK(history);
  ASSERT_EQ(history->size(), 4u);
  const std::vector<HistoryEntry>& h = *history;
  EXPECT_EQ(h[0].kind, HistoryKind::kCreated);
  EXPECT_EQ(h[0].from, std::nullopt);
  EXPECT_EQ(h[0].to, OrderStatus::kNew);
  EXPECT_EQ(h[0].actor, "billing-7");
  EXPECT_EQ(h[0].reason, "created by checkout");
  EXPECT_EQ(h[1].kind, HistoryKind::kReplaced);
  EXPECT_EQ(h[1].changed, kMoneyFields);
  EXPECT_EQ(h[1].from, OrderStatus::kNew);
  EXPECT_EQ(h[1].to, OrderStatus::kNew);
  EXPECT_EQ(h[2].kind, HistoryKind::kStatusChanged);
  EXPECT_EQ(h[2].from, OrderStatus::kNew);
  EXPECT_EQ(h[2].to, OrderStatus::kPaid);
  EXPECT_EQ(h[2].changed, kStatusFields);
  EXPECT_EQ(h[2].actor, "payments");
  EXPECT_EQ(h[2].reason, "card captured");
  EXPECT_EQ(h[3].kind, HistoryKind::kDeleted);
  EXPECT_EQ(h[3].from, OrderStatus::kPaid);
  EXPECT_EQ(h[3].to, std::nullopt);
  EXPECT_EQ(h[3].actor, "support");
  for (size_t i = 0; i < h.size(); ++i) {
    EXPECT_EQ(h[i].seq, i + 1);
    if (i > 0) {
      EXPECT_GE(h[i].time_micros, h[i - 1].time_micros);
    }
  }
  EXPECT_EQ(FieldGroupNames(kStatusFields | kItemFields), "status,items");

  // The history outlives the order, until trimmed on purpose.
  Result<size_t> kept = store_->TrimHistory(4);
  ASSERT_OK(kept);
  EXPECT_EQ(*kept, 0u);
  Result<size_t> trimmed = store_->TrimHistory(5);
  ASSERT_OK(trimmed);
  EXPECT_EQ(*trimmed, 1u);
  history = store_->History({}, order.hash);
  ASSERT_OK(history);
  EXPECT_TRUE(history->empty());
}

TEST_F(ChangesTest, WritesThatChangeNothingRecordNothing) {
  Order order = NewOrder(2);
  ASSERT_OK(store_->Put(write_, order));
  ASSERT_OK(store_->Put(write_, order));  // the same bytes again
  ASSERT_OK(store_->Delete(write_, NewOrder(3).hash));  // never stored
  EXPECT_EQ(store_->ChangeFeed().latest, 1u);
  EXPECT_EQ(ReadFeed(*store_, 0).size(), 1u);
}

TEST_F(ChangesTest, BatchesAndImportsAreNumberedInOrderAndSurviveReopening) {
  WriteBatch batch;
  for (uint64_t i = 0; i < 5; ++i) ASSERT_OK(batch.Put(NewOrder(i)));
  batch.Delete(NewOrder(0).hash);  // the last entry for a hash wins
  ASSERT_OK(store_->Write(write_, batch));
  EXPECT_EQ(store_->ChangeFeed().latest, 4u);  // orders 1..4

  WriteBatch import;
  for (uint64_t i = 3; i < 3000; ++i) {
    Order order = NewOrder(i);
    if (i < 5) order.fee += 1;  // 3 and 4 are replaced
    ASSERT_OK(import.Put(order));
  }
  ASSERT_OK(store_->Import(import));
  EXPECT_EQ(store_->ChangeFeed().latest, 4u + 2997u);
  ASSERT_OK(store_->Put(write_, NewOrder(5000)));

  Reopen();
  std::vector<SeenChange> feed = ReadFeed(*store_, 0);
  ASSERT_EQ(feed.size(), 4u + 2997u + 1u);
  for (size_t i = 0; i < feed.size(); ++i) ASSERT_EQ(feed[i].seq, i + 1);
  EXPECT_EQ(feed.back().hash, NewOrder(5000).hash);
  // After a reopen, numbering goes on from the last.
  ASSERT_OK(store_->Put(write_, NewOrder(5001)));
  EXPECT_EQ(store_->ChangeFeed().latest, feed.size() + 1);

  Result<std::vector<HistoryEntry>> h3 = store_->History({}, NewOrder(3).hash);
  ASSERT_OK(h3);
  ASSERT_EQ(h3->size(), 2u);
  EXPECT_EQ((*h3)[0].kind, HistoryKind::kCreated);
  EXPECT_EQ((*h3)[1].kind, HistoryKind::kReplaced);
  EXPECT_EQ((*h3)[1].changed, kMoneyFields);
  EXPECT_LT((*h3)[0].seq, (*h3)[1].seq);

  size_t problems = 0;
  Result<size_t> checked =
      store_->CheckChanges([&](const Status&) { ++problems; });
  ASSERT_OK(checked);
  EXPECT_EQ(*checked, feed.size() + 1);
  EXPECT_EQ(problems, 0u);
}

TEST_F(ChangesTest, TrimmedChangesAreAnErrorNamingTheOldestKept) {
  for (uint64_t i = 0; i < 10; ++i) ASSERT_OK(store_->Put(write_, NewOrder(i)));
  Result<uint64_t> oldest = store_->TrimChanges(6);
  ASSERT_OK(oldest);
  EXPECT_EQ(*oldest, 6u);
  for (int reopen = 0; reopen < 2; ++reopen) {
    Result<std::unique_ptr<ChangeIterator>> gone = store_->ChangesAfter({}, 4);
    ASSERT_FALSE(gone.ok());
    EXPECT_TRUE(gone.status().IsOutOfRange()) << gone.status().ToString();
    EXPECT_NE(gone.status().message().find("oldest change kept is 6"),
              std::string::npos)
        << gone.status().message();
    std::vector<SeenChange> kept = ReadFeed(*store_, 5);
    ASSERT_EQ(kept.size(), 5u);
    EXPECT_EQ(kept.front().seq, 6u);
    EXPECT_EQ(store_->ChangeFeed().oldest, 6u);
    Reopen();
  }
  // Orders and their history are untouched.
  for (uint64_t i = 0; i < 10; ++i) {
    ASSERT_OK(store_->Get({}, NewOrder(i).hash));
    Result<std::vector<HistoryEntry>> h = store_->History({}, NewOrder(i).hash);
    ASSERT_OK(h);
    EXPECT_EQ(h->size(), 1u);
  }
  // Past the latest: everything goes, and numbering goes on.
  oldest = store_->TrimChanges(1000);
  ASSERT_OK(oldest);
  EXPECT_EQ(*oldest, 11u);
  EXPECT_TRUE(ReadFeed(*store_, 10).empty());
  Reopen();
  ASSERT_OK(store_->Put(write_, NewOrder(20)));
  std::vector<SeenChange> after = ReadFeed(*store_, 10);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].seq, 11u);
  EXPECT_TRUE(store_->ChangesAfter({}, 9).status().IsOutOfRange());
}

TEST_F(ChangesTest, RetentionTrimsAtOpenAndZeroTurnsTheFeedOff) {
  for (uint64_t i = 0; i < 3; ++i) ASSERT_OK(store_->Put(write_, NewOrder(i)));
  Options short_retention;
  short_retention.change_retention = std::chrono::seconds(1);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  Reopen(short_retention);
  EXPECT_EQ(store_->ChangeFeed().oldest, 4u);
  EXPECT_TRUE(store_->ChangesAfter({}, 0).status().IsOutOfRange());
  ASSERT_OK(store_->Put(write_, NewOrder(3)));
  EXPECT_EQ(ReadFeed(*store_, 3).size(), 1u);  // a new one is kept

  Options off;
  off.change_retention = std::chrono::seconds(0);
  Reopen(off);
  ASSERT_OK(store_->Put(write_, NewOrder(4)));
  ASSERT_OK(store_->Put(write_, NewOrder(5)));
  ChangeFeedInfo info = store_->ChangeFeed();
  EXPECT_FALSE(info.enabled);
  EXPECT_EQ(info.latest, 6u);
  EXPECT_EQ(info.oldest, 7u);
  EXPECT_TRUE(ReadFeed(*store_, 6).empty());
  EXPECT_TRUE(store_->ChangesAfter({}, 4).status().IsOutOfRange());
  // The history is still written, numbered.
  Result<std::vector<HistoryEntry>> h = store_->History({}, NewOrder(5).hash);
  ASSERT_OK(h);
  ASSERT_EQ(h->size(), 1u);
  EXPECT_EQ((*h)[0].seq, 6u);

  // On again: numbers are never given twice.
  Reopen();
  ASSERT_OK(store_->Put(write_, NewOrder(6)));
  std::vector<SeenChange> feed = ReadFeed(*store_, 6);
  ASSERT_EQ(feed.size(), 1u);
  EXPECT_EQ(feed[0].seq, 7u);
}

TEST_F(ChangesTest, ImportWithTheFeedOffKeepsNumbering) {
  Options off;
  off.change_retention = std::chrono::seconds(0);
  Reopen(off);
  WriteBatch import;
  for (uint64_t i = 0; i < 100; ++i) ASSERT_OK(import.Put(NewOrder(i)));
  ASSERT_OK(store_->Import(import));
  Reopen(off);
  EXPECT_EQ(store_->ChangeFeed().latest, 100u);
  ASSERT_OK(store_->Put(write_, NewOrder(100)));
  Result<std::vector<HistoryEntry>> h = store_->History({}, NewOrder(100).hash);
  ASSERT_OK(h);
  ASSERT_EQ(h->size(), 1u);
  EXPECT_EQ((*h)[0].seq, 101u);
}

TEST_F(ChangesTest, BadActorOrReasonWritesNothing) {
  WriteOptions bad = write_;
  bad.actor = std::string(kMaxActorSize + 1, 'a');
  Status s = store_->Put(bad, NewOrder(1));
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.message().find("actor is 65 bytes long"), std::string::npos)
      << s.message();
  bad.actor = "ok";
  bad.reason = "line\nbreak";
  s = store_->Put(bad, NewOrder(1));
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  bad.reason = "\xff";
  EXPECT_TRUE(store_->Put(bad, NewOrder(1)).IsInvalidArgument());
  EXPECT_TRUE(store_->Get({}, NewOrder(1).hash).status().IsNotFound());
  EXPECT_EQ(store_->ChangeFeed().latest, 0u);
  bad.reason = "r\xc3\xa9sum\xc3\xa9";  // UTF-8 is fine
  EXPECT_OK(store_->Put(bad, NewOrder(1)));
}

TEST_F(ChangesTest, WaitForChangesWakesOnCommit) {
  EXPECT_FALSE(store_->WaitForChanges(0, std::chrono::milliseconds(20)));
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_OK(store_->Put(write_, NewOrder(1)));
  });
  EXPECT_TRUE(store_->WaitForChanges(0, std::chrono::seconds(30)));
  writer.join();
  EXPECT_TRUE(store_->WaitForChanges(0, std::chrono::milliseconds(0)));
  EXPECT_FALSE(store_->WaitForChanges(1, std::chrono::milliseconds(10)));
}

TEST_F(ChangesTest, CheckFindsARecordWrittenBehindTheFeed) {
  Order order = NewOrder(1);
  ASSERT_OK(store_->Put(write_, order));
  store_.reset();
  Order other = order;
  other.fee += 5;
  other.c_fee += 5;
  other.items[0].price += 5;
  testing::WriteRawValue(Path("db"), order.hash, internal::EncodeRecord(other));
  Reopen();
  std::vector<std::string> problems;
  Result<size_t> checked = store_->CheckChanges(
      [&](const Status& s) { problems.push_back(s.message()); });
  ASSERT_OK(checked);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("order " + order.hash.ToHex() +
                             ": latest change 1 holds another record"),
            std::string::npos)
      << problems[0];
}

}  // namespace
}  // namespace orderstore
