// The reading commands against a store that another process holds open for
// writing and keeps writing to: they open it as a secondary instance and see
// every write made before they started.
#include <fcntl.h>
#include <signal.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <sstream>
#include <string>
#include <thread>

#include "lib/lock_holder.h"
#include "orderstore/generate.h"
#include "orderstore/store.h"
#include "tests/test_util.h"

namespace orderstore {
namespace {

using testing::Lines;
using testing::RunTool;
using testing::ToolRun;

constexpr uint64_t kSeed = 33;

// A child process that opens the store for writing and writes generated
// orders 0, 1, 2, ... one at a time (unsynced: writes reach the log file,
// not the disk, which must be enough for readers), until killed. After each
// write it reports how many orders are written through a pipe.
class Writer {
 public:
  explicit Writer(const std::string& db) {
    int fds[2];
    EXPECT_EQ(pipe(fds), 0);
    pid_ = fork();
    if (pid_ == 0) {
      close(fds[0]);
      // Never block on a full pipe: the writer keeps writing regardless.
      fcntl(fds[1], F_SETFL, O_NONBLOCK);
      Run(db, fds[1]);
    }
    close(fds[1]);
    from_child_ = fds[0];
  }
  ~Writer() {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    close(from_child_);
  }

  pid_t pid() const { return pid_; }

  // Waits until the child has written at least `count` orders; returns how
  // many it had written by the last report read.
  uint64_t WaitFor(uint64_t count) {
    uint64_t written = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (written < count && std::chrono::steady_clock::now() < deadline) {
      uint64_t report;
      if (read(from_child_, &report, sizeof report) == sizeof report) {
        written = report;
      }
    }
    return written;
  }

 private:
  [[noreturn]] static void Run(const std::string& db, int report_fd) {
    auto store = Store::Open(Options(), db);
    if (!store.ok()) _exit(1);
    WriteOptions fast;
    fast.sync = false;
    for (uint64_t i = 0;; ++i) {
      if (!(*store)->Put(fast, GenerateOrder(kSeed, i)).ok()) _exit(2);
      const uint64_t written = i + 1;
      (void)!write(report_fd, &written, sizeof written);
    }
  }

