// An in-memory filter of every order hash a read-write store holds, so that
// a get of an unknown hash is answered without RocksDB.
//
// Why at the store level: RocksDB 7.8 looks a key up in the row cache
// before each table file's bloom filter, so an absent key pays a row-cache
// miss and a filter probe per file (~2.3 us); no RocksDB option changes
// that order. One probe here is a single cache line.
//
// The contract that matters is: never a false negative. MayContain(h) is
// false only when no order with hash h is visible to the read it guards.
// How that holds:
//   - Every write adds its orders' hashes before it commits (Store::Apply,
//     Store::Import call Add under the store's write gate, shared or
//     exclusive); deletes clear nothing, so a filter only ever gains bits.
//   - A filter is built from a RocksDB snapshot S of the orders family,
//     published to writers (so that they add to it too) under the write
//     gate exclusively at the moment S is taken: every write commits either
//     before S (it is in S) or adds to the new filter. The filter answers
//     only once the scan of S is complete; until then, MayContain is true.
//   - A read through an explicit snapshot older than S (possible after a
//     rebuild) may see orders deleted before S: the filter is not consulted
//     for it.
// A rebuild replaces a full filter (more distinct hashes added than it was
// sized for) with one sized for the store as it is: see LiveKeyFilter.
#ifndef ORDERSTORE_LIB_KEY_FILTER_H_
#define ORDERSTORE_LIB_KEY_FILTER_H_

#include <rocksdb/db.h>

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>

#include "lib/store_hooks.h"
#include "orderstore/order.h"

namespace orderstore::internal {

// A blocked bloom filter of order hashes with a fixed number of bits: each
// hash sets kBitsPerHash bits in one 64-byte block (one cache line per
// probe). Add and MayContain may run concurrently from any threads (atomic
// bit operations, no locks).
class KeyFilter {
 public:
  // Bits of memory per hash when the filter holds capacity() hashes (~1%
  // false positives there; ~0.1% at half of it).
  static constexpr size_t kBitsPerKeyAtCapacity = 10;
  static constexpr int kBitsPerHash = 7;

  // A filter sized to hold `capacity` hashes (at least one block).
  explicit KeyFilter(size_t capacity);
  KeyFilter(const KeyFilter&) = delete;
  KeyFilter& operator=(const KeyFilter&) = delete;

  // Adds `hash`. Visible to every MayContain that happens after it.
  void Add(const OrderHash& hash);

  // False only if `hash` was never added.
  bool MayContain(const OrderHash& hash) const;

  // The Adds that set at least one new bit: about the distinct hashes added
  // (a hash whose bits were all set already, a false positive, is not
  // counted; nor is a hash added again).
  size_t keys() const { return keys_.load(std::memory_order_relaxed); }
  size_t capacity() const { return capacity_; }
  size_t memory_bytes() const { return blocks_count_ * sizeof(Block); }

 private:
  struct alignas(64) Block {
    std::array<std::atomic<uint64_t>, 8> words;
  };
  struct Probe {
    size_t block;
    std::array<uint64_t, 8> masks;  // the bits to set or test, per word
  };
  Probe ProbeOf(const OrderHash& hash) const;

  size_t capacity_;
  size_t blocks_count_;
  std::unique_ptr<Block[]> blocks_;
  std::atomic<size_t> keys_{0};
};

// The filter of one open read-write store: built by a background thread
// from a snapshot at Open, and rebuilt when full. Thread-safe.
//
// Growth: a filter is sized for twice the orders the store holds when it is
// built (~20 bits a hash; RocksDB's estimate at Open, the scanned count at a
// rebuild, whichever the larger). When writes have added more distinct
// hashes than its capacity (10 bits a hash, ~1% false positives), the
// thread builds the next one from a new snapshot while the old one keeps
// answering, then swaps it in; the old one is freed once no reader uses it
// any more. Deleted orders count until the next rebuild, which leaves them
// out, so a store whose orders churn at a steady size keeps a steady filter.
//
// Failure: a build that fails (a read error) leaves the filter as it was
// (none before the first build: every hash may be contained), says why in
// stats().error and in the store's LOG, and is tried again after 1 s,
// then 2, 4, ... up to 10 minutes, until one succeeds.
class LiveKeyFilter {
 public:
  // Starts building from a snapshot taken now: call it before the store is
  // handed out, so that no read can see an order that is neither in that
  // snapshot nor added by a later write. `write_gate` is the gate every
  // write holds (shared, or exclusive) from its Add until its commit.
  // `hooks` (null: none) is told as each build starts.
  // REQUIRES: `db`, `orders` and `hooks` outlive this object.
  LiveKeyFilter(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* orders,
                std::shared_mutex* write_gate, StoreHooks* hooks);
  // Stops the thread (an unfinished scan is abandoned).
  ~LiveKeyFilter();
  LiveKeyFilter(const LiveKeyFilter&) = delete;
  LiveKeyFilter& operator=(const LiveKeyFilter&) = delete;

