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

#include <set>
#include <string>
#include <vector>

namespace orderstore::internal {

// The names of the table files of `families` without valid key bounds.
std::set<std::string> UnboundedFiles(
    rocksdb::DB& db, const std::vector<rocksdb::ColumnFamilyHandle*>& families);

// After an ingestion into `families` returned OK: for each file of theirs
// without valid key bounds that `before` (UnboundedFiles before the
// ingestion) does not name, writes every entry the file holds again, read
// from it, through one synced write, then removes the file from the store
// (DB::DeleteFile): its wrong bounds would break iterators. A file's
// deletions cannot be read back (RocksDB's SstFileReader hides them), so a
// lost file that held some is written again without them. Returns the
// first failure (OK when nothing was lost). A crash between the ingestion
// and this leaves such a file behind (see docs/reliability.md).
rocksdb::Status RewriteUnboundedIngestions(
    rocksdb::DB& db, const std::vector<rocksdb::ColumnFamilyHandle*>& families,
    const std::set<std::string>& before);

}  // namespace orderstore::internal

#endif  // ORDERSTORE_LIB_INGEST_CHECK_H_
