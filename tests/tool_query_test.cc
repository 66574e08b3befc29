// The real `orderstore` binary: list, reconcile, dump --array, and verify's
// index check.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include <rocksdb/db.h>

#include "lib/file_modes.h"
#include "lib/index.h"
#include "lib/record.h"
#include "orderstore/generate.h"
#include "orderstore/json_export.h"
#include "orderstore/json_import.h"
#include "orderstore/reconcile.h"
#include "orderstore/stats.h"
#include "orderstore/store.h"
#include "tests/test_util.h"

namespace orderstore {
namespace {

using testing::Lines;
using testing::ToolRun;

class ToolQueryTest : public testing::ToolStoreTest {
 protected:
  // Orders 0..n-1 of seed 5, `mutate` applied.
  void Load(uint64_t n,
            const std::function<void(uint64_t, Order*)>& mutate = {}) {
    ToolStoreTest::Load(5, n, mutate);
  }
  // JSON Lines of `orders`, sorted by creation instant then hash (reversed
  // when newest_first), as list prints them.
  std::vector<std::string> ByCreation(std::vector<Order> orders,
                                      bool newest_first = false) {
    std::sort(orders.begin(), orders.end(), [](const Order& a, const Order& b) {
      return std::tie(a.create_time.unix_seconds, a.create_time.nanos, a.hash) <
             std::tie(b.create_time.unix_seconds, b.create_time.nanos, b.hash);
    });
    if (newest_first) std::reverse(orders.begin(), orders.end());
    std::vector<std::string> lines;
    for (const Order& o : orders) {
      std::string json;
      EXPECT_OK(AppendOrderJson(o, &json));
      lines.push_back(json);
    }
    return lines;
  }
};

TEST_F(ToolQueryTest, ListPagesThroughAWindowWithCursors) {
  Load(300);
  const Timestamp from = testing::Time("2021-01-01T00:00:00Z");
  const Timestamp to = testing::Time("2023-01-01T00:00:00+08:00");
  std::vector<Order> window;
  for (const Order& o : orders_) {
    if (!InstantBefore(o.create_time, from) && InstantBefore(o.create_time, to) &&
        (o.status == OrderStatus::kPaid || o.status == OrderStatus::kComplete)) {
      window.push_back(o);
    }
  }
  ASSERT_GT(window.size(), 20u);
  const std::vector<std::string> expected = ByCreation(window, /*newest_first=*/true);

  std::vector<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    std::vector<std::string> args = {
        "list", "--created-after", "2021-01-01T00:00:00Z", "--created-before",
        "2023-01-01T00:00:00+08:00", "--status", "paid", "--status", "complete",
        "--newest-first", "--limit", "7"};
    if (!cursor.empty()) args.insert(args.end(), {"--cursor", cursor});
    ToolRun page = Run(args);
    ASSERT_EQ(page.exit_code, 0) << page.err;
    for (const std::string& line : Lines(page.out)) seen.push_back(line);
    cursor.clear();
    const std::string marker = "next cursor: ";
    if (size_t at = page.err.find(marker); at != std::string::npos) {
      cursor = page.err.substr(at + marker.size());
      cursor.erase(cursor.find('\n'));
    }
    ++pages;
  } while (!cursor.empty() && pages < 100);
  EXPECT_EQ(seen, expected);
  EXPECT_GE(pages, static_cast<int>(expected.size() / 7));

