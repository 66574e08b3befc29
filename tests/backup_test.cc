// Backups and restores of real stores: through the library from the store a
// process holds, and through the `orderstore` tool while another process
// (tests/crash_writer.cc) commits synced orders.
#include "orderstore/backup.h"

#include <rocksdb/db.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "lib/record.h"
#include "orderstore/generate.h"
#include "tests/test_util.h"

namespace orderstore {
namespace {

namespace fs = std::filesystem;
using testing::RunTool;
using testing::ToolRun;

std::vector<std::string> FamiliesOf(const std::string& path) {
  std::vector<std::string> families;
  EXPECT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path,
                                              &families)
                  .ok());
  std::sort(families.begin(), families.end());
  return families;
}

// Every order of the store at `path` as hash -> record, read through a
// fresh read-only open.
std::map<std::string, std::string> Contents(const std::string& path) {
  Options options;
  options.read_only = true;
  std::map<std::string, std::string> contents;
  Result<std::unique_ptr<Store>> store = Store::Open(options, path);
  EXPECT_OK(store);
  if (!store.ok()) return contents;
  std::unique_ptr<Iterator> it = (*store)->NewIterator(ReadOptions());
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    Result<OrderView> view = it->view();
    EXPECT_OK(view);
    if (view.ok()) {
      contents[view->hash().ToHex()] = std::string(view->record());
    }
  }
  EXPECT_OK(it->status());
  return contents;
}

