// Creates: Store::Create, WriteBatch::Create through Write and Import, the
// race of two creators of one hash, and `orderstore import --create-only`.
#include <atomic>
#include <fstream>
#include <thread>

#include "lib/order_diff.h"
#include "lib/record.h"
#include "orderstore/generate.h"
#include "orderstore/json_export.h"
#include "tests/test_util.h"

namespace orderstore {
namespace {

using testing::ToolRun;

class CreateTest : public testing::StoreTest {
 protected:
  // The stored record of `hash`, or "" when there is none.
  std::string Stored(const OrderHash& hash) {
    Result<PinnedOrder> got = store_->Get(ReadOptions(), hash);
    if (!got.ok()) {
      EXPECT_TRUE(got.status().IsNotFound()) << got.status().ToString();
      return "";
    }
    return std::string(got->view().record());
  }
};

TEST_F(CreateTest, CreatedThenExistsForAnIdenticalOrder) {
  const Order order = GenerateOrder(1, 0);
  Result<CreateOutcome> first = store_->Create(write_, order);
  ASSERT_OK(first);
  EXPECT_EQ(*first, CreateOutcome::kCreated);
  Result<CreateOutcome> again = store_->Create(write_, order);
  ASSERT_OK(again);
  EXPECT_EQ(*again, CreateOutcome::kExists);
  EXPECT_EQ(Stored(order.hash), internal::EncodeRecord(order));

  // A put stored it: a create of the same order is still an identical one.
  const Order put = GenerateOrder(1, 1);
  ASSERT_OK(store_->Put(write_, put));
  Result<CreateOutcome> created = store_->Create(write_, put);
  ASSERT_OK(created);
  EXPECT_EQ(*created, CreateOutcome::kExists);
}

TEST_F(CreateTest, ADifferentOrderIsAlreadyExistsNamingTheFirstField) {
  const Order order = GenerateOrder(2, 0);
  ASSERT_GE(order.items.size(), 1u);
  ASSERT_OK(store_->Create(write_, order));
  const std::string stored = Stored(order.hash);

  struct Change {
    std::function<void(Order*)> apply;
    std::string field;
  };
  const std::vector<Change> changes = {
      {[](Order* o) { o->fee += 0.01; }, "fee"},
      {[](Order* o) { o->c_fee += 1; o->fee += 1; }, "fee"},  // the first one
      {[](Order* o) {
         o->status = o->status == OrderStatus::kPaid ? OrderStatus::kNew
                                                     : OrderStatus::kPaid;
       },
       "status"},
      {[](Order* o) { o->expire_time.unix_seconds += 1; }, "expire_time"},
      {[](Order* o) { o->items.back().price += 1; },
       "items[" + std::to_string(order.items.size() - 1) + "].price"},
      {[](Order* o) { o->items[0].region += "x"; }, "items[0].region"},
      {[](Order* o) { o->items.push_back(o->items[0]); }, "items.length"},
      {[](Order* o) { o->items.pop_back(); }, "items.length"},
  };
  for (const Change& change : changes) {
    Order different = order;
    change.apply(&different);
    Result<CreateOutcome> created = store_->Create(write_, different);
    ASSERT_FALSE(created.ok()) << change.field;
    EXPECT_TRUE(created.status().IsAlreadyExists()) << created.status().ToString();
    EXPECT_NE(created.status().message().find("order " + order.hash.ToHex()),
              std::string::npos)
        << created.status().message();
    EXPECT_NE(created.status().message().find("a different " + change.field + ";"),
              std::string::npos)
        << created.status().message();
    EXPECT_EQ(Stored(order.hash), stored) << "written anyway: " << change.field;
  }
}

TEST_F(CreateTest, OneConflictFailsTheWholeBatch) {
  const Order stored = GenerateOrder(3, 0);
  ASSERT_OK(store_->Put(write_, stored));
  Order different = stored;
  different.c_fee += 5;

  WriteBatch batch;
  for (uint64_t i = 1; i < 20; ++i) ASSERT_OK(batch.Create(GenerateOrder(3, i)));
  ASSERT_OK(batch.Create(different));
  WriteOutcome outcome;
  Status s = store_->Write(write_, batch, &outcome);
  ASSERT_TRUE(s.IsAlreadyExists()) << s.ToString();
  EXPECT_NE(s.message().find("order " + stored.hash.ToHex() +
                             " already exists with a different c_fee"),
            std::string::npos)
      << s.message();
  ASSERT_EQ(outcome.conflicts.size(), 1u);
  EXPECT_EQ(outcome.conflicts[0].hash, stored.hash);
  EXPECT_EQ(outcome.conflicts[0].field, "c_fee");
  for (uint64_t i = 1; i < 20; ++i) {
    EXPECT_EQ(Stored(GenerateOrder(3, i).hash), "") << "order " << i;
  }
  EXPECT_EQ(Stored(stored.hash), internal::EncodeRecord(stored));

  // Without the conflict: 19 created, 1 identical.
  WriteBatch fine;
  for (uint64_t i = 0; i < 20; ++i) ASSERT_OK(fine.Create(GenerateOrder(3, i)));
  ASSERT_OK(store_->Write(write_, fine, &outcome));
  EXPECT_EQ(outcome.created, 19u);
  EXPECT_EQ(outcome.existed, 1u);
  EXPECT_TRUE(outcome.conflicts.empty());
}

// Store::Import decides creates the same way, and with a conflict ingests
// nothing.
TEST_F(CreateTest, ImportOfCreates) {
  constexpr uint64_t kOrders = 3000;
  WriteBatch half;
  for (uint64_t i = 0; i < kOrders / 2; ++i) ASSERT_OK(half.Put(GenerateOrder(4, i)));
  ASSERT_OK(store_->Import(half));

  WriteBatch all;
  for (uint64_t i = 0; i < kOrders; ++i) ASSERT_OK(all.Create(GenerateOrder(4, i)));
  Order different = GenerateOrder(4, 10);
  different.items[0].resource_id = "i-other";
  WriteBatch conflicting;
  for (uint64_t i = 0; i < kOrders; ++i) {
    ASSERT_OK(conflicting.Create(i == 10 ? different : GenerateOrder(4, i)));
  }
  WriteOutcome outcome;
  Status s = store_->Import(conflicting, &outcome);
  ASSERT_TRUE(s.IsAlreadyExists()) << s.ToString();
  ASSERT_EQ(outcome.conflicts.size(), 1u);
  EXPECT_EQ(outcome.conflicts[0].field, "items[0].resource_id");
  EXPECT_EQ(Stored(GenerateOrder(4, kOrders - 1).hash), "");

  ASSERT_OK(store_->Import(all, &outcome));
  EXPECT_EQ(outcome.created, kOrders - kOrders / 2);
  EXPECT_EQ(outcome.existed, kOrders / 2);
  EXPECT_EQ(Stored(GenerateOrder(4, kOrders - 1).hash),
            internal::EncodeRecord(GenerateOrder(4, kOrders - 1)));
}

// Two threads create one hash with different fields at the same moment:
// exactly one stores its order, the other is told which field differs, and
// the stored order is the winner's.
TEST_F(CreateTest, RaceOfTwoCreatorsOfOneHash) {
  constexpr int kRounds = 200;
  int first_won = 0;
  for (int round = 0; round < kRounds; ++round) {
    const Order base = GenerateOrder(5, static_cast<uint64_t>(round));
    std::array<Order, 2> variants = {base, base};
    variants[0].fee = 1;
    variants[1].fee = 2;
    std::array<Result<CreateOutcome>, 2> results = {
        Status::IOError("not run"), Status::IOError("not run")};
    std::atomic<int> ready{0};
    auto create = [&](int i) {
      ready.fetch_add(1);
      while (ready.load() < 2) {
      }
      results[i] = store_->Create(write_, variants[i]);
    };
    std::thread a(create, 0), b(create, 1);
    a.join();
    b.join();
    int winners = 0, losers = 0, winner = -1;
    for (int i = 0; i < 2; ++i) {
      if (results[i].ok()) {
        EXPECT_EQ(*results[i], CreateOutcome::kCreated);
        ++winners;
        winner = i;
      } else {
        EXPECT_TRUE(results[i].status().IsAlreadyExists())
            << results[i].status().ToString();
        EXPECT_NE(results[i].status().message().find("different fee"),
                  std::string::npos);
        ++losers;
      }
    }
    ASSERT_EQ(winners, 1) << "round " << round;
    ASSERT_EQ(losers, 1) << "round " << round;
    first_won += winner == 0;
    ASSERT_EQ(Stored(base.hash), internal::EncodeRecord(variants[winner]));
  }
  std::printf("create_test: thread 0 won %d of %d races\n", first_won, kRounds);
}

TEST(OrderDiffTest, FirstDifferenceFollowsTheDocumentedOrder) {
  const Order order = GenerateOrder(6, 0);
  EXPECT_EQ(internal::FirstDifference(order, order), "");
  Order other = order;
  other.items.push_back(other.items.back());
  other.items[0].life_expire_time.nanos = 1;
  other.status = order.status;
  EXPECT_EQ(internal::FirstDifference(order, other), "items[0].life_expire_time");
  other.items[0] = order.items[0];
  EXPECT_EQ(internal::FirstDifference(order, other), "items.length");
  EXPECT_EQ(internal::FirstDifference(other, order), "items.length");
  other = order;
  other.pay_time.offset_minutes = 60;  // one instant, another offset
  other.cancel_time.unix_seconds += 1;
  EXPECT_EQ(internal::FirstDifference(order, other), "pay_time");
}

class CreateToolTest : public testing::ToolStoreTest {};

TEST_F(CreateToolTest, ImportCreateOnlyTwiceChangesNothingTheSecondTime) {
  constexpr uint64_t kOrders = 500;
  std::string text;
  std::vector<Order> orders;
  for (uint64_t i = 0; i < kOrders; ++i) {
    orders.push_back(GenerateOrder(7, i));
    ASSERT_OK(AppendOrderJson(orders.back(), &text));
    text += '\n';
  }
  const std::string file = Path("orders.jsonl");
  std::ofstream(file, std::ios::binary) << text;

  ToolRun first = Run({"import", "--create-only", file});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("created 500 orders, 0 already there, 0 conflicting"),
            std::string::npos)
      << first.out;
  ToolRun dump_before = Run({"dump"});
  ASSERT_EQ(dump_before.exit_code, 0) << dump_before.err;

