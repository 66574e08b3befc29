// `orderstore import` on a real full disk: a 16 MiB tmpfs mounted for the
// test (skipped, saying why, where mounting is not allowed: it needs root
// or CAP_SYS_ADMIN), filled up but for a little room, then freed.
//
// On the full disk, an import through Store::Write (a small file) and one
// through Store::Import (a file of 12,000 orders, table files) each exit 4
// with one line on stderr naming the store; the store still holds what it
// held, byte for byte, and nothing of either file. Once space is freed the
// same imports succeed, and the indexes are consistent.
#include <sys/mount.h>
#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "lib/record.h"
#include "orderstore/generate.h"
#include "orderstore/json_export.h"
#include "orderstore/store.h"
#include "tests/test_util.h"

namespace orderstore {
namespace {

class DiskFullTest : public testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    mnt_ = Path("mnt");
    std::filesystem::create_directory(mnt_);
    if (mount("tmpfs", mnt_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV,
              "size=16m") != 0) {
      GTEST_SKIP() << "cannot mount a tmpfs at " << mnt_ << " ("
                   << std::strerror(errno) << "): needs root or CAP_SYS_ADMIN";
    }
    mounted_ = true;
  }
  void TearDown() override {
    if (mounted_) umount2(mnt_.c_str(), MNT_DETACH);
    TempDirTest::TearDown();
  }

  // Orders [first, first + n) of seed 77 as a JSON Lines file outside the
  // tmpfs; returns its path.
  std::string OrdersFile(const std::string& name, uint64_t first, uint64_t n) {
    std::string text;
    for (uint64_t i = first; i < first + n; ++i) {
      EXPECT_TRUE(AppendOrderJson(GenerateOrder(77, i), &text).ok());
      text += '\n';
    }
    const std::string path = Path(name);
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  // How many of orders [first, first + n) the store holds, each checked
  // byte for byte; opened read-only, which writes nothing (the disk is
  // full).
  size_t Held(const std::string& db, uint64_t first, uint64_t n,
              bool read_only = true) {
    Options options;
    options.read_only = read_only;
    Result<std::unique_ptr<Store>> store = Store::Open(options, db);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    if (!store.ok()) return 0;
    std::vector<OrderHash> hashes;
    for (uint64_t i = first; i < first + n; ++i) {
      hashes.push_back(GenerateOrderHash(77, i));
    }
    size_t held = 0;
    std::vector<Result<PinnedOrder>> got = (*store)->GetMany(ReadOptions(), hashes);
    for (size_t i = 0; i < got.size(); ++i) {
      if (!got[i].ok()) {
        EXPECT_TRUE(got[i].status().IsNotFound()) << got[i].status().ToString();
        continue;
      }
      EXPECT_EQ(got[i]->view().record(),
                internal::EncodeRecord(GenerateOrder(77, first + i)));
      ++held;
    }
    return held;
  }

  std::string mnt_;
  bool mounted_ = false;
};

TEST_F(DiskFullTest, ImportFailsCleanlyAndSucceedsOnceSpaceIsFreed) {
  const std::string db = mnt_ + "/db";
  const std::string first = OrdersFile("first.jsonl", 0, 100);
  const std::string small = OrdersFile("small.jsonl", 1000, 3000);
  const std::string large = OrdersFile("large.jsonl", 10000, 12000);
  testing::ToolRun run = testing::RunTool({"--db", db, "import", first});
  ASSERT_EQ(run.exit_code, 0) << run.err;

  // Fill the disk but for 256 KiB: room to open the store, not to import.
  struct statvfs fs {};
  ASSERT_EQ(statvfs(mnt_.c_str(), &fs), 0);
  const uint64_t free_bytes = uint64_t{fs.f_bavail} * fs.f_frsize;
  ASSERT_GT(free_bytes, uint64_t{1} << 20);
  {
    std::ofstream filler(mnt_ + "/filler", std::ios::binary);
    const std::string chunk(1 << 16, 'x');
    for (uint64_t n = 0; n + chunk.size() + (256 << 10) <= free_bytes;
         n += chunk.size()) {
      filler << chunk;
    }
    ASSERT_TRUE(filler.flush()) << "filling the tmpfs";
  }

  // The small file twice: the second try finds the disk full from the
  // start (RocksDB's own info logger aborted there: lib/info_log.h).
  for (const std::string& file : {small, large, small}) {
    run = testing::RunTool({"--db", db, "import", file});
    EXPECT_EQ(run.exit_code, 4) << file << ": " << run.out << run.err;
    const std::vector<std::string> lines = testing::Lines(run.err);
    ASSERT_EQ(lines.size(), 1u) << run.err;
    EXPECT_NE(lines[0].find("orderstore: import: store " + db), std::string::npos)
        << lines[0];
    EXPECT_NE(lines[0].find("No space left on device"), std::string::npos)
        << lines[0];
  }
  EXPECT_EQ(Held(db, 0, 100), 100u);
  EXPECT_EQ(Held(db, 1000, 3000), 0u);
  EXPECT_EQ(Held(db, 10000, 12000), 0u);

  // Space again: the same imports land whole.
  std::filesystem::remove(mnt_ + "/filler");
  for (const std::string& file : {small, large}) {
    run = testing::RunTool({"--db", db, "import", file});
    EXPECT_EQ(run.exit_code, 0) << file << ": " << run.err;
  }
  EXPECT_EQ(Held(db, 0, 100, /*read_only=*/false), 100u);
  EXPECT_EQ(Held(db, 1000, 3000, false), 3000u);
  EXPECT_EQ(Held(db, 10000, 12000, false), 12000u);
  run = testing::RunTool({"--db", db, "verify"});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
}

}  // namespace
}  // namespace orderstore
