// Reading a store that another process has open for writing: the RocksDB
// secondary instance behind Options::secondary (Store::Open calls it).
#ifndef ORDERSTORE_LIB_LIVE_STORE_H_
#define ORDERSTORE_LIB_LIVE_STORE_H_

#include <rocksdb/db.h>

#include <string>
#include <vector>

namespace orderstore::internal {

// Opens `path` as a secondary instance of the column families in
// `descriptors` and catches up with the writer once more. Writes nothing
// anywhere (no info log). On failure *db is null and *handles empty.
rocksdb::Status OpenSecondary(
    rocksdb::DBOptions options, const std::string& path,
    const std::vector<rocksdb::ColumnFamilyDescriptor>& descriptors,
    std::vector<rocksdb::ColumnFamilyHandle*>* handles, rocksdb::DB** db);

}  // namespace orderstore::internal

#endif  // ORDERSTORE_LIB_LIVE_STORE_H_
