// Options for opening a store, reading and writing. Plain structs; every
// field has a default and a default-constructed Options opens a working
// store.
//
// Thread safety: plain values; the store copies what it needs at Open, so an
// Options may be changed or destroyed once Open returns.
#ifndef ORDERSTORE_OPTIONS_H_
#define ORDERSTORE_OPTIONS_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace orderstore {

namespace internal {
class StoreHooks;  // lib/store_hooks.h
}  // namespace internal

// How the stored order records are compressed (Options::compression).
// Files keep the codec they were written with, so changing it never makes a
// store unreadable; compactions rewrite files with the new one.
enum class Compression : uint8_t {
  kNone,
  kSnappy,  // fast, larger files
  kZstd,    // the smallest files (~20% smaller than lz4); scans ~1.5x slower
  kLz4,     // the fastest to decompress: full scans ~1.5x zstd's speed
};

// How to open a store (Store::Open).
struct Options {
  // Create the store directory if it does not exist. When false, opening a
  // missing store is NotFound.
  bool create_if_missing = true;

  // Open without taking the store's lock, for reading only: several
  // processes may do so while one process has the store open for writing.
  // Sees what the writer had written (and logged) before Open; later
  // writes are not seen. Every write call returns InvalidArgument.
  bool read_only = false;

  // With read_only: open as a RocksDB secondary instance, the way to read a
  // store another process has open for writing (see Store::LockHolder). Open
  // replays the writer's manifest and log, and catches up once more with
  // what the writer flushed meanwhile, so the store shows every write the
  // writer had made before Open even while it flushes and compacts; later
  // writes are not seen. Writes nothing into the store's directory.
  // Ignored without read_only.
  bool secondary = false;

  // Memory for RocksDB's row cache: whole stored orders (~520 bytes each
  // including overhead), pinned in place. A hot Get that hits it costs well
  // under a microsecond and allocates nothing, against ~3-4 us through the
  // block cache. Set it to hold your working set; 0 turns it off.
  // Every Get that misses it copies the order for it; once it is full, it
  // keeps an order only if the order was read recently before, so that
  // orders read once in a long while evict nothing (docs/design.md,
  // "Reads"). For a store many times its size read evenly all over, 0
  // here and the memory in block_cache_bytes still reads a little faster
  // (docs/benchmarks.md, "Stores bigger than their caches", sizes both).
  // Not used when read_only is set (RocksDB's row cache misreads there).
  size_t row_cache_bytes = 256 << 20;

  // Memory for RocksDB's block cache: uncompressed blocks of records (4 KiB,
  // about ten orders; 16 KiB in files written by version 0.1, until a
  // compaction rewrites them) and of the indexes (16 KiB), used by queries'
  // index reads and gets that miss the row cache. Each table file's index
  // and filter are held apart from it while the file is open. The files
  // themselves are read through a memory map: what no cache holds comes
  // from the operating system's page cache.
  size_t block_cache_bytes = 64 << 20;

  // Keep an in-memory filter of every stored order's hash, so that a Get or
  // GetMany of a hash the store does not hold is answered without RocksDB
  // (~0.03-0.3 us instead of ~0.7-2.5 us). Never wrong: a stored order is
  // always found. A thread whose Gets mostly find their orders stops
  // asking it (its probe is a cold memory load) until unknown hashes come
  // again (docs/design.md, "The key filter"). Memory: ~2.5 bytes per
  // stored order (2.4 MiB per million), up to ~5 while it is rebuilt
  // after the store has grown past twice its size at the last build. Open
  // is not delayed: a background thread reads every key once (about a
  // second per million orders on an idle core), and gets go to RocksDB as
  // before until it is done.
  // Used by read-write opens only (a read-only open could not see the
  // writer's new orders in it).
  bool key_filter = true;

