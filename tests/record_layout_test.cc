// The layout of the table files (lib/record_layout.h): new stores write the
// records in 4 KiB blocks against a dictionary, and a store whose files
// were written the way earlier versions wrote them (16 KiB blocks, no
// dictionary, read with pread) still opens and reads every order.
#include "lib/record_layout.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <rocksdb/table_properties.h>

#include <memory>
#include <string>
#include <vector>

#include "lib/change_format.h"
#include "lib/index.h"
#include "lib/rocks_options.h"
#include "orderstore/generate.h"
#include "orderstore/query.h"
#include "orderstore/store.h"
#include "tests/test_util.h"

namespace orderstore {
namespace {

constexpr uint64_t kSeed = 22;
constexpr uint64_t kOrders = 3000;  // ~1.2 MB of records: many blocks

class RecordLayoutTest : public testing::TempDirTest {
 protected:
  // Writes kOrders generated orders into a new store at `path`.
  void WriteStore(const Options& options, const std::string& path) {
    auto store = Store::Open(options, path);
    ASSERT_OK(store);
    WriteOptions write;
    write.sync = false;
    WriteBatch batch;
    for (uint64_t i = 0; i < kOrders; ++i) {
      ASSERT_OK(batch.Put(GenerateOrder(kSeed, i)));
    }
    ASSERT_OK((*store)->Write(write, batch));
  }

