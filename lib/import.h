// The table files of one import (Store::Import, Importer), written part by
// part beside the store and ingested into it in one step.
//
// Why parts: an import of a whole monthly export (ten million orders) held
// in memory at once needs gigabytes. An import is written instead as parts
// of a bounded size, each planned against the store and written as one
// table file per column family; the files of every part are ingested by
// one IngestExternalFiles call, so the import stays all or nothing.
//
// An order written by two parts (a file holding it twice, far apart):
// each part's table files hold each key once, but two parts' files can
// hold the same key. RocksDB ingests the files of one column family whose
// key ranges overlap into level 0, each with a sequence number above the
// one before, in the order given: a later part's entry hides an earlier
// part's. The later part plans its changes against the earlier part's
// record (FinalRecord::prior), read back from that part's file, so that
// the index entries the earlier part wrote and the later one drops are
// deleted.
#ifndef ORDERSTORE_LIB_IMPORT_H_
#define ORDERSTORE_LIB_IMPORT_H_

#include <rocksdb/db.h>
#include <rocksdb/file_system.h>
#include <rocksdb/sst_file_reader.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "lib/store_impl.h"
#include "lib/write_batch_rep.h"
#include "lib/write_plan.h"
#include "orderstore/store.h"

namespace orderstore::internal {

// Removes the table files a killed Import left behind. Called only with the
// store open read-write: RocksDB's lock is held, so no Import of another
// process is writing there, and a read-only or secondary instance never
// changes a store's directory. Nothing in it is part of the store (an
// ingestion moves its files out), so a failure to remove it is harmless:
// the next Import removes it again. Through `fs`, the store's file system.
void RemoveImportLeftovers(rocksdb::FileSystem* fs, const std::string& path);

// One import's files. Holds the store's import gate alone from Start until
// it is destroyed: no other write comes between planning a part against
// the stored records and the ingestion. Destroying it without Commit
// removes every file written: the store is as it was (its key filter may
// answer "maybe" for orders it lacks, which costs a read, never a wrong
// answer). Not thread-safe: one thread at a time.
class ImportFiles {
 public:
  // Takes the gate and makes the working directory. InvalidArgument for a
  // read-only store; IOError when the directory cannot be made.
  static Result<std::unique_ptr<ImportFiles>> Start(StoreImpl& impl);
  ~ImportFiles();
  ImportFiles(const ImportFiles&) = delete;
  ImportFiles& operator=(const ImportFiles&) = delete;

  // Plans `ops` (a later entry for a hash wins) against the store and the
  // earlier parts and writes the part's table files. What its creates
  // found is added to *creates; once a create conflicts, parts are still
  // planned (to find every conflict) but no longer written. IOError on a
  // write failure: the import cannot be committed then.
  Status AddPart(const std::vector<BatchOp>& ops, WriteOutcome* creates);

  // Ingests every part's files in one atomic, durable step. OK with
  // nothing to do when no part changed anything.
  Status Commit();

 private:
  explicit ImportFiles(StoreImpl& impl);

  // Sets the prior of each of `finals` (sorted by hash) an earlier part
  // wrote, reading it into *priors (which must not grow afterwards).
  Status FindPriors(std::vector<FinalRecord>* finals,
                    std::vector<std::string>* priors);

  // The ingestion argument of `family`, made on first use. Several files
  // of one column family go into a single argument: RocksDB gives them
  // increasing sequence numbers in the order listed (above), so a later
  // part's file must come after an earlier part's.
  rocksdb::IngestExternalFileArg& ArgOf(rocksdb::ColumnFamilyHandle* family);

  StoreImpl& impl_;
  std::unique_lock<std::shared_mutex> alone_;
  std::filesystem::path dir_;
  bool dir_made_ = false;
  size_t parts_ = 0;
  uint64_t numbered_ = 0;  // change numbers the parts so far took
  bool failed_ = false;    // a part's write failed: no Commit
  std::vector<rocksdb::IngestExternalFileArg> args_;  // in part order
  // The first 8 bytes of the hash of every order an earlier part wrote,
  // sorted: 8 bytes an order are what the parts keep of an import that
  // grows (an equal prefix with another hash only costs a look into the
  // parts' files, which then find nothing).
  std::vector<uint64_t> written_;
  // Each earlier part's orders file (empty: it wrote none) and its reader,
  // opened when first needed.
  std::vector<std::string> order_files_;
  std::vector<std::unique_ptr<rocksdb::SstFileReader>> readers_;
};

}  // namespace orderstore::internal

#endif  // ORDERSTORE_LIB_IMPORT_H_
