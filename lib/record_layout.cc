#include "lib/record_layout.h"

namespace orderstore::internal {
namespace {

rocksdb::CompressionType ToRocks(Compression c) {
  switch (c) {
    case Compression::kNone:
      return rocksdb::kNoCompression;
    case Compression::kSnappy:
      return rocksdb::kSnappyCompression;
    case Compression::kLz4:
      return rocksdb::kLZ4Compression;
    case Compression::kZstd:
      return rocksdb::kZSTD;
  }
  return rocksdb::kLZ4Compression;
}

void SetDictionary(rocksdb::CompressionOptions* opts, uint32_t dict_bytes,
                   uint32_t train_bytes) {
  opts->max_dict_bytes = dict_bytes;
  opts->zstd_max_train_bytes = train_bytes;
}

}  // namespace

RecordLayout DefaultRecordLayout(const Options& options) {
  // A get that misses the caches reads and decompresses one whole block to
  // return one ~420-byte record: 4 KiB blocks cost a quarter of 16 KiB's
  // decompression, and the dictionary (records share most of their field
  // names, regions and resource types) keeps them as small on disk as
  // 16 KiB blocks without one (docs/benchmarks.md, "Stores bigger than
  // their caches", has the measurements).
  RecordLayout layout;
  layout.compression = ToRocks(options.compression);
  switch (options.compression) {
    case Compression::kLz4:
      break;  // a raw sample of records is the dictionary
    case Compression::kZstd:
      layout.dict_train_bytes = 100 * layout.dict_bytes;
      break;
    case Compression::kNone:
    case Compression::kSnappy:  // RocksDB gives snappy no dictionary
      layout.dict_bytes = 0;
      break;
  }
  return layout;
}

RecordLayout SixteenKiBLayout(const Options& options) {
  RecordLayout layout;
  layout.block_size = 16 << 10;
  layout.compression = ToRocks(options.compression);
  layout.dict_bytes = 0;
  return layout;
}

void ApplyRecordLayout(const RecordLayout& layout, rocksdb::Options* rocks,
                       rocksdb::BlockBasedTableOptions* table) {
  table->block_size = layout.block_size;
  rocks->compression = layout.compression;
  // The store is compacted into its last level, whose files are written
  // with bottommost_compression_opts when they are enabled: both the same.
  SetDictionary(&rocks->compression_opts, layout.dict_bytes,
                layout.dict_train_bytes);
  rocks->bottommost_compression_opts = rocks->compression_opts;
  rocks->bottommost_compression_opts.enabled = layout.dict_bytes > 0;
  // Blocks straight from the page cache: no pread (a system call and a
  // copy of the block, ~40% of a get that misses the caches), and an
  // uncompressed block is used in place.
  rocks->allow_mmap_reads = true;
}

void ApplyIndexLayout(rocksdb::ColumnFamilyOptions* family,
                      rocksdb::BlockBasedTableOptions* table) {
  // Index entries are short keys, read a block or two per query, whatever
  // Options::compression says for the records. LZ4, not zstd: zstd kept
  // them ~15% smaller (about 16 bytes an order, well inside the bytes
  // target), but cost an import ~4,600 instructions an order, a sixth of
  // its table writing. Files written with zstd stay readable (each file
  // records its codec).
  family->compression = rocksdb::kLZ4Compression;
  SetDictionary(&family->compression_opts, 0, 0);
  family->bottommost_compression_opts = family->compression_opts;
  family->bottommost_compression_opts.enabled = false;
  table->block_size = 16 << 10;
}

void ApplyFeedLayout(rocksdb::ColumnFamilyOptions* family,
                     rocksdb::BlockBasedTableOptions* table) {
  // A dictionary makes a 4 KiB block as small as a 16 KiB one without it,
  // which pays for a get reading one record. The feed is scanned, so it
  // gains nothing from one, and RocksDB loads the dictionary into a fresh
  // LZ4 stream for every block it compresses: with it the feed's blocks
  // cost an import ~10,000 instructions an order, more than its records'
  // compression itself.
  SetDictionary(&family->compression_opts, 0, 0);
  family->bottommost_compression_opts = family->compression_opts;
  family->bottommost_compression_opts.enabled = false;
  table->block_size = 16 << 10;
}

}  // namespace orderstore::internal
