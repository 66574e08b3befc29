// The real `orderstore` binary: generate, dump, stats and verify, their
// exit codes and error lines.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <string>

#include "orderstore/generate.h"
#include "orderstore/json_export.h"
#include "orderstore/json_import.h"
#include "orderstore/stats.h"
#include "orderstore/store.h"
#include "tests/raw_store.h"
#include "tests/test_util.h"

namespace orderstore {
namespace {

using testing::Lines;
using testing::RunTool;
using testing::ToolRun;
using testing::WriteRawValue;

constexpr char kExampleHash[] = "602892b7b500000eed4190e932000000";

class ToolInspectTest : public testing::ToolStoreTest {
 protected:
  // `count` generated orders of seed 21, and the source example imported
  // by the tool.
  void Load(int count) {
    ToolStoreTest::Load(21, static_cast<uint64_t>(count));
    ToolRun example = Run({"import", std::string(ORDERSTORE_SOURCE_DIR) +
                                         "/tests/data/example.json"});
    ASSERT_EQ(example.exit_code, 0) << example.err;
  }
};

TEST_F(ToolInspectTest, GenerateIsTheLibrarySequenceAsJsonLines) {
  ToolRun run = RunTool({"generate", "--count", "50", "--seed", "4"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err, "");
  std::vector<std::string> lines = Lines(run.out);
  ASSERT_EQ(lines.size(), 50u);
  for (uint64_t i = 0; i < lines.size(); ++i) {
    std::string expected;
    ASSERT_OK(AppendOrderJson(GenerateOrder(4, i), &expected));
    EXPECT_EQ(lines[i], expected) << i;
  }
  // --start continues the same sequence.
  ToolRun tail = RunTool({"generate", "--count", "10", "--seed", "4", "--start", "40"});
  ASSERT_EQ(tail.exit_code, 0);
  EXPECT_EQ(Lines(tail.out),
            std::vector<std::string>(lines.begin() + 40, lines.end()));
  // Another seed, other orders.
  EXPECT_NE(RunTool({"generate", "--count", "1", "--seed", "5"}).out,
            RunTool({"generate", "--count", "1", "--seed", "4"}).out);
}

TEST_F(ToolInspectTest, GenerateUsageErrors) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"generate"},
                                             {"generate", "--count", "-3"},
                                             {"generate", "--count", "12x"},
                                             {"generate", "--count", "1", "extra"},
                                             {"generate", "--count", "1", "--seed"}}) {
    ToolRun run = RunTool(args);
    EXPECT_EQ(run.exit_code, 2) << args.back();
    EXPECT_EQ(run.out, "");
    EXPECT_EQ(run.err.rfind("orderstore: generate: ", 0), 0u) << run.err;
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
  }
  ToolRun help = RunTool({"generate", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("+05:45"), std::string::npos);  // the distribution
}

TEST_F(ToolInspectTest, DumpPrintsEveryOrderInKeyOrderAndImportsBack) {
  Load(300);
  ToolRun dump = Run({"dump"});
  ASSERT_EQ(dump.exit_code, 0) << dump.err;
  std::vector<std::string> lines = Lines(dump.out);
  ASSERT_EQ(lines.size(), 301u);
  OrderParser parser;
  std::string previous;
  for (const std::string& line : lines) {
    Result<Order> order = parser.ParseOne(line);
    ASSERT_OK(order);
    EXPECT_LT(previous, order->hash.ToHex());
    previous = order->hash.ToHex();
  }
  // The dump is a faithful copy: imported into a new store it dumps the same.
  ToolRun copy = RunTool({"--db", Path("copy"), "import", "-"}, dump.out);
  ASSERT_EQ(copy.exit_code, 0) << copy.err;
  EXPECT_EQ(RunTool({"--db", Path("copy"), "dump"}).out, dump.out);
}

