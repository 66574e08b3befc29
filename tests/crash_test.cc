// Crash safety with real processes and real SIGKILLs.
//
// WritersKilledAtRandomLoseNothingAcknowledged: tests/crash_writer.cc writes
// generated orders with synced writes and logs each acknowledged hash to
// its own fsync'd log; we SIGKILL it at random moments, reopen the store
// after each kill and check every logged order is present and
// byte-identical, every stored record verifies and is one the writer wrote,
// and each atomic batch is all there or not at all; and that the change
// feed lists exactly what is stored, numbered 1, 2, 3... in write order,
// every acknowledged order among them.
// ORDERSTORE_CRASH_KILLS sets the number of kills (default 30; the long
// form in docs/reliability.md uses 1000).
//
// KilledImportIsAllOrNothing: `orderstore import` of a large file, killed
// part-way at several moments: the file's orders are all in the store or
// none, and so are their changes in the feed.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "lib/record.h"
#include "orderstore/generate.h"
#include "orderstore/json_export.h"
#include "orderstore/store.h"
#include "tests/crash_batches.h"
#include "tests/test_util.h"

namespace orderstore {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// SIGKILLs `child` (if still running) and reaps it. Returns true when the
// kill ended it, false when it had already exited by itself.
bool KillAndReap(pid_t child, int* exit_status) {
  int status = 0;
  if (waitpid(child, &status, WNOHANG) == child) {
    *exit_status = status;
    return false;
  }
  kill(child, SIGKILL);
  waitpid(child, &status, 0);
  *exit_status = status;
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

off_t FileSize(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 ? st.st_size : 0;
}

// The indexes on the complete lines "INDEX HASH" of the writer's log. A
// line the kill tore has no newline and is ignored: its order was
// acknowledged, but the log cannot prove it.
std::vector<uint64_t> ReadLog(const std::string& path, uint64_t seed) {
  std::string text = testing::FileContents(path);
  std::vector<uint64_t> indexes;
  size_t start = 0;
  for (size_t end; (end = text.find('\n', start)) != std::string::npos;
       start = end + 1) {
    std::istringstream line(text.substr(start, end - start));
    uint64_t index;
    std::string hash;
    line >> index >> hash;
    EXPECT_EQ(hash, GenerateOrderHash(seed, index).ToHex()) << "log line";
    indexes.push_back(index);
  }
  return indexes;
}

int KillsWanted() {
  const char* env = std::getenv("ORDERSTORE_CRASH_KILLS");
  return env != nullptr && *env != '\0' ? std::atoi(env) : 30;
}

class CrashTest : public testing::TempDirTest {};

TEST_F(CrashTest, WritersKilledAtRandomLoseNothingAcknowledged) {
  const uint64_t seed = 20260501;
  const int kills_wanted = KillsWanted();
  const std::string db = Path("db"), log = Path("acked.log"),
                    output = Path("writer.out");
  std::mt19937_64 random(std::random_device{}());
  std::unordered_map<std::string, uint64_t> index_of;  // hash key -> index
  uint64_t indexed = 0;  // index_of holds indexes [0, indexed)
  uint64_t next_first = 0;
  int kills = 0, kills_before_first_ack = 0;
  size_t orders_checked = 0;
  const auto started = Clock::now();

  for (int round = 0; round < kills_wanted; ++round) {
    const uint64_t first = next_first;
    const size_t logged_before = ReadLog(log, seed).size();
    const off_t log_size_before = FileSize(log);
    pid_t child = testing::Spawn(
        {CRASH_WRITER, db, log, std::to_string(seed), std::to_string(first)},
        output);
    ASSERT_GT(child, 0);
    if (random() % 5 == 0) {
      // Anywhere from the start: while RocksDB opens and recovers, too.
      std::this_thread::sleep_for(milliseconds(random() % 60));
    } else {
      // Once it is writing, at a random moment between two writes or in
      // the middle of one.
      const auto deadline = Clock::now() + std::chrono::seconds(30);
      // (The log only grows by whole fsync'd writes of complete lines.)
      while (FileSize(log) == log_size_before) {
        ASSERT_LT(Clock::now(), deadline) << testing::FileContents(output);
        std::this_thread::sleep_for(milliseconds(1));
      }
      std::this_thread::sleep_for(std::chrono::microseconds(random() % 30000));
    }
    int status = 0;
    ASSERT_TRUE(KillAndReap(child, &status))
        << "the writer exited by itself (status " << status
        << "): " << testing::FileContents(output);
    ++kills;

    std::vector<uint64_t> logged = ReadLog(log, seed);
    if (logged.size() == logged_before) ++kills_before_first_ack;
    uint64_t max_logged = 0;
    for (uint64_t i : logged) max_logged = std::max(max_logged, i + 1);
    // The writer logs each batch once it is acknowledged, before it starts
    // the next: beyond the log lie at most one acknowledged batch and one
    // in flight, 8 orders each.
    const uint64_t highest = std::max(max_logged, first) + 16;
    for (; indexed < highest; ++indexed) {
      index_of.emplace(std::string(GenerateOrderHash(seed, indexed).AsKey()),
                       indexed);
    }

    Result<std::unique_ptr<Store>> store = Store::Open(Options(), db);
    ASSERT_OK(store);
    // Every acknowledged order is there, byte for byte.
    for (uint64_t i : logged) {
      Order expected = GenerateOrder(seed, i);
      Result<PinnedOrder> got = (*store)->Get(ReadOptions(), expected.hash);
      ASSERT_OK(got);
      ASSERT_EQ(got->view().record(), internal::EncodeRecord(expected))
          << "order " << i;
      ++orders_checked;
    }
    // Every stored record verifies and is exactly one the writer wrote.
    std::vector<bool> present(indexed, false);
    std::unique_ptr<Iterator> it = (*store)->NewIterator(ReadOptions());
    size_t stored = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      Result<OrderView> view = it->view();
      ASSERT_OK(view);
      auto found = index_of.find(std::string(view->hash().AsKey()));
      ASSERT_NE(found, index_of.end()) << "an order nobody wrote";
      ASSERT_EQ(view->record(),
                internal::EncodeRecord(GenerateOrder(seed, found->second)));
      present[found->second] = true;
      ++stored;
    }
    ASSERT_OK(it->status());
    it.reset();
    // Each batch of the killed run is all there or not at all.
    for (uint64_t b = first; b < indexed;) {
      const uint64_t size = testing::CrashBatchSize(b);
      size_t there = 0;
      for (uint64_t i = b; i < b + size && i < indexed; ++i)
        there += present[i];
      if (b + size <= indexed) {
        ASSERT_TRUE(there == 0 || there == size)
            << "batch at " << b << ": " << there << " of " << size;
      }
      b += size;
    }
    EXPECT_GE(stored, std::set<uint64_t>(logged.begin(), logged.end()).size());
    // The feed lists exactly the stored orders, each once (a write of
    // bytes already stored records nothing), numbered without a gap, in
    // write order (a batch's changes go in hash order: within 8).
    {
      Result<std::unique_ptr<ChangeIterator>> changes =
          (*store)->ChangesAfter(ReadOptions(), 0);
      ASSERT_OK(changes);
      std::vector<bool> in_feed(indexed, false);
      uint64_t seq = 0, highest_index = 0;
      size_t listed = 0;
      for (; (*changes)->Valid(); (*changes)->Next()) {
        Result<ChangeView> change = (*changes)->change();
        ASSERT_OK(change);
        ASSERT_EQ(change->seq(), ++seq);
        ASSERT_EQ(change->op(), ChangeOp::kPut);
        EXPECT_EQ(change->actor(), "crash-writer");
        auto found = index_of.find(std::string(change->hash().AsKey()));
        ASSERT_NE(found, index_of.end());
        ASSERT_TRUE(present[found->second]) << "a change of an order not stored";
        ASSERT_FALSE(in_feed[found->second]) << "order listed twice";
        ASSERT_EQ(change->order().record(),
                  internal::EncodeRecord(GenerateOrder(seed, found->second)));
        ASSERT_GE(found->second + 8, highest_index) << "change " << seq;
        highest_index = std::max(highest_index, found->second);
        in_feed[found->second] = true;
        ++listed;
      }
      ASSERT_OK((*changes)->status());
      EXPECT_EQ(listed, stored);
      for (uint64_t i : logged) ASSERT_TRUE(in_feed[i]) << "acknowledged " << i;
    }
    store->reset();
    // And `orderstore verify` finds nothing.
    testing::ToolRun verify = testing::RunTool({"--db", db, "verify"});
    ASSERT_EQ(verify.exit_code, 0) << verify.out << verify.err;
    ASSERT_NE(verify.out.find("checked " + std::to_string(stored) +
                              " records: 0 problems"),
              std::string::npos)
        << verify.out;
    next_first = max_logged;
  }
  const double seconds =
      std::chrono::duration<double>(Clock::now() - started).count();
  std::printf(
      "crash_test: %d kills survived (%d before the first "
      "acknowledgement of their run), %zu acknowledged orders "
      "checked after kills (%zu distinct), %.1f s\n",
      kills, kills_before_first_ack, orders_checked, ReadLog(log, seed).size(),
      seconds);
  EXPECT_EQ(kills, kills_wanted);
}

TEST_F(CrashTest, KilledImportIsAllOrNothing) {
  constexpr uint64_t kSeed = 99;
  constexpr uint64_t kOrders = 20000;
  std::string file_text;
  std::vector<OrderHash> hashes;
  for (uint64_t i = 0; i < kOrders; ++i) {
    Order order = GenerateOrder(kSeed, i);
    ASSERT_OK(AppendOrderJson(order, &file_text));
    file_text += '\n';
    hashes.push_back(order.hash);
  }
  const std::string file = Path("orders.jsonl");
  std::ofstream(file, std::ios::binary) << file_text;

  // How long a whole import takes here, to spread the kills over it.
  auto run_import = [&](const std::string& db) {
    return testing::Spawn({ORDERSTORE_TOOL, "--db", db, "import", file},
                 Path("import.out"));
  };
  const auto started = Clock::now();
  {
    int status = 0;
    pid_t child = run_import(Path("reference"));
    waitpid(child, &status, 0);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << testing::FileContents(Path("import.out"));
  }
  const auto full = Clock::now() - started;

  std::mt19937_64 random(std::random_device{}());
  int killed_midway = 0, saw_none = 0, saw_all = 0;
  constexpr int kKills = 8;
  for (int k = 0; k < kKills; ++k) {
    const std::string db = Path("db" + std::to_string(k));
    // From 10% to 110% of a full import's time, so some kills land while
    // the store writes the file's batch and some after it finished.
    const auto delay = std::chrono::duration_cast<std::chrono::microseconds>(
        full * (0.1 + k / static_cast<double>(kKills)) +
        std::chrono::microseconds(random() % 20000));
    pid_t child = run_import(db);
    std::this_thread::sleep_for(delay);
    int status = 0;
    killed_midway += KillAndReap(child, &status);

    Options options;
    options.create_if_missing = true;  // a kill before creation leaves none
    Result<std::unique_ptr<Store>> store = Store::Open(options, db);
    ASSERT_OK(store);
    size_t there = 0;
    for (const Result<PinnedOrder>& got :
         (*store)->GetMany(ReadOptions(), hashes)) {
      if (got.ok()) {
        ++there;
      } else {
        ASSERT_TRUE(got.status().IsNotFound()) << got.status().ToString();
      }
    }
    ASSERT_TRUE(there == 0 || there == kOrders)
        << "kill " << k << " after " << delay.count() << " us: " << there
        << " of " << kOrders << " orders";
    // And the feed has their changes, all or none, numbered 1...
    {
      Result<std::unique_ptr<ChangeIterator>> changes =
          (*store)->ChangesAfter(ReadOptions(), 0);
      ASSERT_OK(changes);
      uint64_t seq = 0;
      for (; (*changes)->Valid(); (*changes)->Next()) {
        Result<ChangeView> change = (*changes)->change();
        ASSERT_OK(change);
        ASSERT_EQ(change->seq(), ++seq);
      }
      ASSERT_OK((*changes)->status());
      ASSERT_EQ(seq, there) << "kill " << k;
      size_t problems = 0;
      ASSERT_OK((*store)->CheckChanges([&](const Status& problem) {
        ADD_FAILURE() << problem.ToString();
        ++problems;
      }));
    }
    (there == 0 ? saw_none : saw_all)++;
    if (there == kOrders) {
      Order last = GenerateOrder(kSeed, kOrders - 1);
      Result<PinnedOrder> got = (*store)->Get(ReadOptions(), last.hash);
      ASSERT_OK(got);
      EXPECT_EQ(got->view().record(), internal::EncodeRecord(last));
    }
  }
  std::printf(
      "crash_test: import of %llu orders (%.1f MB, %.2f s) killed "
      "%d times part-way, %d ran to the end; after the kills: %d "
      "stores had none, %d all\n",
      static_cast<unsigned long long>(kOrders), file_text.size() / 1e6,
      std::chrono::duration<double>(full).count(), killed_midway,
      kKills - killed_midway, saw_none, saw_all);
  // Without kills that land before the end, this proves nothing.
  EXPECT_GE(killed_midway, kKills / 2);
}

}  // namespace
}  // namespace orderstore
