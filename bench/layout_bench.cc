// The record layouts tried for a store bigger than its caches, each in one
// run with both of its figures in view: the big-store get (bare RocksDB Get
// + verify + read, caches as BigStoreOptions() sizes them) and the bytes on
// disk. Each layout rewrites a copy of the store's files (a full
// compaction with its options), so these run only when asked for:
//
//   orderstore_bench --layouts --benchmark_filter=BigLayout
#include "bench/layout_bench.h"

#include <benchmark/benchmark.h>
#include <rocksdb/cache.h>
#include <rocksdb/table.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench/big_store.h"
#include "bench/dataset.h"
#include "bench/floor_db.h"
#include "bench/read_loops.h"
#include "lib/record.h"
#include "lib/record_layout.h"
#include "lib/rocks_options.h"

namespace orderstore::bench {
namespace {

using Table = rocksdb::BlockBasedTableOptions;

// How a layout shares the cache budget (BigCacheBytes()).
enum class Caches {
  kDefault,    // as BigStoreOptions() splits it
  kHalf,       // half to the row cache, half to the block cache
  kBlockOnly,  // all to the block cache, no row cache
};

struct Layout {
  const char* name;
  size_t block_size;
  rocksdb::CompressionType compression;
  uint32_t dict_bytes = 0;
  bool mmap = false;
  Caches caches = Caches::kDefault;
  bool pinned = false;      // index and filter blocks in the block cache
  bool hash_index = false;  // data blocks' hash index
};

constexpr auto kLz4 = rocksdb::kLZ4Compression;
constexpr auto kZstd = rocksdb::kZSTD;
constexpr uint32_t kDict = 16 << 10;

const std::vector<Layout>& Layouts() {
  static const auto* layouts = new std::vector<Layout>{
      {"16K lz4", 16 << 10, kLz4},
      {"16K zstd", 16 << 10, kZstd},
      {"4K lz4", 4 << 10, kLz4},
      {"4K lz4 dict", 4 << 10, kLz4, kDict},
      {"8K lz4 dict", 8 << 10, kLz4, kDict},
      {"4K zstd dict", 4 << 10, kZstd, kDict},
      {"8K zstd dict", 8 << 10, kZstd, kDict},
      {"4K lz4 dict pinned", 4 << 10, kLz4, kDict, false, Caches::kDefault,
       true},
      {"4K lz4 dict hash index", 4 << 10, kLz4, kDict, false,
       Caches::kDefault, false, true},
      {"4K lz4 dict mmap", 4 << 10, kLz4, kDict, true},
      {"4K lz4 dict64K mmap", 4 << 10, kLz4, 64 << 10, true},
      {"2K lz4 dict mmap", 2 << 10, kLz4, kDict, true},
      {"8K lz4 dict mmap", 8 << 10, kLz4, kDict, true},
      {"4K lz4 dict mmap, caches half/half", 4 << 10, kLz4, kDict, true,
       Caches::kHalf},
      {"4K lz4 dict mmap, block cache only", 4 << 10, kLz4, kDict, true,
       Caches::kBlockOnly},
      {"2K lz4 dict mmap, block cache only", 2 << 10, kLz4, kDict, true,
       Caches::kBlockOnly},
      {"4K snappy mmap", 4 << 10, rocksdb::kSnappyCompression, 0, true},
      {"4K uncompressed mmap (reference: bytes)", 4 << 10, rocksdb::kNoCompression, 0, true},
  };
  return *layouts;
}

rocksdb::Options LayoutOptions(const Layout& layout) {
  rocksdb::Options rocks = internal::RocksOptions(BigStoreOptions());
  Table table = *rocks.table_factory->GetOptions<Table>();
  internal::RecordLayout record;
  record.block_size = layout.block_size;
  record.compression = layout.compression;
  record.dict_bytes = layout.dict_bytes;
  record.dict_train_bytes =
      layout.compression == kZstd ? 100 * layout.dict_bytes : 0;
  internal::ApplyRecordLayout(record, &rocks, &table);
  rocks.allow_mmap_reads = layout.mmap;
  const size_t budget = BigCacheBytes();
  switch (layout.caches) {
    case Caches::kDefault:
      break;
    case Caches::kHalf:
      rocks.row_cache = rocksdb::NewLRUCache(budget / 2);
      table.block_cache = rocksdb::NewLRUCache(budget / 2);
      break;
    case Caches::kBlockOnly:
      rocks.row_cache.reset();
      table.block_cache = rocksdb::NewLRUCache(budget);
      break;
  }
  if (layout.pinned) {
    table.cache_index_and_filter_blocks = true;
    table.cache_index_and_filter_blocks_with_high_priority = true;
    table.pin_l0_filter_and_index_blocks_in_cache = true;
    table.pin_top_level_index_and_filter = true;
    table.metadata_cache_options.unpartitioned_pinning =
        rocksdb::PinningTier::kAll;
  }
  if (layout.hash_index) {
    table.data_block_index_type = Table::kDataBlockBinaryAndHash;
  }
  rocks.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return rocks;
}

// Each layout's database, rewritten once and kept open for the run.
RocksDb& LayoutDb(size_t i) {
  static auto* dbs = new std::map<size_t, std::unique_ptr<RocksDb>>;
  std::unique_ptr<RocksDb>& db = (*dbs)[i];
  if (!db) {
    const rocksdb::Options options = LayoutOptions(Layouts()[i]);
    const std::string path = CopyOfStore("layout" + std::to_string(i));
    CompactRocks(path, options);
    db = OpenRocks(path, options);
  }
  return *db;
}

void BM_BigLayout(benchmark::State& state, size_t i) {
  RocksDb& db = LayoutDb(i);
  WarmPageCache(db.path);
  static uint64_t start = 11;
  start = start * 6364136223846793005ull + 1442695040888963407ull;
  RocksGets(state, db, Keys(ProbeHashes(), static_cast<size_t>(start >> 17)),
            /*verify=*/true);
  uint64_t orders_sst = 0;
  db.db->GetIntProperty(db.orders, "rocksdb.total-sst-files-size", &orders_sst);
  const double n = static_cast<double>(orders());
  state.counters["bytes_per_order"] =
      static_cast<double>(DiskBytes(db.path)) / n;
  state.counters["orders_cf_bytes_per_order"] =
      static_cast<double>(orders_sst) / n;
}

// A full scan of the records through a bare iterator, each verified and
// read: what reconcile and dump pay for the layout (fill_cache off, as a
// one-off scan reads).
void BM_BigLayoutScan(benchmark::State& state, size_t i) {
  RocksDb& db = LayoutDb(i);
  WarmPageCache(db.path);
  rocksdb::ReadOptions read;
  read.fill_cache = false;
  size_t scanned = 0;
  double sum = 0;
  for (auto _ : state) {
    std::unique_ptr<rocksdb::Iterator> it(db.db->NewIterator(read, db.orders));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      Result<OrderView> view = VerifyRecord(
          std::string_view(it->value().data(), it->value().size()));
      if (!view.ok()) Die("record fails verification");
      sum += Answer(*view);
      ++scanned;
    }
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(static_cast<int64_t>(scanned));
}

}  // namespace

void RegisterLayoutBenchmarks() {
  for (size_t i = 0; i < Layouts().size(); ++i) {
    benchmark::RegisterBenchmark(
        (std::string("BM_BigLayout/") + Layouts()[i].name).c_str(),
        [i](benchmark::State& state) { BM_BigLayout(state, i); });
    benchmark::RegisterBenchmark(
        (std::string("BM_BigLayoutScan/") + Layouts()[i].name).c_str(),
        [i](benchmark::State& state) { BM_BigLayoutScan(state, i); })
        ->Unit(benchmark::kMillisecond);
  }
}

}  // namespace orderstore::bench