  ToolRun second = Run({"import", "--create-only", file});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.out.find("created 0 orders, 500 already there, 0 conflicting"),
            std::string::npos)
      << second.out;
  ToolRun dump_after = Run({"dump"});
  EXPECT_EQ(dump_after.out, dump_before.out);

  // One field changed on line 123: the file is refused, naming the line,
  // the order and the field; the store keeps what it had.
  Order changed = orders[122];
  changed.items.back().price += 1;
  std::string changed_text;
  for (uint64_t i = 0; i < kOrders; ++i) {
    ASSERT_OK(AppendOrderJson(i == 122 ? changed : GenerateOrder(8, i), &changed_text));
    changed_text += '\n';
  }
  const std::string changed_file = Path("changed.jsonl");
  std::ofstream(changed_file, std::ios::binary) << changed_text;
  ToolRun refused = Run({"import", "--create-only", changed_file});
  EXPECT_EQ(refused.exit_code, 3) << refused.err;
  EXPECT_NE(refused.err.find(changed_file + ":123: order " + changed.hash.ToHex() +
                             ": already exists with a different items[" +
                             std::to_string(changed.items.size() - 1) + "].price"),
            std::string::npos)
      << refused.err;
  EXPECT_NE(refused.err.find("nothing imported from this file"), std::string::npos);
  EXPECT_NE(refused.out.find("created 0 orders, 0 already there, 1 conflicting"),
            std::string::npos)
      << refused.out;
  EXPECT_EQ(Run({"dump"}).out, dump_before.out);

  // Without --create-only the same file replaces the order.
  ToolRun put = Run({"import", changed_file});
  EXPECT_EQ(put.exit_code, 0) << put.err;
  EXPECT_NE(Run({"dump"}).out, dump_before.out);
}

}  // namespace
}  // namespace orderstore
