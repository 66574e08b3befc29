// `orderstore changes`, `history` and `trim-changes`, run as the real
// binary on real stores; and a follower process (`changes --follow`) that
// sees this process's writes, in order, while it writes.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "orderstore/generate.h"
#include "orderstore/json_export.h"
#include "orderstore/lifecycle.h"
#include "orderstore/store.h"
#include "tests/test_util.h"

namespace orderstore {
namespace {

using testing::Lines;
using testing::ToolRun;

std::string OrderJson(const Order& order) {
  std::string json;
  EXPECT_OK(AppendOrderJson(order, &json));
  return json;
}

class ToolChangesTest : public testing::TempDirTest {
 protected:
  ToolRun Run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", Path("db")});
    return testing::RunTool(args);
  }
  std::unique_ptr<Store> Open() {
    Result<std::unique_ptr<Store>> store = Store::Open(Options(), Path("db"));
    EXPECT_OK(store);
    return store.ok() ? std::move(store).value() : nullptr;
  }
};

// The text a change line has after its "at" value.
std::string AfterAt(const std::string& line) {
  const size_t at = line.find("\"at\":\"");
  if (at == std::string::npos) return "";
  const size_t end = line.find('"', at + 6);
  return line.substr(end + 1);
}

TEST_F(ToolChangesTest, ChangesPrintsJsonLinesAndTheNextCursor) {
  Order a = GenerateOrder(3, 0), b = GenerateOrder(3, 1);
  {
    std::unique_ptr<Store> store = Open();
    WriteOptions write;
    write.actor = "billing-7";
    ASSERT_OK(store->Put(write, a));
    write.actor.clear();
    write.reason = "said \"no\"";
    ASSERT_OK(store->Put(write, b));
    write.reason.clear();
    ASSERT_OK(store->Delete(write, a.hash));
  }
  ToolRun run = Run({"changes"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::vector<std::string> lines = Lines(run.out);
  ASSERT_EQ(lines.size(), 3u) << run.out;
  const std::string start = "{\"seq\":1,\"at\":\"";
  EXPECT_EQ(lines[0].substr(0, start.size()), start);
  // "2026-12-06T10:00:00.123Z": to the millisecond, UTC.
  const std::string at = lines[0].substr(start.size(), 24);
  EXPECT_EQ(at[10], 'T');
  EXPECT_EQ(at[19], '.');
  EXPECT_EQ(at[23], 'Z');
  EXPECT_EQ(AfterAt(lines[0]),
            ",\"op\":\"put\",\"actor\":\"billing-7\",\"data\":" + OrderJson(a) + "}");
  EXPECT_EQ(AfterAt(lines[1]), ",\"op\":\"put\",\"reason\":\"said \\\"no\\\"\",\"data\":" +
                                   OrderJson(b) + "}");
  EXPECT_EQ(lines[2].substr(0, 9), "{\"seq\":3,");
  EXPECT_EQ(AfterAt(lines[2]), ",\"op\":\"delete\",\"order\":\"" + a.hash.ToHex() + "\"}");
  EXPECT_EQ(run.err, "next after: 3\n");

  run = Run({"changes", "--after", "1", "--limit", "1"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  lines = Lines(run.out);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].substr(0, 9), "{\"seq\":2,");
  EXPECT_EQ(run.err, "next after: 2\n");

  run = Run({"changes", "--after", "3"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err, "next after: 3\n");

  run = Run({"changes", "--format", "table"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  lines = Lines(run.out);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].substr(0, 3), "SEQ");
  EXPECT_NE(lines[1].find("billing-7"), std::string::npos);
  EXPECT_NE(lines[3].find("delete"), std::string::npos);

  EXPECT_EQ(Run({"changes", "--format", "xml"}).exit_code, 2);
  EXPECT_EQ(Run({"changes", "--after", "x"}).exit_code, 2);
}

TEST_F(ToolChangesTest, TrimmedRangeIsExitFourNamingTheOldestKept) {
  {
    std::unique_ptr<Store> store = Open();
    for (uint64_t i = 0; i < 5; ++i) ASSERT_OK(store->Put({}, GenerateOrder(4, i)));
  }
  ToolRun trim = Run({"trim-changes", "--before", "3"});
  ASSERT_EQ(trim.exit_code, 0) << trim.err;
  EXPECT_EQ(trim.out, "oldest kept: 3\n");
  ToolRun run = Run({"changes"});
  EXPECT_EQ(run.exit_code, 4);
  EXPECT_EQ(run.out, "");
  std::vector<std::string> err = Lines(run.err);
  ASSERT_EQ(err.size(), 2u) << run.err;
  EXPECT_NE(err[0].find("the changes after 0 were trimmed; the oldest change "
                        "kept is 3"),
            std::string::npos)
      << run.err;
  EXPECT_EQ(err[1], "next after: 0");
  run = Run({"changes", "--after", "2"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(Lines(run.out).size(), 3u);

  trim = Run({"trim-changes", "--older-than", "1h"});
  ASSERT_EQ(trim.exit_code, 0) << trim.err;
  EXPECT_EQ(trim.out, "oldest kept: 3\n");  // nothing that old
  trim = Run({"trim-changes", "--older-than", "0s"});
  ASSERT_EQ(trim.exit_code, 0) << trim.err;
  EXPECT_EQ(trim.out, "oldest kept: 6\n");
  EXPECT_EQ(Run({"trim-changes"}).exit_code, 2);
  EXPECT_EQ(Run({"trim-changes", "--older-than", "7y"}).exit_code, 2);
  EXPECT_EQ(Run({"trim-changes", "--before", "1", "--older-than", "1d"}).exit_code, 2);
  // And verify still finds the store sound.
  ToolRun verify = Run({"verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

TEST_F(ToolChangesTest, HistoryPrintsEachOrdersEntries) {
  Order order = GenerateOrder(5, 0);
  order.status = OrderStatus::kNew;
  order.pay_time = Timestamp::Unset();
  order.cancel_time = Timestamp::Unset();
  {
    std::unique_ptr<Store> store = Open();
    ASSERT_OK(store->Put({}, order));
    Result<PinnedOrder> read = store->Get({}, order.hash);
    ASSERT_OK(read);
    StatusUpdate pay;
    pay.order_status = OrderStatus::kPaid;
    WriteOptions write;
    write.actor = "payments";
    write.reason = "card captured";
    ASSERT_OK(store->UpdateStatus(write, read->view(), pay));
  }
  ToolRun run = Run({"history", order.hash.ToHex()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::vector<std::string> lines = Lines(run.out);
  ASSERT_EQ(lines.size(), 2u) << run.out;
  const std::string prefix = "{\"order\":\"" + order.hash.ToHex() + "\",\"seq\":";
  EXPECT_EQ(lines[0].substr(0, prefix.size() + 1), prefix + "1");
  EXPECT_EQ(AfterAt(lines[0]),
            ",\"op\":\"created\",\"to\":\"new\",\"changed\":[\"status\",\"money\","
            "\"items\",\"other\"]}");
  EXPECT_EQ(AfterAt(lines[1]),
            ",\"op\":\"status\",\"from\":\"new\",\"to\":\"paid\",\"changed\":"
            "[\"status\"],\"actor\":\"payments\",\"reason\":\"card captured\"}");
  run = Run({"history", "--format", "table", order.hash.ToHex()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(Lines(run.out).size(), 3u);

  run = Run({"history", GenerateOrderHash(5, 1).ToHex()});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("has no history"), std::string::npos) << run.err;
  EXPECT_EQ(Run({"history", "nothex"}).exit_code, 3);
  EXPECT_EQ(Run({"history"}).exit_code, 2);
}

TEST_F(ToolChangesTest, FollowerProcessSeesAWriterProcessInOrder) {
  std::unique_ptr<Store> store = Open();  // this process writes
  ASSERT_OK(store->Put({}, GenerateOrder(6, 0)));
  const std::string out = Path("follow.out"), err = Path("follow.err");
  pid_t follower = fork();
  if (follower == 0) {
    int in = open("/dev/null", O_RDONLY);
    int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(in, 0);
    dup2(o, 1);
    dup2(e, 2);
    const std::string db = Path("db");
    execl(ORDERSTORE_TOOL, ORDERSTORE_TOOL, "--db", db.c_str(), "changes",
          "--follow", static_cast<char*>(nullptr));
    _exit(127);
  }
  ASSERT_GT(follower, 0);
  constexpr uint64_t kOrders = 60;
  auto lines_seen = [&] { return Lines(testing::FileContents(out)).size(); };
  // Writes in small batches, some before the follower is up, some after.
  double worst_ms = 0;
  for (uint64_t i = 1; i < kOrders; i += 3) {
    WriteBatch batch;
    for (uint64_t j = i; j < std::min(i + 3, kOrders); ++j) {
      ASSERT_OK(batch.Put(GenerateOrder(6, j)));
    }
    ASSERT_OK(store->Write({}, batch));
    if (i % 12 == 1) {
      // How long until the follower prints it (reported, not asserted).
      const auto written = std::chrono::steady_clock::now();
      const auto deadline = written + std::chrono::seconds(30);
      const size_t want = std::min(i + 3, kOrders);
      while (lines_seen() < want && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      worst_ms = std::max(
          worst_ms, std::chrono::duration<double, std::milli>(
                        std::chrono::steady_clock::now() - written)
                        .count());
    }
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (lines_seen() < kOrders && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(follower, SIGINT);
  int status = 0;
  waitpid(follower, &status, 0);
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0) << testing::FileContents(err);
  std::vector<std::string> lines = Lines(testing::FileContents(out));
  ASSERT_EQ(lines.size(), kOrders) << testing::FileContents(err);
  // Numbered 1, 2, 3... in order; within a batch, the changes go in hash
  // order, so each batch's orders are checked as a set.
  std::set<std::string> printed, written;
  for (uint64_t i = 0; i < kOrders; ++i) {
    const std::string seq = "{\"seq\":" + std::to_string(i + 1) + ",";
    EXPECT_EQ(lines[i].substr(0, seq.size()), seq);
    const size_t data = lines[i].find(",\"data\":");
    ASSERT_NE(data, std::string::npos) << lines[i];
    printed.insert(lines[i].substr(data));
    written.insert(",\"data\":" + OrderJson(GenerateOrder(6, i)) + "}");
    if (i % 3 == 0) {
      EXPECT_EQ(printed, written) << "up to change " << i + 1;
    }
  }
  EXPECT_EQ(testing::FileContents(err), "next after: " + std::to_string(kOrders) + "\n");
  std::printf("tool_changes_test: a follower process printed each write "
              "within %.0f ms (worst of %llu)\n",
              worst_ms, static_cast<unsigned long long>(kOrders / 12));
}

// examples/feed/ship_changes.cc, the worked example of docs/changes.md:
// ships everything once, resumes after its cursor, ships again what came
// after a cursor it did not get to save (at least once), and stops with
// the OutOfRange error when its cursor was trimmed past.
TEST_F(ToolChangesTest, ShipChangesExampleResumesAfterARestart) {
  const std::string cursor = Path("cursor"), shipped = Path("shipped.jsonl");
  auto ship = [&] {
    const std::string command = std::string(SHIP_CHANGES) + " " + Path("db") + " " +
                                cursor + " " + shipped + " > " + Path("ship.out") +
                                " 2>&1";
    return WEXITSTATUS(std::system(command.c_str()));
  };
  auto seqs = [&] {
    std::vector<uint64_t> out;
    for (const std::string& line : Lines(testing::FileContents(shipped))) {
      out.push_back(std::stoull(line.substr(7)));
    }
    return out;
  };
  auto write = [&](uint64_t first, uint64_t n) {
    std::unique_ptr<Store> store = Open();
    for (uint64_t i = first; i < first + n; ++i) {
      ASSERT_OK(store->Put({}, GenerateOrder(8, i)));
    }
  };
  write(0, 5);
  ASSERT_EQ(ship(), 0) << testing::FileContents(Path("ship.out"));
  EXPECT_EQ(seqs(), (std::vector<uint64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(testing::FileContents(cursor), "5\n");
  write(5, 3);
  {
    std::unique_ptr<Store> store = Open();
    ASSERT_OK(store->Delete({}, GenerateOrder(8, 0).hash));
  }
  ASSERT_EQ(ship(), 0) << testing::FileContents(Path("ship.out"));
  EXPECT_EQ(seqs(), (std::vector<uint64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_NE(Lines(testing::FileContents(shipped)).back().find("\"op\":\"delete\""), std::string::npos);
  // A crash after shipping 8 and 9 but before saving the cursor.
  std::ofstream(cursor) << "7\n";
  ASSERT_EQ(ship(), 0) << testing::FileContents(Path("ship.out"));
  EXPECT_EQ(seqs(), (std::vector<uint64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 8, 9}));
  // Away too long: the changes after its cursor are gone.
  write(8, 4);
  ASSERT_EQ(Run({"trim-changes", "--before", "12"}).exit_code, 0);
  EXPECT_EQ(ship(), 1);
  EXPECT_NE(testing::FileContents(Path("ship.out")).find("OutOfRange"), std::string::npos)
      << testing::FileContents(Path("ship.out"));
}

}  // namespace
}  // namespace orderstore