// `orderstore verify` of the store at `path` passes.
void ExpectVerifies(const std::string& path) {
  ToolRun verify = RunTool({"--db", path, "verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_NE(verify.out.find(" 0 problems"), std::string::npos) << verify.out;
}

class BackupTest : public testing::TempDirTest {};

// A daemon's road: Backup of the store it holds, with orders in table files
// (an import) and in the write-ahead log only (recent writes), twice; each
// backup restores to exactly what the store held when it was taken.
TEST_F(BackupTest, RestoresEveryOrderAndFamilyAsOfEachBackup) {
  const std::string db = Path("db"), backups = Path("backups");
  auto store = Store::Open(Options(), db);
  ASSERT_OK(store);
  ASSERT_OK(testing::ImportGenerated(**store, 1, 3000));
  WriteOptions unsynced;
  unsynced.sync = false;
  for (uint64_t i = 0; i < 200; ++i) {
    ASSERT_OK((*store)->Put(unsynced, GenerateOrder(2, i)));
  }
  const auto first_contents = Contents(db);  // (read-only beside the writer)
  ASSERT_EQ(first_contents.size(), 3200u);

  Result<BackupInfo> first = (*store)->Backup(backups);
  ASSERT_OK(first);
  EXPECT_EQ(first->id, 1u);
  EXPECT_GT(first->size, 0u);

  // Change a few orders; the second backup holds the change, the first not.
  Order changed = GenerateOrder(1, 7);
  changed.fee += 1;
  ASSERT_OK((*store)->Put(unsynced, changed));
  ASSERT_OK((*store)->Delete(unsynced, GenerateOrder(2, 3).hash));
  Result<BackupInfo> second = (*store)->Backup(backups);
  ASSERT_OK(second);
  EXPECT_EQ(second->id, 2u);
  const auto second_contents = Contents(db);
  const auto families = FamiliesOf(db);
  store->reset();

  // A read-only open backs up too (nothing to copy but a new description).
  Options read_only;
  read_only.read_only = true;
  auto reader = Store::Open(read_only, db);
  ASSERT_OK(reader);
  Result<BackupInfo> third = (*reader)->Backup(backups);
  ASSERT_OK(third);
  EXPECT_EQ(third->id, 3u);
  reader->reset();
  ASSERT_OK(RestoreBackup(backups, 3, Path("three")));
  EXPECT_EQ(Contents(Path("three")), second_contents);

  Result<std::vector<BackupInfo>> listed = ListBackups(backups);
  ASSERT_OK(listed);
  ASSERT_EQ(listed->size(), 3u);
  EXPECT_EQ((*listed)[0].id, 1u);
  EXPECT_EQ((*listed)[1].id, 2u);
  EXPECT_LE((*listed)[0].timestamp, (*listed)[1].timestamp);
  EXPECT_OK(VerifyBackup(backups, 1));
  EXPECT_OK(VerifyBackup(backups));

  ASSERT_OK(RestoreBackup(backups, 1, Path("one")));
  ASSERT_OK(RestoreBackup(backups, kLatestBackup, Path("two")));
  EXPECT_EQ(FamiliesOf(Path("one")), families);
  EXPECT_EQ(FamiliesOf(Path("two")), families);
  EXPECT_EQ(Contents(Path("one")), first_contents);
  EXPECT_EQ(Contents(Path("two")), second_contents);
  EXPECT_NE(first_contents, second_contents);
  ExpectVerifies(Path("one"));
  ExpectVerifies(Path("two"));

  EXPECT_TRUE(RestoreBackup(backups, 4, Path("four")).IsNotFound());
  EXPECT_TRUE(ListBackups(Path("nothing")).status().IsNotFound());
}

// A backup from a secondary instance while the writer keeps adding table
// files (each Import adds some): either the backup is whole, or Backup says
// the writer changed its files during every attempt. Never a torn copy.
TEST_F(BackupTest, SecondaryBackupBesideAChangingWriterIsWholeOrRefused) {
  const std::string db = Path("db"), backups = Path("backups");
  auto writer = Store::Open(Options(), db);
  ASSERT_OK(writer);
  std::atomic<uint64_t> landed{0};  // batches [0, landed) are stored
  std::atomic<bool> stop{false};
  constexpr uint64_t kBatch = 50;
  std::thread importer([&] {
    for (uint64_t b = 0; !stop.load(); ++b) {
      WriteBatch batch;
      for (uint64_t i = b * kBatch; i < (b + 1) * kBatch; ++i) {
        ASSERT_OK(batch.Put(GenerateOrder(3, i)));
      }
      ASSERT_OK((*writer)->Import(batch));
      landed.store(b + 1);
      // Pauses, in which a backup may fit, between bursts of imports.
      if (b % 4 == 3) std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
  });
  while (landed.load() < 5) std::this_thread::yield();
  int whole = 0, refused = 0;
  for (int round = 0; round < 3; ++round) {
    const uint64_t before = landed.load();
    Result<BackupInfo> info = BackupStoreAt(db, backups);
    if (!info.ok()) {
      EXPECT_TRUE(info.status().IsIOError()) << info.status().ToString();
      EXPECT_NE(info.status().message().find("changed the store's files"),
                std::string::npos)
          << info.status().ToString();
      ++refused;
      continue;
    }
    ++whole;
    const std::string target = Path("restored" + std::to_string(round));
    ASSERT_OK(RestoreBackup(backups, info->id, target));
    const auto contents = Contents(target);
    for (uint64_t i = 0; i < before * kBatch; ++i) {
      const Order order = GenerateOrder(3, i);
      auto found = contents.find(order.hash.ToHex());
      ASSERT_NE(found, contents.end()) << "order " << i << " of " << before * kBatch;
      ASSERT_EQ(found->second, internal::EncodeRecord(order));
    }
    // Whole batches only.
    EXPECT_EQ(contents.size() % kBatch, 0u);
    ExpectVerifies(target);
  }
  stop.store(true);
  importer.join();
  std::printf("backup_test: beside a writer importing continuously, %d "
              "backups whole, %d refused\n", whole, refused);
}

class BackupToolTest : public testing::TempDirTest {};

// `orderstore backup` while another process commits synced orders: every
// order acknowledged before the backup started comes back from a restore,
// which passes `verify`.
TEST_F(BackupToolTest, BackupWhileAnotherProcessWritesKeepsEveryAcknowledgedOrder) {
  const uint64_t seed = 77;
  const std::string db = Path("db"), log = Path("acked.log"),
                    backups = Path("backups");
  pid_t child = testing::Spawn({CRASH_WRITER, db, log, std::to_string(seed), "0"},
                               Path("writer.out"));
  ASSERT_GT(child, 0);
  auto acknowledged = [&] {
    // Complete lines only: the writer appends whole lines, fsync'd.
    std::string text = testing::FileContents(log);
    text.resize(text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1);
    return testing::Lines(text).size();
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (acknowledged() < 50) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << testing::FileContents(Path("writer.out"));
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::vector<size_t> before;  // acknowledged before each backup started
  for (int round = 0; round < 3; ++round) {
    before.push_back(acknowledged());
    ToolRun backup = RunTool({"--db", db, "backup", backups});
    ASSERT_EQ(backup.exit_code, 0) << backup.out << backup.err;
    EXPECT_NE(backup.out.find("backup " + std::to_string(round + 1) + "  "),
              std::string::npos)
        << backup.out;
  }
  const size_t at_end = acknowledged();
  testing::StopChild(child, SIGKILL);
  EXPECT_GT(at_end, before.back()) << "the writer was not writing meanwhile";

  ToolRun list = RunTool({"backup", "--list", backups});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  ASSERT_EQ(testing::Lines(list.out).size(), 3u) << list.out;
  for (int round = 0; round < 3; ++round) {
    const std::string target = Path("restored" + std::to_string(round));
    ToolRun restore = RunTool({"restore", "--id", std::to_string(round + 1),
                               backups, target});
    ASSERT_EQ(restore.exit_code, 0) << restore.out << restore.err;
    ExpectVerifies(target);
    const auto contents = Contents(target);
    for (uint64_t i = 0; i < before[round]; ++i) {
      const Order order = GenerateOrder(seed, i);
      auto found = contents.find(order.hash.ToHex());
      ASSERT_NE(found, contents.end())
          << "backup " << round + 1 << " lacks acknowledged order " << i;
      ASSERT_EQ(found->second, internal::EncodeRecord(order));
    }
    // Nothing but the writer's orders, in whole batches of its layout.
    EXPECT_GE(contents.size(), before[round]);
    EXPECT_LE(contents.size(), at_end + 16);
  }
}

// A flipped byte in a backup's table file: verify and restore both fail
// with one line naming the file, and restore leaves nothing at the target.
TEST_F(BackupToolTest, FlippedByteIsNamedByVerifyAndRestore) {
  const std::string db = Path("db"), backups = Path("backups");
  {
    auto store = Store::Open(Options(), db);
    ASSERT_OK(store);
    ASSERT_OK(testing::ImportGenerated(**store, 5, 2000));
  }
  ToolRun backup = RunTool({"--db", db, "backup", backups});
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  ToolRun verified = RunTool({"backup", "--verify", backups});
  ASSERT_EQ(verified.exit_code, 0) << verified.err;

  // The largest table file: the orders'.
  fs::path victim;
  uintmax_t largest = 0;
  for (const auto& entry : fs::recursive_directory_iterator(backups)) {
    if (entry.path().extension() == ".sst" && entry.file_size() > largest) {
      largest = entry.file_size();
      victim = entry.path();
    }
  }
  ASSERT_FALSE(victim.empty());
  {
    std::fstream file(victim, std::ios::in | std::ios::out | std::ios::binary);
    file.seekg(static_cast<std::streamoff>(largest / 2));
    char byte = 0;
    file.read(&byte, 1);
    byte = static_cast<char>(byte ^ 0x20);
    file.seekp(static_cast<std::streamoff>(largest / 2));
    file.write(&byte, 1);
  }
  const std::string name = victim.filename().string();

  ToolRun verify = RunTool({"backup", "--verify", "--id", "1", backups});
  EXPECT_EQ(verify.exit_code, 4) << verify.err;
  EXPECT_NE(verify.err.find(name), std::string::npos) << verify.err;
  EXPECT_EQ(testing::Lines(verify.err).size(), 1u) << verify.err;

  const std::string target = Path("restored");
  ToolRun restore = RunTool({"restore", backups, target});
  EXPECT_EQ(restore.exit_code, 4) << restore.err;
  EXPECT_NE(restore.err.find(name), std::string::npos) << restore.err;
  EXPECT_EQ(testing::Lines(restore.err).size(), 1u) << restore.err;
  EXPECT_FALSE(fs::exists(target));
  for (const auto& entry : fs::directory_iterator(dir_)) {
    EXPECT_EQ(entry.path().filename().string().find("restored.restoring"),
              std::string::npos)
        << entry.path();
  }
}

TEST_F(BackupToolTest, RestoreRefusesANonEmptyTarget) {
  const std::string db = Path("db"), backups = Path("backups");
  {
    auto store = Store::Open(Options(), db);
    ASSERT_OK(store);
    ASSERT_OK((*store)->Put(WriteOptions(), GenerateOrder(6, 0)));
  }
  ASSERT_EQ(RunTool({"--db", db, "backup", backups}).exit_code, 0);
  const std::string target = Path("target");
  fs::create_directories(target);
  std::ofstream(Path("target/keep.txt")) << "mine";

  ToolRun restore = RunTool({"restore", backups, target});
  EXPECT_EQ(restore.exit_code, 3) << restore.err;
  EXPECT_NE(restore.err.find("is not empty"), std::string::npos) << restore.err;
  EXPECT_EQ(testing::FileContents(Path("target/keep.txt")), "mine");
  EXPECT_EQ(std::distance(fs::directory_iterator(target), fs::directory_iterator()), 1);

  // An empty directory is fine.
  fs::remove(Path("target/keep.txt"));
  restore = RunTool({"restore", backups, target});
  EXPECT_EQ(restore.exit_code, 0) << restore.err;
  ExpectVerifies(target);
}

}  // namespace
}  // namespace orderstore
