// Store: one directory holding orders, keyed by order hash.
//
// Thread safety: a Store may be used by any number of threads at once
// without external locking (reads, writes and iterators alike). A WriteBatch
// is a plain object: one thread at a time.
#ifndef ORDERSTORE_STORE_H_
#define ORDERSTORE_STORE_H_

#include <chrono>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "orderstore/changes.h"
#include "orderstore/export.h"
#include "orderstore/iterator.h"
#include "orderstore/lifecycle.h"
#include "orderstore/options.h"
#include "orderstore/order.h"
#include "orderstore/order_view.h"
#include "orderstore/query.h"
#include "orderstore/status.h"

namespace orderstore {

namespace internal {
struct StoreImpl;  // an open store's state, opaque outside lib/
}  // namespace internal

struct BackupInfo;  // orderstore/backup.h

// What a create did (Store::Create, WriteBatch::Create).
enum class CreateOutcome : uint8_t {
  kCreated,  // no order had its hash: it was stored
  kExists,   // an identical order (every field equal) was stored already;
             // nothing was written
};

// A create that found a different order stored under its hash.
struct CreateConflict {
  OrderHash hash;  // the order
  // The first field that differs, as a path in the documented field order:
  // "status", "fee", "items[1].price", "items.length" (one has more items).
  std::string field;
};

// What Store::Write or Store::Import did with the creates of a batch.
struct WriteOutcome {
  size_t created = 0;  // creates that stored their order
  size_t existed = 0;  // creates that found their identical order stored
  // When the write failed with AlreadyExists: every create that found a
  // different order stored, in hash order. Empty otherwise.
  std::vector<CreateConflict> conflicts;
};

// Writes and deletes applied together by Store::Write: all or nothing.
class ORDERSTORE_EXPORT WriteBatch {
 public:
  // An empty batch. Moving transfers the entries; not copyable.
  WriteBatch();
  ~WriteBatch();
  WriteBatch(WriteBatch&&) noexcept;
  WriteBatch& operator=(WriteBatch&&) noexcept;

  // Adds `order`, replacing any stored order with the same hash when the
  // batch is written. InvalidArgument (see ValidateOrder) leaves the batch
  // unchanged.
  Status Put(const Order& order);
  // Adds the create of `order`: when the batch is written, `order` is stored
  // only if no order has its hash (see Store::Create); compared with what
  // was stored before the batch. InvalidArgument (see ValidateOrder) leaves
  // the batch unchanged.
  Status Create(const Order& order);
  // Adds the deletion of `hash`; deleting a missing order is not an error.
  void Delete(const OrderHash& hash);

  // How many puts, creates and deletes the batch holds.
  size_t size() const;
  void Clear();

 private:
  friend class Store;
  friend class Importer;
  struct Rep;
  std::unique_ptr<Rep> rep_;
};

// An open store. Made by Open(); destroying it closes the store.
class ORDERSTORE_EXPORT Store {
 public:
  // Opens the store in directory `path`, creating it if missing (unless
  // options.create_if_missing is false: then NotFound).
  // Errors: IOError naming the directory when another process holds the
  // store open for writing ("locked by another process"), or it cannot be
  // read or created; Corruption when its files are damaged.
  static Result<std::unique_ptr<Store>> Open(const Options& options,
                                             const std::string& path);

  // Whether another process has the store in `path` open for writing (holds
  // its lock), and so a reader should open it with Options::secondary.
  // Returns that process's id, or 0 when there is no such process (or no
  // store). Only reads /proc/locks (Linux): it never touches the lock
  // itself, so it is safe while this process has the store open. A hint:
  // the writer may start or stop right after.
  static int LockHolder(const std::string& path);

  // Closes the store. REQUIRES: every PinnedOrder and Iterator it produced
  // has been destroyed (or Reset).
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Looks up one order.
  // Success: a PinnedOrder whose view() reads the stored bytes in place.
  // Missing: NotFound naming the hash. A stored record that fails
  // verification: Corruption naming the hash. IOError on a read failure.
  // Lifetime: see PinnedOrder; the result must not outlive this Store.
  Result<PinnedOrder> Get(const ReadOptions& options,
                          const OrderHash& hash) const;

  // Looks up many orders in one call, faster per key than Get for large
  // batches. Result i is what Get(options, hashes[i]) would give, all read
  // from one consistent snapshot.
  std::vector<Result<PinnedOrder>> GetMany(
      const ReadOptions& options, std::span<const OrderHash> hashes) const;

  // Stores `order`, replacing any order with the same hash.
  // InvalidArgument (see ValidateOrder) writes nothing; IOError on failure.
  Status Put(const WriteOptions& options, const Order& order);

