// The RocksDB options a Store opens with (see rocks_options.h).
#include "lib/rocks_options.h"

#include <rocksdb/cache.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>

#include <algorithm>
#include <iterator>
#include <utility>

#include "lib/admitting_cache.h"
#include "lib/block_allocator.h"
#include "lib/change_format.h"
#include "lib/file_modes.h"
#include "lib/index.h"
#include "lib/record_layout.h"
#include "lib/store_impl.h"

namespace orderstore {
namespace internal {

rocksdb::Options RocksOptions(const Options& options) {
  rocksdb::Options rocks;
  rocks.env = ModeSettingEnv(options.file_mode);
  rocks.create_if_missing = options.create_if_missing;
  rocks.create_missing_column_families = true;
  // A daemon runs for months: keep RocksDB's own log files bounded.
  rocks.keep_log_file_num = 4;
  rocks.max_log_file_size = 16 << 20;
  // Not for read-only or secondary opens: there RocksDB 7.8's row cache
  // answers NotFound for an SST-resident key on every get after the first
  // (tests/store_test.cc ReadOnlyGetsOfFlushedOrdersRepeat).
  // Once full, the row cache takes a record only on its second read
  // (admitting_cache.h); a record and its entry take about 520 bytes.
  if (options.row_cache_bytes > 0 && !options.read_only) {
    constexpr size_t kRowCacheEntryBytes = 520;
    rocks.row_cache = NewAdmittingCache(NewStoreCache(options.row_cache_bytes),
                                        kRowCacheEntryBytes);
  }
  rocksdb::BlockBasedTableOptions table;
  // A get that misses the caches decompresses a block into a buffer that
  // the block cache's allocator takes from the blocks it evicted.
  table.block_cache =
      NewStoreCache(options.block_cache_bytes, NewBlockAllocator());
  ApplyRecordLayout(DefaultRecordLayout(options), &rocks, &table);
  // Point lookups dominate: a bloom filter answers most unknown hashes
  // without reading a data block.
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.cache_index_and_filter_blocks = false;
  // Every block read (scans, row-cache misses) checks its checksum: XXH3
  // costs the same whatever the build, where Debian's RocksDB computes the
  // default CRC32C in software (~3 us per 4 KiB block). Files written with
  // CRC32C before stay readable: the type is recorded per file.
  table.checksum = rocksdb::kXXH3;
  rocks.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return rocks;
}

rocksdb::ColumnFamilyOptions RocksFamilyOptions(const rocksdb::Options& rocks,
                                                std::string_view family) {
  rocksdb::ColumnFamilyOptions options(rocks);
  // The change feed is read by seeks only: no bloom filter.
  if (family == kChangesFamily) {
    rocksdb::BlockBasedTableOptions table =
        *rocks.table_factory->GetOptions<rocksdb::BlockBasedTableOptions>();
    ApplyFeedLayout(&options, &table);
    table.filter_policy = nullptr;
    options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
    return options;
  }
  // The history is short keys and values read by prefix seeks, as the
  // indexes are: their settings, for the same reasons.
  if (std::find(std::begin(kIndexFamilies), std::end(kIndexFamilies), family) ==
          std::end(kIndexFamilies) &&
      family != kHistoryFamily) {
    return options;
  }
  rocksdb::BlockBasedTableOptions table =
      *rocks.table_factory->GetOptions<rocksdb::BlockBasedTableOptions>();
  ApplyIndexLayout(&options, &table);
  // And no bloom filter: queries only seek and scan an index, and the one
  // point lookup (verify's, of an entry an order derives) expects a hit, so
  // a filter would only cost its building on every write, ~5 bytes an order
  // on disk and its memory while the files are open.
  table.filter_policy = nullptr;  // the block cache stays shared
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return options;
}

std::shared_ptr<rocksdb::Cache> NewStoreCache(
    size_t bytes, std::shared_ptr<rocksdb::MemoryAllocator> allocator) {
  rocksdb::LRUCacheOptions cache;
  cache.capacity = bytes;
  cache.memory_allocator = std::move(allocator);
  // RocksDB 7.8 defaults to a high-priority pool of half the capacity, and
  // moves every entry that has been hit into it: once hit entries fill
  // half a cache, as they do in a full row cache, each hit demotes another
  // entry (LRUCacheShard::MaintainPoolSize, 17% of a hot get, a cold load
  // each). Plain LRU costs a list move per hit and nothing else. Nothing
  // here needs the pool: the row cache holds records only, and the block
  // cache holds no index or filter blocks (cache_index_and_filter_blocks is
  // off: the table readers keep them), so no entry is inserted with high
  // priority.
  cache.high_pri_pool_ratio = 0;
  cache.low_pri_pool_ratio = 0;
  return rocksdb::NewLRUCache(cache);
}

rocksdb::ReadOptions RocksRead(const ReadOptions& options) {
  rocksdb::ReadOptions rocks;
  rocks.fill_cache = options.fill_cache;
  if (options.snapshot != nullptr) rocks.snapshot = options.snapshot->rep();
  // (null for a read-only store's snapshot: reads of it see the same)
  return rocks;
}

}  // namespace internal
}  // namespace orderstore
