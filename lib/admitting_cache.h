// The row cache's admission: once the cache is full, a record read from a
// table file enters it only if it was read before, recently.
//
// Why: RocksDB 7.8 offers every record a get reads to the row cache
// (TableCache::Get), with no per-read way to decline. In a store bigger
// than its caches most of those records are read once in a long while:
// each insert then allocates an entry and evicts another, a few cold
// memory loads and frees that buy nothing (about a fifth of a get that
// misses the caches). Declined, the offered record is freed at once,
// while it is still in the CPU's caches. A record read twice within a
// window about the cache's size is admitted, so the orders a daemon keeps
// asking for (recent ones, say) fill the cache, and a pass over many orders
// once (a reconcile's gets, a client walking an export) does not flush
// them out. While the cache is not full, everything is admitted, as
// before: a store that fits in its row cache fills it on the first reads.
#ifndef ORDERSTORE_LIB_ADMITTING_CACHE_H_
#define ORDERSTORE_LIB_ADMITTING_CACHE_H_

#include <rocksdb/cache.h>

#include <memory>

namespace orderstore::internal {

// `target` (a row cache of `target->GetCapacity()` bytes) behind the
// admission above, for records of about `entry_bytes` each. Every other
// call is `target`'s own.
std::shared_ptr<rocksdb::Cache> NewAdmittingCache(
    std::shared_ptr<rocksdb::Cache> target, size_t entry_bytes);

}  // namespace orderstore::internal

#endif  // ORDERSTORE_LIB_ADMITTING_CACHE_H_