TEST_F(ToolInspectTest, DumpFiltersByStatusAndCreationTimeAndLimits) {
  Load(400);
  OrderParser parser;
  std::vector<Order> all;
  for (const std::string& line : Lines(Run({"dump"}).out)) {
    all.push_back(*parser.ParseOne(line));
  }
  const Timestamp after = testing::Time("2022-01-01T08:00:00+08:00");
  const Timestamp before = testing::Time("2024-06-30T00:00:00Z");
  std::vector<const Order*> matching;
  for (const Order& o : all) {
    if ((o.status == OrderStatus::kRefund || o.status == OrderStatus::kNew) &&
        !InstantBefore(o.create_time, after) &&
        InstantBefore(o.create_time, before)) {
      matching.push_back(&o);
    }
  }
  // Filtered, dump reads the creation-time index: oldest first, then hash.
  std::sort(matching.begin(), matching.end(), [](const Order* a, const Order* b) {
    return std::tie(a->create_time.unix_seconds, a->create_time.nanos, a->hash) <
           std::tie(b->create_time.unix_seconds, b->create_time.nanos, b->hash);
  });
  std::vector<std::string> expected;
  for (const Order* o : matching) {
    std::string json;
    ASSERT_OK(AppendOrderJson(*o, &json));
    expected.push_back(json);
  }
  ASSERT_GT(expected.size(), 20u);  // the sample exercises the filter
  ToolRun filtered = Run({"dump", "--status", "refund", "--status=new",
                          "--created-after", "2022-01-01T08:00:00+08:00",
                          "--created-before", "2024-06-30T00:00:00Z"});
  ASSERT_EQ(filtered.exit_code, 0) << filtered.err;
  EXPECT_EQ(Lines(filtered.out), expected);

  ToolRun limited = Run({"dump", "--status", "refund", "--status=new",
                         "--created-after", "2022-01-01T08:00:00+08:00",
                         "--created-before", "2024-06-30T00:00:00Z", "--limit", "5"});
  EXPECT_EQ(Lines(limited.out),
            std::vector<std::string>(expected.begin(), expected.begin() + 5));
  // Nothing matching is not an error.
  ToolRun none = Run({"dump", "--created-after", "2099-01-01T00:00:00Z"});
  EXPECT_EQ(none.exit_code, 0);
  EXPECT_EQ(none.out, "");
}