  ToolRun bad = Run({"list", "--cursor", "not-a-cursor"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("orderstore: list: malformed cursor"), std::string::npos)
      << bad.err;
}

TEST_F(ToolQueryTest, ListByResourceAndAsOneArrayResponse) {
  Load(50, [](uint64_t i, Order* o) {
    if (i % 10 == 3) o->items[0].resource_id = "i-shared";
  });
  std::vector<std::string> expected;
  std::vector<Order> sharing;
  for (const Order& o : orders_) {
    if (o.items[0].resource_id == "i-shared") sharing.push_back(o);
  }
  std::sort(sharing.begin(), sharing.end(),
            [](const Order& a, const Order& b) { return a.hash < b.hash; });
  for (const Order& o : sharing) {
    std::string json;
    ASSERT_OK(AppendOrderJson(o, &json));
    expected.push_back(json);
  }
  ToolRun list = Run({"list", "--resource", "i-shared"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(Lines(list.out), expected);

  ToolRun array = Run({"list", "--resource", "i-shared", "--array"});
  ASSERT_EQ(array.exit_code, 0) << array.err;
  std::string joined;
  for (const std::string& line : expected) joined += (joined.empty() ? "" : ",") + line;
  EXPECT_EQ(array.out.rfind("{\"data\":[" + joined + "],\"request_id\":\"", 0), 0u)
      << array.out;
  // And it imports back as a documented response whose data is an array.
  OrderParser parser;
  ParseResult parsed = parser.Parse(array.out, "array.json");
  ASSERT_TRUE(parsed.errors.empty()) << parsed.errors[0].ToString();
  EXPECT_EQ(parsed.orders.size(), sharing.size());

  EXPECT_EQ(Run({"list", "--resource", "x", "--status", "new"}).exit_code, 2);
}

TEST_F(ToolQueryTest, DumpArrayHoldsEveryOrderInKeyOrder) {
  Load(40);
  ToolRun lines = Run({"dump"});
  ToolRun array = Run({"dump", "--array"});
  ASSERT_EQ(array.exit_code, 0) << array.err;
  std::string joined;
  for (const std::string& line : Lines(lines.out)) {
    joined += (joined.empty() ? "" : ",") + line;
  }
  EXPECT_EQ(array.out.substr(0, joined.size() + 10), "{\"data\":[" + joined + "]");
  EXPECT_NE(array.out.find("\"request_id\":\""), std::string::npos);
  EXPECT_EQ(Run({"dump", "--array", "--format", "table"}).exit_code, 2);
}

TEST_F(ToolQueryTest, ReconcilePrintsFindingsAndExitsFive) {
  Load(200, [](uint64_t i, Order* o) {
    if (i % 20 == 0) o->c_fee = o->fee + 1;
  });
  ToolRun run = Run({"reconcile", "--threads", "2"});
  ASSERT_EQ(run.exit_code, 5) << run.err;
  // Every finding of the library's rules, in key order, one JSON per line.
  std::vector<Order> sorted = orders_;
  std::sort(sorted.begin(), sorted.end(),
            [](const Order& a, const Order& b) { return a.hash < b.hash; });
  std::vector<std::string> expected;
  for (const Order& o : sorted) {
    std::string record = internal::EncodeRecord(o);
    CheckOrder(*VerifyRecord(record), ReconcileRuleSet::All(),
               [&](const Finding& f) {
      std::string line = "{\"order\":\"" + f.order.ToHex() + "\",\"rule\":\"" +
                         std::string(f.rule) + "\",\"detail\":";
      AppendJsonString(f.detail, &line);
      expected.push_back(line + "}");
    });
  }
  ASSERT_GE(expected.size(), 10u);
  EXPECT_EQ(Lines(run.out), expected);
  EXPECT_NE(run.err.find("checked 200 orders"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("c_fee_over_fee"), std::string::npos);

  ToolRun one = Run({"reconcile", "--rule", "c_fee_over_fee"});
  EXPECT_EQ(one.exit_code, 5);
  EXPECT_EQ(Lines(one.out).size(), 10u);
  ToolRun clean = Run({"reconcile", "--rule", "item_life_reversed"});
  EXPECT_EQ(clean.exit_code, 0) << clean.out;
  EXPECT_EQ(Run({"reconcile", "--rule", "nope"}).exit_code, 2);
}

TEST_F(ToolQueryTest, VerifyChecksTheIndexesBothWays) {
  Load(30);
  ASSERT_EQ(Run({"verify"}).exit_code, 0);
  // An index entry for an order that does not exist.
  Order ghost = GenerateOrder(5, 1000);
  std::string record = internal::EncodeRecord(ghost);
  std::string key = internal::IndexEntriesOf(*VerifyRecord(record))[0].key;
  {
    std::vector<std::string> names;
    ASSERT_TRUE(rocksdb::DB::ListColumnFamilies({}, Path("db"), &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (const auto& name : names) families.emplace_back(name, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    rocksdb::DBOptions options;  // with the store's file modes
    options.env = internal::ModeSettingEnv(Options().file_mode);
    ASSERT_TRUE(rocksdb::DB::Open(options, Path("db"), families, &handles, &db).ok());
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == "idx_created") {
        ASSERT_TRUE(db->Put({}, handles[i], key, "").ok());
      }
    }
    for (auto* h : handles) ASSERT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
    delete db;
  }
  ToolRun verify = Run({"verify"});
  EXPECT_EQ(verify.exit_code, 4);
  EXPECT_NE(verify.out.find("idx_created entry points at missing order " +
                            ghost.hash.ToHex()),
            std::string::npos)
      << verify.out;
  EXPECT_NE(verify.out.find("checked 30 records: 1 problem"), std::string::npos)
      << verify.out;
}

}  // namespace
}  // namespace orderstore