  // Stores `order` only if no order with its hash is stored: the write a
  // client can retry safely. kCreated when it was stored; kExists when the
  // stored order is identical (every field equal; nothing written), so a
  // retried create succeeds. A different stored order is AlreadyExists
  // naming the order and the first differing field ("order 6028...: a
  // different order is stored (items[1].price differs)"), nothing written.
  // Checked and written atomically against every other writer: of two
  // threads creating one hash with different fields, exactly one gets
  // kCreated and the other AlreadyExists. InvalidArgument (see
  // ValidateOrder) writes nothing; IOError on failure.
  Result<CreateOutcome> Create(const WriteOptions& options, const Order& order);

  // Removes the order with `hash`; OK also when it is missing.
  Status Delete(const WriteOptions& options, const OrderHash& hash);

  // Applies every put, create and delete of `batch` atomically: after a
  // crash either all of them are stored or none. Later entries for one hash
  // win over earlier ones. A create that finds a different order stored
  // fails the whole batch with AlreadyExists naming the order and the
  // field (nothing written); with `outcome`, it is told how many creates
  // stored their order and how many found it stored, and on AlreadyExists
  // every conflict. The batch is left as it was.
  Status Write(const WriteOptions& options, const WriteBatch& batch,
               WriteOutcome* outcome = nullptr);

  // Applies `batch` as Write does with WriteOptions::sync, by another road
  // built for large batches (imports of many thousands of orders): the
  // records and index entries it changes are sorted into one table file per
  // column family, written beside the store, and added to it in one step
  // (RocksDB's external file ingestion), skipping the write-ahead log and
  // the memtable. All or nothing: after a crash either the whole batch is
  // stored or none of it; durable once it returns OK. Replaced orders lose
  // their old index entries as with Write. Every other write to the store
  // waits until it is done; reads go on, and a read through one snapshot
  // sees none or all of it. Each call adds files to the store, so small
  // batches are cheaper through Write. Creates, and `outcome`, as for
  // Write. IOError on failure (nothing stored).
  Status Import(const WriteBatch& batch, WriteOutcome* outcome = nullptr);

  // Changes the statuses of the order `as_read` (a view the caller read from
  // this store) as `update` says, checked against the lifecycle table (see
  // lifecycle.h), and stores it only if the stored order is still exactly
  // the one read: compare-and-set, so concurrent changes never lose an
  // update. InvalidArgument (naming both states) for a transition the
  // table refuses; Conflict when the order changed (or was deleted) since
  // it was read: read it again and retry; IOError on failure.
  Status UpdateStatus(const WriteOptions& options, OrderView as_read,
                      const StatusUpdate& update);

  // Orders by creation time (see CreatedQuery), from a snapshot taken now.
  // InvalidArgument for a malformed cursor or an invalid time bound.
  // Lifetime: the iterator must be destroyed before this Store.
  Result<std::unique_ptr<QueryIterator>> QueryCreated(
      const ReadOptions& options, const CreatedQuery& query) const;

  // Orders touching a resource (see ResourceQuery), from a snapshot taken
  // now. InvalidArgument for a malformed cursor.
  // Lifetime: the iterator must be destroyed before this Store.
  Result<std::unique_ptr<QueryIterator>> QueryResource(
      const ReadOptions& options, const ResourceQuery& query) const;

  // Checks the indexes against the orders both ways, from one snapshot:
  // every order has each index entry it derives, and every index entry
  // points at an order that derives it. Calls `problem` with a Corruption
  // naming the hash for each mismatch; returns how many orders were
  // checked, or the I/O error that stopped the check.
  Result<size_t> CheckIndexes(
      const std::function<void(const Status&)>& problem) const;

  // A consistent point-in-time view of the store, for ReadOptions::snapshot.
  // It keeps the versions it sees from being compacted away, so release it
  // (drop the last shared_ptr) when done. REQUIRES: released before this
  // Store is destroyed.
  std::shared_ptr<const Snapshot> GetSnapshot() const;

  // An iterator over every order, in key order, from a snapshot taken now.
  // Lifetime: it must be destroyed before this Store.
  std::unique_ptr<Iterator> NewIterator(const ReadOptions& options) const;

  // Waits until the work the store does in the background is done: the
  // key filter's build (see Options::key_filter), at Open and again each
  // time the store outgrows the filter; a failed build is retried until
  // one succeeds. OK at once when there is none (read-only stores, the
  // key filter off). IOError naming the store, and the last failed
  // build's error if any, when it is not done within `timeout`. Reads and
  // writes never need to wait: they are right meanwhile, only gets of
  // unknown hashes are slower. For benchmarks and tests that measure or
  // check the steady state. Thread-safe.
  Status WaitForBackgroundWork(
      std::chrono::milliseconds timeout = std::chrono::minutes(10)) const;

