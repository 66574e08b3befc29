// StoreImpl, an open Store's state, and the helpers that the lib/ files
// working on the store's RocksDB database share.
#ifndef ORDERSTORE_LIB_STORE_IMPL_H_
#define ORDERSTORE_LIB_STORE_IMPL_H_

#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/slice.h>

#include <array>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "lib/change_log.h"
#include "lib/index.h"
#include "lib/key_filter.h"
#include "lib/record.h"
#include "lib/rocks_boundary.h"
#include "lib/store_hooks.h"
#include "orderstore/store.h"

namespace orderstore {
namespace internal {

inline rocksdb::Slice KeyOf(const OrderHash& hash) {
  std::string_view key = hash.AsKey();
  return rocksdb::Slice(key.data(), key.size());
}

inline std::string_view AsView(const rocksdb::Slice& s) {
  return std::string_view(s.data(), s.size());
}

// Verifies a stored value and that it holds the order its key names, so a
// record can never be handed out under another order's hash (verify.cc).
Result<OrderView> VerifyStored(const OrderHash& key, std::string_view value);

// Starts loading every record a MultiGet found (the first `n` of `values`),
// so that verifying the first does not leave the others waiting in turn.
inline void PrefetchFound(const rocksdb::PinnableSlice* values,
                          const rocksdb::Status* statuses, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (statuses[i].ok()) PrefetchRecord(AsView(values[i]));
  }
}

}  // namespace internal

// A RocksDB snapshot, released when the last shared_ptr to it goes.
class Snapshot {
 public:
  explicit Snapshot(const rocksdb::Snapshot* rep) : rep_(rep) {}
  const rocksdb::Snapshot* rep() const { return rep_; }

 private:
  const rocksdb::Snapshot* rep_;
};

namespace internal {

// What an open Store holds.
struct StoreImpl {
  // The Env of StoreHooks' file system and clock (lib/hooked_env.h), when
  // the hooks give one; declared first so that it outlives db.
  std::unique_ptr<rocksdb::Env> env;
  std::string path;
  // Read-only and secondary stores never change while open, so reads need
  // no snapshot (and a secondary instance refuses them).
  bool read_only = false;
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::ColumnFamilyHandle* orders = nullptr;
  // One per internal::Index; null only in a read-only store written by a
  // build without indexes.
  std::array<rocksdb::ColumnFamilyHandle*, internal::kIndexCount> indexes{};
  // Writers of one order hold its stripe from reading the old record (to
  // drop its index entries) until the write lands, so that two concurrent
  // writers of one order cannot leave stale index entries.
  static constexpr size_t kStripes = 64;
  std::array<std::mutex, kStripes> stripes;

  // Every write shares it, taken before any stripe; Store::Import takes it
  // alone, so that no other write comes between its reading the stored
  // records and its files landing (one lock, where holding all the stripes
  // would be 64).
  std::shared_mutex import_gate;

  // Options::hooks (null: none). Before key_filter, which calls it from
  // its thread: destroyed after it.
  std::shared_ptr<internal::StoreHooks> hooks;

  // Every stored order's hash, so that gets of unknown hashes skip RocksDB
  // (lib/key_filter.h). Null in read-only and secondary stores (another
  // process's writes would not be in it) and with Options::key_filter off.
  // Writes Add to it under import_gate, before they commit.
  std::unique_ptr<internal::LiveKeyFilter> key_filter;

  // Numbers and commits every write with its change feed and history
  // entries (lib/change_log.h); Store::Import adds its files through it.
  std::unique_ptr<internal::ChangeLog> feed;

  // False only if no order with `hash` is visible to a read with `options`.
  bool MayContain(const ReadOptions& options, const OrderHash& hash) const {
    if (key_filter == nullptr) return true;
    return key_filter->MayContain(
        options.snapshot != nullptr ? options.snapshot->rep() : nullptr, hash);
  }

  static size_t StripeOf(const OrderHash& hash) {
    return hash.bytes()[0] % kStripes;
  }

  // The column family of `index`.
  rocksdb::ColumnFamilyHandle* family(internal::Index index) const {
    return indexes[static_cast<size_t>(index)];
  }

  ~StoreImpl() {
    key_filter.reset();  // its thread reads the database
    if (db == nullptr) return;
    for (rocksdb::ColumnFamilyHandle* handle : handles) {
      db->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
    }
    db->Close().PermitUncheckedError();
  }

  Status CheckWritable() const {
    if (read_only) {
      return Status::InvalidArgument("store " + path + " is open read-only");
    }
    return Status::OK();
  }
};

// InvalidArgument when `impl`'s store has no column family for `index` (a
// read-only open of a store written before the indexes existed).
Status CheckQueryable(const StoreImpl& impl, Index index);

}  // namespace internal
}  // namespace orderstore

#endif  // ORDERSTORE_LIB_STORE_IMPL_H_