  // Block compression of the order records, against a dictionary of 16 KiB
  // per table file for lz4 and zstd (so that 4 KiB blocks compress as well
  // as 16 KiB ones without). Full scans (reconcile, dump) and gets that miss
  // the caches spend much of their time decompressing blocks, hence lz4;
  // kZstd trades that (gets missing the caches ~2x slower) for ~33 fewer
  // bytes an order on disk. The index column families are always
  // compressed with lz4 (docs/design.md, "Reads").
  Compression compression = Compression::kLz4;

  // How long the change feed keeps each change (include/orderstore/
  // changes.h, docs/changes.md): a week, so that a consumer that stops
  // on a Friday evening resumes on Monday morning with nothing lost. Each
  // change holds the order's whole record: a week in which every order
  // changed three times costs about three times the orders' own bytes
  // (docs/changes.md, Cost). Changes older than this are trimmed at Open
  // and then about once a minute while writes go on. Zero turns the feed
  // off: no change is kept (those kept before are trimmed at Open), and
  // the order history is still written. Only read-write opens trim.
  std::chrono::seconds change_retention = std::chrono::hours(24 * 7);
  // The permission bits of every file the store writes (table files, logs,
  // the manifest, the lock file, RocksDB's info LOG, Import's temporary
  // files), set exactly, whatever the process umask. The store's
  // directories get the same bits plus search (x) wherever read is given.
  // The default 0600 (directories 0700) lets only the owner read the
  // orders; 0640 (0750) lets the files' group read them too, on purpose.
  // A new store created in an existing directory gets the directory mode
  // on it as well. Existing files keep their modes (see `warning`).
  // Read and write bits only, with the owner's read and write: anything
  // else makes Open fail with InvalidArgument.
  uint32_t file_mode = 0600;

  // Called by Open, at most once per Open, when the store's directory or a
  // file in it is more open than file_mode allows (for example a store
  // written with an older release, or copied under another umask), with
  // one line naming the first such path and its mode, how many more there
  // are, and the chmod that closes them. The store opens all the same; the
  // line also goes to RocksDB's info LOG (when the open writes one).
  // Called on Open's thread before Open returns; must not use the store.
  // Empty: only the LOG.
  std::function<void(const std::string& line)> warning;

  // For this library's own tests: the object the store calls at the points
  // where a test acts between two steps of its work (lib/store_hooks.h).
  // Null, the default, is what every other user wants.
  std::shared_ptr<internal::StoreHooks> hooks;
};

// Settings for one read (Get, GetMany, NewIterator).
class Snapshot;  // see Store::GetSnapshot

struct ReadOptions {
  // Whether blocks read for this call are kept in the block cache. Turn off
  // for one-off full scans so that they do not evict the hot set.
  bool fill_cache = true;

  // Read the store as it was when this snapshot was taken (see
  // Store::GetSnapshot), so that several reads, or several threads, see one
  // consistent state. Null: the latest state (each iterator or query still
  // reads one snapshot of its own). REQUIRES: taken from the same store,
  // and alive for the whole call or iterator.
  const Snapshot* snapshot = nullptr;
};

// Settings for one write (Put, Delete, Write, UpdateStatus).
struct WriteOptions {
  // Wait until the write is on stable storage (fsync) before returning. With
  // false, a write acknowledged just before a machine crash (not a process
  // crash) may be lost; writes are then several times faster.
  bool sync = true;

  // Who made the write and why, recorded with each change it makes in the
  // change feed and the order history (include/orderstore/changes.h), e.g.
  // "billing-7" and "customer asked to cancel". At most kMaxActorSize (64)
  // and kMaxReasonSize (200) bytes, valid UTF-8 without control characters:
  // otherwise the write returns InvalidArgument and writes nothing. Empty:
  // not recorded.
  std::string actor;
  // Why, e.g. "customer asked to cancel"; see actor.
  std::string reason;
};

}  // namespace orderstore

#endif  // ORDERSTORE_OPTIONS_H_