  // Sets *value to the property `name` of the open store and returns true;
  // false (and *value untouched) for a name the store has no value for.
  // The key filter's (none in read-only stores or with the filter off):
  //   orderstore.key-filter.ready      "1" once a built filter answers gets,
  //                                    else "0"
  //   orderstore.key-filter.builds     builds completed since Open
  //   orderstore.key-filter.capacity   hashes the answering filter is sized
  //                                    for (0 until one answers)
  //   orderstore.key-filter.keys       distinct hashes in it
  //   orderstore.key-filter.scanned    orders its build read
  //   orderstore.key-filter.memory-bytes  of every filter held now
  //   orderstore.key-filter.last-build-seconds  how long the last
  //                                    completed build took
  //   orderstore.key-filter.error      why the last build failed; empty
  //                                    once one succeeded
  // Numbers are decimal. A snapshot of a changing value. Thread-safe.
  bool GetProperty(std::string_view name, std::string* value) const;

  // The directory this store was opened from.
  const std::string& path() const;

  // ------------------------------- The change feed and the order history
  // (include/orderstore/changes.h; docs/changes.md)

  // The changes numbered after `after`, oldest first, from a snapshot
  // taken now (or options.snapshot): each exactly once, in commit order.
  // OutOfRange naming the oldest number still kept when some change after
  // `after` was trimmed (after < ChangeFeed().oldest - 1): the feed never
  // skips silently. An `after` at or past the latest number gives an
  // empty iterator. IOError on a read failure.
  // Lifetime: the iterator must be destroyed before this Store.
  Result<std::unique_ptr<ChangeIterator>> ChangesAfter(
      const ReadOptions& options, uint64_t after) const;

  // The latest and the oldest kept change numbers, as committed now. In a
  // read-only or secondary store: as of Open, or of the last
  // WaitForChanges that caught up with the writer.
  ChangeFeedInfo ChangeFeed() const;

  // Waits until a change numbered after `after` is committed, or `timeout`
  // passes; returns whether one is. For followers in this process: writes
  // wake it as they commit. In a secondary store (Options::secondary) it
  // catches up with the writing process every 50 ms meanwhile, so that
  // ChangesAfter then sees its changes; a plain read-only store never sees
  // new changes. Thread-safe; may be called by many threads at once.
  bool WaitForChanges(uint64_t after, std::chrono::milliseconds timeout) const;

  // The history of the order `hash`, oldest first: one entry for each
  // change recorded since the history existed, deletions included (empty
  // for an order never written since). IOError on a read failure,
  // Corruption naming the entry when one is damaged.
  Result<std::vector<HistoryEntry>> History(const ReadOptions& options,
                                            const OrderHash& hash) const;

  // Removes every change numbered below `before` from the feed (a number
  // past the latest trims them all) and returns the oldest number kept.
  // Orders and their history are untouched. Durable when it returns.
  // InvalidArgument in a read-only store; IOError on failure.
  Result<uint64_t> TrimChanges(uint64_t before);

  // Removes every change committed more than `age` ago; as TrimChanges.
  // Options::change_retention does this by itself.
  Result<uint64_t> TrimChangesOlderThan(std::chrono::seconds age);

  // Removes the history of every order that is deleted, its deletion
  // numbered below `before`; returns how many orders' histories went.
  // Reads the whole history. InvalidArgument in a read-only store.
  Result<size_t> TrimHistory(uint64_t before);

  // Checks the feed and the history against the orders, from one
  // snapshot: every change and history entry decodes and verifies; the
  // latest retained change of each order is a put of its stored record
  // byte for byte, or a delete of an order that is not stored; each
  // order's latest history entry agrees (deleted or not) with the store,
  // and has that change's number. Calls `problem` with a Corruption naming
  // the order or number for each mismatch; returns how many changes were
  // checked, or the I/O error that stopped the check.
  Result<size_t> CheckChanges(
      const std::function<void(const Status&)>& problem) const;

  // Backs this store up into `backup_dir` as a new backup, incrementally,
  // as of one instant during the call (include orderstore/backup.h, which
  // describes backups, the errors, and how to restore one). Works on a
  // read-write, read-only or secondary store; writes go on meanwhile.
  // Thread-safe; one backup into a given directory at a time.
  Result<BackupInfo> Backup(const std::string& backup_dir) const;

 private:
  friend class Importer;
  explicit Store(std::unique_ptr<internal::StoreImpl> impl);
  // Write, and with `expected` (a one-op batch) only if the stored record
  // is byte for byte *expected (empty: absent); else Conflict.
  Status Apply(const WriteOptions& options, const WriteBatch& batch,
               const std::string_view* expected, WriteOutcome* outcome);
  std::unique_ptr<internal::StoreImpl> impl_;
};

}  // namespace orderstore

#endif  // ORDERSTORE_STORE_H_
