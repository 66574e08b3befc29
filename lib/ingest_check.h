// A check after RocksDB's external file ingestion (Store::Import), for a
// fault RocksDB 7.8 lets through: when reading an ingested file's first or
// last key fails (an I/O error), it records the file with no key bounds
// and still reports success (ExternalSstFileIngestionJob::
// GetIngestedFileInfo never asks the iterator for its status). Such a
// file's keys are invisible to every read, so an import whose index file
// it was would be acknowledged with its index entries missing.
#ifndef ORDERSTORE_LIB_INGEST_CHECK_H_
#define ORDERSTORE_LIB_INGEST_CHECK_H_

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <functional>
#include <vector>

namespace orderstore::internal {

// How many table files without key bounds each of `families` holds (no
// file of ours is empty, so such a file can only be one lost that way).
std::vector<size_t> CountUnboundedFiles(
    rocksdb::DB& db, const std::vector<rocksdb::ColumnFamilyHandle*>& families);

// After an ingestion into `families` returned OK: for each family holding
// more files without key bounds than `before` (CountUnboundedFiles before
// the ingestion) says, writes what `fill(i, &batch)` puts in a batch for
// families[i] again, through one synced write: those entries, newer than
// the lost file's, are then what reads see. Returns the write's status
// (OK when nothing was lost).
rocksdb::Status RewriteUnboundedIngestions(
    rocksdb::DB& db, const std::vector<rocksdb::ColumnFamilyHandle*>& families,
    const std::vector<size_t>& before,
    const std::function<rocksdb::Status(size_t, rocksdb::WriteBatch*)>& fill);

}  // namespace orderstore::internal

#endif  // ORDERSTORE_LIB_INGEST_CHECK_H_