TEST_F(ToolInspectTest, DumpTableIsAlignedAndNamesEachOrder) {
  Load(20);
  ToolRun table = Run({"dump", "--format", "table", "--limit", "7"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  std::vector<std::string> lines = Lines(table.out);
  ASSERT_EQ(lines.size(), 8u);  // header + 7
  EXPECT_EQ(lines[0].rfind("HASH", 0), 0u);
  for (const std::string& line : lines) {
    EXPECT_EQ(line.size(), lines[0].size()) << line;  // aligned columns
  }
  ToolRun example = Run({"dump", "--format=table", "--status", "complete",
                         "--created-before", "2020-09-17T00:00:00Z"});
  EXPECT_NE(example.out.find(std::string(kExampleHash) +
                             "  complete         29.55         29.55  "
                             "2020-09-16T11:57:18Z                    2"),
            std::string::npos)
      << example.out;
}

TEST_F(ToolInspectTest, DumpUsageErrors) {
  Load(1);
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{
           {"dump", "--status", "cancelled"},  // the item spelling
           {"dump", "--created-after", "yesterday"},
           {"dump", "--limit", "many"},
           {"dump", "--format", "xml"},
           {"dump", "extra"}}) {
    ToolRun run = Run(args);
    EXPECT_EQ(run.exit_code, 2) << args[1];
    EXPECT_EQ(run.out, "");
    EXPECT_EQ(run.err.rfind("orderstore: dump: ", 0), 0u) << run.err;
  }
}

TEST_F(ToolInspectTest, StatsCountsWhatTheStoreHolds) {
  Load(500);
  // The expected figures, from the orders themselves.
  std::map<std::string, int> by_status;
  int items = 0;
  OrderParser parser;
  for (const std::string& line : Lines(Run({"dump"}).out)) {
    Order o = *parser.ParseOne(line);
    ++by_status[std::string(ToString(o.status))];
    items += static_cast<int>(o.items.size());
  }
  ToolRun json = Run({"stats", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_NE(json.out.find("{\"orders\":501,\"items\":" + std::to_string(items) +
                          ",\"orders_by_status\":{\"new\":" +
                          std::to_string(by_status["new"]) + ",\"paid\":" +
                          std::to_string(by_status["paid"])),
            std::string::npos)
      << json.out;
  EXPECT_NE(json.out.find("\"created_min\":\"2020-"), std::string::npos);
  EXPECT_NE(json.out.find("\"corrupt\":0,\"bytes_on_disk\":"), std::string::npos);

  ToolRun text = Run({"stats"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("orders          501\n"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("size on disk"), std::string::npos);
  EXPECT_EQ(Run({"stats", "--bogus"}).exit_code, 2);
}

TEST_F(ToolInspectTest, VerifyPassesACleanStoreAndNamesEachDamagedRecord) {
  Load(100);
  ToolRun clean = Run({"verify"});
  EXPECT_EQ(clean.exit_code, 0) << clean.err;
  EXPECT_EQ(clean.out, "checked 101 records: 0 problems\n");

  // A record that is not an order, and a valid record under another key.
  const OrderHash garbage = GenerateOrderHash(21, 7);
  const OrderHash misplaced = GenerateOrderHash(21, 8);
  WriteRawValue(Path("db"), garbage, "not a flatbuffer");
  {
    auto store = Store::Open(Options(), Path("db"));
    ASSERT_OK(store);
    Result<PinnedOrder> example =
        (*store)->Get({}, *OrderHash::Parse(kExampleHash));
    ASSERT_OK(example);
    std::string bytes(example->view().record());
    example->Reset();
    store->reset();
    WriteRawValue(Path("db"), misplaced, bytes);
  }
  ToolRun damaged = Run({"verify"});
  EXPECT_EQ(damaged.exit_code, 4);
  EXPECT_NE(damaged.out.find("order " + garbage.ToHex()), std::string::npos)
      << damaged.out;
  EXPECT_NE(damaged.out.find("order " + misplaced.ToHex() +
                             ": record holds order " + kExampleHash),
            std::string::npos)
      << damaged.out;
  EXPECT_NE(damaged.out.find("checked 101 records: 2 problems\n"), std::string::npos);
  EXPECT_EQ(damaged.err,
            "orderstore: verify: 2 of 101 records have problems\n");

  // stats counts them apart and says so; dump stops at the first.
  ToolRun stats = Run({"stats", "--json"});
  EXPECT_EQ(stats.exit_code, 4);
  EXPECT_NE(stats.out.find("{\"orders\":99,"), std::string::npos) << stats.out;
  EXPECT_NE(stats.out.find("\"corrupt\":2"), std::string::npos);
  ToolRun dump = Run({"dump"});
  EXPECT_EQ(dump.exit_code, 4);
  EXPECT_EQ(std::count(dump.err.begin(), dump.err.end(), '\n'), 1) << dump.err;
}

TEST_F(ToolInspectTest, ReadingCommandsOnAMissingStoreAreStoreErrors) {
  for (const char* command : {"dump", "stats", "verify"}) {
    ToolRun run = Run({command});
    EXPECT_EQ(run.exit_code, 4) << command;
    EXPECT_EQ(run.err, std::string("orderstore: ") + command + ": store " +
                           Path("db") + ": no store in this directory\n");
    EXPECT_FALSE(std::filesystem::exists(Path("db")));  // nothing created
  }
}

TEST_F(ToolInspectTest, EverySubcommandHasHelp) {
  for (const char* command :
       {"import", "get", "dump", "stats", "verify", "generate", "serve"}) {
    ToolRun help = RunTool({command, "--help"});
    EXPECT_EQ(help.exit_code, 0) << command;
    EXPECT_NE(help.out.find(std::string(command)), std::string::npos);
    EXPECT_NE(help.out.find("Exit:"), std::string::npos) << command;
    EXPECT_NE(RunTool({"--help"}).out.find(std::string("  ") + command),
              std::string::npos);
  }
}

}  // namespace
}  // namespace orderstore
