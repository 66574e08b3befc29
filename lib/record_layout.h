// How the store's table files are laid out and read: block sizes, codecs
// and their dictionaries, and how blocks come from the files. One place for
// these choices, so that the store, the benchmarks' RocksDB floor and the
// tests that write stores the way earlier versions did agree on them.
#ifndef ORDERSTORE_LIB_RECORD_LAYOUT_H_
#define ORDERSTORE_LIB_RECORD_LAYOUT_H_

#include <rocksdb/options.h>
#include <rocksdb/table.h>

#include <cstddef>
#include <cstdint>

#include "orderstore/options.h"

namespace orderstore::internal {

// The layout of the order records' table files.
struct RecordLayout {
  // Uncompressed bytes per data block.
  size_t block_size = 4 << 10;
  rocksdb::CompressionType compression = rocksdb::kLZ4Compression;
  // CompressionOptions::max_dict_bytes: each table file's dictionary,
  // sampled from its records, that every block is compressed against
  // (0: none).
  uint32_t dict_bytes = 16 << 10;
  // CompressionOptions::zstd_max_train_bytes: with zstd, the samples the
  // dictionary is trained on (0: the samples are the dictionary).
  uint32_t dict_train_bytes = 0;
};

// The layout new table files of order records get with `options`.
RecordLayout DefaultRecordLayout(const Options& options);

// The layout of the versions before dictionaries: 16 KiB blocks, no
// dictionary, `options`' codec. Their files stay readable whatever the
// layout (each file records its own), as tests check.
RecordLayout SixteenKiBLayout(const Options& options);

// Sets `rocks` and `table` (the order records' table options, whose
// factory the caller makes) to `layout`, and how blocks are read: from a
// memory map of each file, so that a block read is a page-cache hit
// without a copy or a system call.
void ApplyRecordLayout(const RecordLayout& layout, rocksdb::Options* rocks,
                       rocksdb::BlockBasedTableOptions* table);

// Sets the layout of an index column family's table files, whose options
// start as the records' (`family`, `table`): 16 KiB LZ4 blocks without a
// dictionary, since a query reads a range of short keys where a get reads
// one record.
void ApplyIndexLayout(rocksdb::ColumnFamilyOptions* family,
                      rocksdb::BlockBasedTableOptions* table);

// Sets the layout of the change feed's table files, whose options start as
// the records' (`family`, `table`): the records' codec in 16 KiB blocks
// without a dictionary, since the feed is read in order from a number,
// never one record at a time.
void ApplyFeedLayout(rocksdb::ColumnFamilyOptions* family,
                     rocksdb::BlockBasedTableOptions* table);

}  // namespace orderstore::internal

#endif  // ORDERSTORE_LIB_RECORD_LAYOUT_H_
