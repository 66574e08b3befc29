// Options for opening a store, reading and writing. Plain structs; every
// field has a default and a default-constructed Options opens a working
// store.
//
// Thread safety: plain values; the store copies what it needs at Open, so an
// Options may be changed or destroyed once Open returns.
#ifndef ORDERSTORE_OPTIONS_H_
#define ORDERSTORE_OPTIONS_H_

#include <cstddef>
#include <cstdint>

namespace orderstore {

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
  // Not used when read_only is set (RocksDB's row cache misreads there).
  size_t row_cache_bytes = 256 << 20;

  // Memory for RocksDB's block cache: uncompressed 16 KiB blocks, used by
  // scans, queries' index reads and gets that miss the row cache.
  size_t block_cache_bytes = 64 << 20;

  // Keep an in-memory filter of every stored order's hash, so that a Get or
  // GetMany of a hash the store does not hold is answered without RocksDB
  // (~0.2 us instead of ~2.5 us). Never wrong: a stored order is always
  // found. Memory: ~2.5 bytes per stored order (2.4 MiB per million), up
  // to ~5 while it is rebuilt after the store has grown past twice its
  // size at the last build. Open is not delayed: a background thread reads
  // every key once (about a second per million orders on an idle core), and
  // gets go to RocksDB as before until it is done.
  // Used by read-write opens only (a read-only open could not see the
  // writer's new orders in it).
  bool key_filter = true;

  // Block compression of the order records. Full scans (reconcile, dump)
  // spend much of their time decompressing blocks that do not fit the block
  // cache, hence lz4; kZstd trades that for ~35 fewer bytes an order on
  // disk. The index column families are always compressed with zstd.
  Compression compression = Compression::kLz4;
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

// Settings for one write (Put, Delete, Write).
struct WriteOptions {
  // Wait until the write is on stable storage (fsync) before returning. With
  // false, a write acknowledged just before a machine crash (not a process
  // crash) may be lost; writes are then several times faster.
  bool sync = true;
};

}  // namespace orderstore

#endif  // ORDERSTORE_OPTIONS_H_