  // False only if no order with `hash` is visible to a read through
  // `snapshot` (null: the latest state). True while the first build runs.
  bool MayContain(const rocksdb::Snapshot* snapshot, const OrderHash& hash) const;

  // Adds `hash` to the filter and to the one being built, if any.
  // REQUIRES: the caller holds the write gate from before this call until
  // the write that puts `hash` is committed (or has failed).
  void Add(const OrderHash& hash);

  struct Stats {
    bool ready = false;         // a complete filter answers
    size_t builds = 0;          // completed builds, the first one included
    size_t capacity = 0;        // of the answering filter
    size_t keys = 0;            // distinct hashes in it (see KeyFilter::keys)
    size_t scanned = 0;         // orders its build found in its snapshot
    size_t memory_bytes = 0;    // of every filter held now
    double last_build_seconds = 0;
    std::string error;          // of the last failed build; empty if none
  };
  Stats stats() const;

  // Waits until no build is running or due (a filter answers and every
  // rebuild asked for is done), or `timeout`. Whether none is.
  bool WaitUntilIdle(std::chrono::milliseconds timeout) const;

  // Asks the thread for a rebuild now, as a full filter does. (For tests.)
  void RequestRebuild();

 private:
  struct Generation;
  class Pin;

  void Run(const rocksdb::Snapshot* first_snapshot, Generation* first);
  // Scans `snapshot` (released here) into `next`; then swaps it in, or,
  // when stopped or failed, drops it.
  void Build(const rocksdb::Snapshot* snapshot, Generation* next);
  // Returns when no reader can still hold a generation unpublished before
  // the call.
  void WaitForReaders();
  size_t NextCapacity() const;

  rocksdb::DB* const db_;
  rocksdb::ColumnFamilyHandle* const orders_;
  std::shared_mutex* const write_gate_;
  StoreHooks* const hooks_;

  // The answering filter (null until the first build completes) and the
  // one being built (null when none is); readers and writers hold a Pin
  // while they use either.
  std::atomic<Generation*> current_{nullptr};
  std::atomic<Generation*> building_{nullptr};

  // Reader counts, in shards a cache line each so that threads mostly
  // touch their own; two per shard so that a swap waits only for readers
  // that started before it (new ones count on the other side).
  struct alignas(64) PinShard {
    std::array<std::atomic<uint64_t>, 2> readers{};
  };
  static constexpr size_t kPinShards = 16;
  mutable std::array<PinShard, kPinShards> pins_{};
  std::atomic<uint32_t> pin_epoch_{0};

  mutable std::mutex mu_;
  mutable std::condition_variable changed_;
  bool stop_ = false;               // guarded by mu_
  bool rebuild_requested_ = false;  // guarded by mu_
  // No build running or due to be retried (rebuild_requested_ aside).
  bool idle_ = false;               // guarded by mu_
  std::atomic<bool> stopping_{false};  // stop_, for the scan loop
  std::atomic<bool> full_reported_{false};
  size_t builds_ = 0;               // guarded by mu_
  double last_build_seconds_ = 0;   // guarded by mu_
  std::string error_;               // guarded by mu_
  // Zero, or how long to wait before trying a failed build again.
  std::chrono::seconds retry_delay_{0};  // guarded by mu_

  std::thread thread_;
};

}  // namespace orderstore::internal

#endif  // ORDERSTORE_LIB_KEY_FILTER_H_