  // Opens the closed store at `path` with bare RocksDB and the store's
  // options for `options`, with the order records' table files laid out as
  // `layout` and read with pread; with `rewrite`, compacts every family
  // (each file is rewritten with those options). Returns the properties of
  // the table files of the column family `family` (the order records').
  rocksdb::TablePropertiesCollection Rewrite(
      const Options& options, const internal::RecordLayout& layout,
      const std::string& path, bool rewrite = true,
      const std::string& family = "orders") {
    rocksdb::Options rocks = internal::RocksOptions(options);
    rocksdb::BlockBasedTableOptions table =
        *rocks.table_factory->GetOptions<rocksdb::BlockBasedTableOptions>();
    internal::ApplyRecordLayout(layout, &rocks, &table);
    rocks.allow_mmap_reads = false;
    rocks.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
    std::vector<std::string> names;
    EXPECT_TRUE(rocksdb::DB::ListColumnFamilies(rocks, path, &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (const std::string& name : names) {
      families.emplace_back(name, internal::RocksFamilyOptions(rocks, name));
    }
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    rocksdb::Status s = rocksdb::DB::Open(rocks, path, families, &handles, &raw);
    EXPECT_TRUE(s.ok()) << s.ToString();
    std::unique_ptr<rocksdb::DB> db(raw);
    rocksdb::TablePropertiesCollection tables;
    if (!s.ok()) return tables;
    rocksdb::CompactRangeOptions compact;
    compact.bottommost_level_compaction =
        rocksdb::BottommostLevelCompaction::kForce;
    for (size_t i = 0; i < names.size(); ++i) {
      if (rewrite) {
        EXPECT_TRUE(db->CompactRange(compact, handles[i], nullptr, nullptr).ok());
      }
      if (names[i] == family) {
        EXPECT_TRUE(db->GetPropertiesOfAllTables(handles[i], &tables).ok());
      }
    }
    for (auto* handle : handles) {
      EXPECT_TRUE(db->DestroyColumnFamilyHandle(handle).ok());
    }
    EXPECT_TRUE(db->Close().ok());
    return tables;
  }

  // Reads every order of the store at `path` opened with `options`, by
  // Get, GetMany and the creation-time index.
  void ExpectEveryOrder(const Options& options, const std::string& path) {
    auto store = Store::Open(options, path);
    ASSERT_OK(store);
    std::vector<OrderHash> hashes;
    for (uint64_t i = 0; i < kOrders; ++i) {
      Result<PinnedOrder> order = (*store)->Get({}, GenerateOrderHash(kSeed, i));
      ASSERT_OK(order);
      ASSERT_EQ(order->view().ToOwned(), GenerateOrder(kSeed, i)) << i;
      hashes.push_back(GenerateOrderHash(kSeed, i));
    }
    std::vector<Result<PinnedOrder>> many = (*store)->GetMany({}, hashes);
    ASSERT_EQ(many.size(), kOrders);
    for (uint64_t i = 0; i < kOrders; ++i) {
      ASSERT_OK(many[i]);
      ASSERT_EQ(many[i]->view().hash(), hashes[i]);
    }
    auto it = (*store)->QueryCreated({}, CreatedQuery{});
    ASSERT_OK(it);
    uint64_t found = 0;
    for (; (*it)->Valid(); (*it)->Next()) ++found;
    EXPECT_OK((*it)->status());
    EXPECT_EQ(found, kOrders);
  }
};

// Average uncompressed bytes per data block of `tables`.
double BlockBytes(const rocksdb::TablePropertiesCollection& tables) {
  uint64_t raw = 0, blocks = 0;
  for (const auto& [file, table] : tables) {
    raw += table->raw_key_size + table->raw_value_size;
    blocks += table->num_data_blocks;
  }
  return blocks == 0 ? 0 : static_cast<double>(raw) / static_cast<double>(blocks);
}

// Every table file of `tables` is compressed with `codec` ("LZ4", "ZSTD")
// against a dictionary of `dict_bytes` (0: none).
void ExpectCodec(const rocksdb::TablePropertiesCollection& tables,
                 const std::string& codec, int dict_bytes) {
  const std::string dict = "max_dict_bytes=" + std::to_string(dict_bytes);
  for (const auto& [file, table] : tables) {
    EXPECT_EQ(table->compression_name, codec) << file;
    EXPECT_NE(table->compression_options.find(dict), std::string::npos)
        << file << ": " << table->compression_options;
  }
}

TEST_F(RecordLayoutTest, NewStoresWriteSmallBlocksWithADictionary) {
  const std::string path = Path("db");
  WriteStore(Options(), path);
  // Opening again flushes the log into table files with the store's
  // options; read them without rewriting.
  ASSERT_OK(Store::Open(Options(), path));
  rocksdb::TablePropertiesCollection tables = Rewrite(
      Options(), internal::DefaultRecordLayout(Options()), path, false);
  ASSERT_FALSE(tables.empty());
  EXPECT_LE(BlockBytes(tables), 4.5 * 1024);
  ExpectCodec(tables, "LZ4", 16384);
}

// The change feed is scanned, never read a record at a time: its files take
// the records' codec in 16 KiB blocks without a dictionary (RocksDB loads
// one for every block it compresses). The indexes and the history use LZ4.
TEST_F(RecordLayoutTest, TheFeedAndTheIndexesWriteLz4WithoutADictionary) {
  const std::string path = Path("db");
  WriteStore(Options(), path);
  ASSERT_OK(Store::Open(Options(), path));  // flushes every family
  const internal::RecordLayout layout = internal::DefaultRecordLayout(Options());
  rocksdb::TablePropertiesCollection feed =
      Rewrite(Options(), layout, path, false, internal::kChangesFamily);
  ASSERT_FALSE(feed.empty());
  EXPECT_GE(BlockBytes(feed), 12 * 1024);
  ExpectCodec(feed, "LZ4", 0);
  for (const std::string& family :
       {std::string(internal::kHistoryFamily), std::string(internal::kIndexFamilies[0])}) {
    rocksdb::TablePropertiesCollection tables =
        Rewrite(Options(), layout, path, false, family);
    ASSERT_FALSE(tables.empty()) << family;
    ExpectCodec(tables, "LZ4", 0);
  }
}

// Stores written before the layout changed (16 KiB blocks, lz4 or, before
// that, zstd, no dictionary) keep their files until compactions rewrite
// them, and read as before.
TEST_F(RecordLayoutTest, StoresWithSixteenKiBBlocksReadEveryOrder) {
  for (Compression codec : {Compression::kLz4, Compression::kZstd}) {
    Options old;
    old.compression = codec;
    const std::string path = Path("db" + std::to_string(static_cast<int>(codec)));
    WriteStore(old, path);
    rocksdb::TablePropertiesCollection tables =
        Rewrite(old, internal::SixteenKiBLayout(old), path);
    ASSERT_FALSE(tables.empty());
    EXPECT_GE(BlockBytes(tables), 12 * 1024);
    ExpectCodec(tables, codec == Compression::kLz4 ? "LZ4" : "ZSTD", 0);
    ExpectEveryOrder(Options(), path);
  }
}

}  // namespace
}  // namespace orderstore