  pid_t pid_ = -1;
  int from_child_ = -1;
};

class LiveStoreTest : public testing::TempDirTest {};

TEST_F(LiveStoreTest, GetSeesEveryOrderWrittenBeforeItStarted) {
  Writer writer(Path("db"));
  for (uint64_t round = 1; round <= 3; ++round) {
    const uint64_t written = writer.WaitFor(round * 300);
    ASSERT_GE(written, round * 300) << "the writer did not get going";
    // The newest order reported, and a few older ones.
    std::vector<std::string> args = {"--db", Path("db"), "get", "--verbose"};
    for (uint64_t i : {written - 1, written / 2, uint64_t{0}}) {
      args.push_back(GenerateOrderHash(kSeed, i).ToHex());
    }
    ToolRun get = RunTool(args);
    ASSERT_EQ(get.exit_code, 0) << get.err;
    EXPECT_EQ(Lines(get.out).size(), 3u);
    EXPECT_NE(get.out.find(GenerateOrderHash(kSeed, written - 1).ToHex()),
              std::string::npos);
    EXPECT_NE(get.err.find("is open for writing in process " +
                           std::to_string(writer.pid()) +
                           "; reading it as a RocksDB secondary instance"),
              std::string::npos)
        << get.err;
  }
}

TEST_F(LiveStoreTest, DumpStatsAndVerifyWorkWhileTheWriterWrites) {
  Writer writer(Path("db"));
  const uint64_t before_dump = writer.WaitFor(500);
  ASSERT_GE(before_dump, 500u);
  ToolRun dump = RunTool({"--db", Path("db"), "dump"});
  ASSERT_EQ(dump.exit_code, 0) << dump.err;
  const size_t dumped = Lines(dump.out).size();
  EXPECT_GE(dumped, before_dump);
  // Every order written before the dump started is in it.
  for (uint64_t i = 0; i < before_dump; i += 37) {
    EXPECT_NE(dump.out.find(GenerateOrderHash(kSeed, i).ToHex()), std::string::npos)
        << i;
  }

  const uint64_t before_stats = writer.WaitFor(dumped + 200);
  ToolRun stats = RunTool({"--db", Path("db"), "stats", "--json", "--verbose"});
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_NE(stats.err.find("secondary instance"), std::string::npos);
  const size_t at = stats.out.find("{\"orders\":");
  ASSERT_EQ(at, 0u) << stats.out;
  EXPECT_GE(std::stoull(stats.out.substr(10)), before_stats);

  ToolRun verify = RunTool({"--db", Path("db"), "verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
  EXPECT_NE(verify.out.find(" 0 problems"), std::string::npos);
  // The writer was never disturbed: it is still writing.
  EXPECT_GT(writer.WaitFor(before_stats + 100), before_stats);
}

TEST_F(LiveStoreTest, WithoutAWriterTheStoreIsOpenedReadOnly) {
  {
    Writer writer(Path("db"));
    ASSERT_GE(writer.WaitFor(10), 10u);
  }  // killed: its lock is gone, its writes are in the log
  EXPECT_EQ(Store::LockHolder(Path("db")), 0);
  ToolRun get = RunTool({"--db", Path("db"), "get", "--verbose",
                         GenerateOrderHash(kSeed, 9).ToHex()});
  EXPECT_EQ(get.exit_code, 0) << get.err;
  EXPECT_NE(get.err.find("opened read-only"), std::string::npos) << get.err;
}

// /proc/locks names a file by device (major:minor, in hex) and inode
// number; inode numbers repeat across filesystems, so a lock on another
// filesystem's file with the same inode number is not the store's.
TEST(LockHolderTest, MatchesTheDeviceAndTheInode) {
  const dev_t device = makedev(0xfe, 0x00);
  const ino_t inode = 10953522;
  auto holder = [&](const std::string& text) {
    std::istringstream locks(text);
    return internal::LockHolderIn(locks, device, inode, /*self=*/100);
  };
  EXPECT_EQ(holder("1: POSIX  ADVISORY  WRITE 4242 fe:00:10953522 0 EOF\n"), 4242);
  // Another filesystem, the same inode number.
  EXPECT_EQ(holder("1: POSIX  ADVISORY  WRITE 4242 fd:01:10953522 0 EOF\n"), 0);
  EXPECT_EQ(holder("1: POSIX  ADVISORY  WRITE 4242 fe:01:10953522 0 EOF\n"), 0);
  // The same device, another inode ending in the same digits.
  EXPECT_EQ(holder("1: POSIX  ADVISORY  WRITE 4242 fe:00:110953522 0 EOF\n"), 0);
  // A waiter, this process itself, and an unreadable line are no holders;
  // the holder is found among other lines.
  EXPECT_EQ(holder("1: -> POSIX  ADVISORY  WRITE 4243 fe:00:10953522 0 EOF\n"
                   "2: POSIX  ADVISORY  WRITE 100 fe:00:10953522 0 EOF\n"
                   "3: POSIX\n"
                   "4: FLOCK  ADVISORY  WRITE 77 fe:00:1 0 EOF\n"
                   "5: POSIX  ADVISORY  WRITE 4244 fe:00:10953522 0 EOF\n"),
            4244);
  // Majors and minors past two hex digits.
  const dev_t wide = makedev(0x103, 0x1a5);
  std::istringstream locks("1: POSIX  ADVISORY  WRITE 4242 103:1a5:10953522 0 EOF\n");
  EXPECT_EQ(internal::LockHolderIn(locks, wide, inode, 100), 4242);
}

}  // namespace
}  // namespace orderstore
