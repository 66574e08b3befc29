// Store: orders in RocksDB, one FlatBuffers record per order, in the
// "orders" column family keyed by the 16 raw bytes of the hash.
#include "orderstore/store.h"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/slice.h>
#include <rocksdb/sst_file_writer.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <functional>
#include <memory>
#include <new>
#include <set>
#include <span>
#include <thread>
#include <utility>

#include "lib/store_dirs.h"
#include "lib/index.h"
#include "lib/ingest_check.h"
#include "lib/live_store.h"
#include "orderstore/lifecycle.h"
#include "lib/record.h"
#include "lib/rocks_options.h"
#include "lib/store_impl.h"
#include "lib/store_open.h"

namespace orderstore {

using internal::AsView;
using internal::FromRocks;
using internal::KeyOf;
using internal::VerifyStored;
using internal::ViewAccess;

namespace {

constexpr char kOrdersFamily[] = "orders";

static_assert(sizeof(rocksdb::PinnableSlice) <= 128 &&
                  alignof(rocksdb::PinnableSlice) <= 8,
              "PinnedOrder::kPinSize is too small for rocksdb::PinnableSlice");

rocksdb::PinnableSlice* SliceOf(PinnedOrder& pinned) {
  return std::launder(
      static_cast<rocksdb::PinnableSlice*>(ViewAccess::Pin(pinned)));
}
const rocksdb::PinnableSlice* SliceOf(const PinnedOrder& pinned) {
  return std::launder(
      static_cast<const rocksdb::PinnableSlice*>(ViewAccess::Pin(pinned)));
}

rocksdb::CompressionType ToRocks(Compression c) {
  switch (c) {
    case Compression::kNone:
      return rocksdb::kNoCompression;
    case Compression::kSnappy:
      return rocksdb::kSnappyCompression;
    case Compression::kLz4:
      return rocksdb::kLZ4Compression;
    case Compression::kZstd:
      return rocksdb::kZSTD;
  }
  return rocksdb::kLZ4Compression;
}

// Every batch orderstore writes enters RocksDB through CommitToRocksDb, so
// that ThreadSanitizer reports can name RocksDB's write path. TSan records
// only instrumented frames, and shows an instrumented function only at the
// call it is making: a race inside Debian's (uninstrumented) RocksDB, such
// as a write group's leader copying the other writers' batches, would
// otherwise show only as its caller's line. RocksDbWrite stays out of line
// so that its caller, CommitToRocksDb, is the frame in those reports that
// tools/tsan.supp matches.
[[gnu::noinline]] rocksdb::Status RocksDbWrite(
    rocksdb::DB* db, const rocksdb::WriteOptions& options,
    rocksdb::WriteBatch* batch) {
  return db->Write(options, batch);
}
[[gnu::noinline]] rocksdb::Status CommitToRocksDb(
    rocksdb::DB* db, const rocksdb::WriteOptions& options,
    rocksdb::WriteBatch* batch) {
  return RocksDbWrite(db, options, batch);
}

}  // namespace

namespace internal {

rocksdb::Options RocksOptions(const Options& options) {
  rocksdb::Options rocks;
  rocks.create_if_missing = options.create_if_missing;
  rocks.create_missing_column_families = true;
  rocks.compression = ToRocks(options.compression);
  // A daemon runs for months: keep RocksDB's own log files bounded.
  rocks.keep_log_file_num = 4;
  rocks.max_log_file_size = 16 << 20;
  // Not for read-only or secondary opens: there RocksDB 7.8's row cache
  // answers NotFound for an SST-resident key on every get after the first
  // (seen here; tests/store_test.cc ReadOnlyGetsOfFlushedOrdersRepeat).
  if (options.row_cache_bytes > 0 && !options.read_only) {
    rocks.row_cache = rocksdb::NewLRUCache(options.row_cache_bytes);
  }
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  // 16 KiB blocks rather than 4: a scan decompresses a quarter as many
  // blocks, and both codecs find more to share in a block of ~60 records
  // than of ~15 (zstd files 20% smaller, lz4 17%). A get that misses the
  // row cache decompresses the larger block; one that hits it never does.
  table.block_size = 16 << 10;
  // Point lookups dominate: a bloom filter answers most unknown hashes
  // without reading a data block.
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.cache_index_and_filter_blocks = false;
  // Every block read (scans, row-cache misses) checks its checksum: XXH3
  // costs the same whatever the build, where Debian's RocksDB computes the
  // default CRC32C in software (~3 us per 4 KiB block). Files written with
  // CRC32C before stay readable: the type is recorded per file.
  table.checksum = rocksdb::kXXH3;
  rocks.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return rocks;
}

rocksdb::ColumnFamilyOptions RocksFamilyOptions(const rocksdb::Options& rocks,
                                                std::string_view family) {
  rocksdb::ColumnFamilyOptions options(rocks);
  if (std::find(std::begin(kIndexFamilies), std::end(kIndexFamilies), family) ==
      std::end(kIndexFamilies)) {
    return options;
  }
  // Index entries are short keys, read a block or two per query, where
  // zstd's slower decompression does not show: it keeps them ~15% smaller
  // than lz4 would, whatever Options::compression says for the records.
  options.compression = rocksdb::kZSTD;
  // And no bloom filter: queries only seek and scan an index, and the one
  // point lookup (verify's, of an entry an order derives) expects a hit, so
  // a filter would only cost its building on every write, ~5 bytes an order
  // on disk and its memory while the files are open.
  rocksdb::BlockBasedTableOptions table =
      *rocks.table_factory->GetOptions<rocksdb::BlockBasedTableOptions>();
  table.filter_policy = nullptr;  // the block cache stays shared
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return options;
}

rocksdb::ReadOptions RocksRead(const ReadOptions& options) {
  rocksdb::ReadOptions rocks;
  rocks.fill_cache = options.fill_cache;
  if (options.snapshot != nullptr) rocks.snapshot = options.snapshot->rep();
  // (null for a read-only store's snapshot: reads of it see the same)
  return rocks;
}

}  // namespace internal

namespace {

using internal::RocksOptions;
using internal::RocksRead;

rocksdb::WriteOptions RocksWrite(const WriteOptions& options) {
  rocksdb::WriteOptions rocks;
  rocks.sync = options.sync;
  return rocks;
}

class StoreIterator final : public Iterator {
 public:
  explicit StoreIterator(std::unique_ptr<rocksdb::Iterator> it)
      : it_(std::move(it)) {}

  bool Valid() const override { return it_->Valid(); }
  void SeekToFirst() override { it_->SeekToFirst(); }
  void Seek(const OrderHash& hash) override { it_->Seek(KeyOf(hash)); }
  void Next() override {
    assert(Valid());
    it_->Next();
  }

  OrderHash hash() const override {
    assert(Valid());
    std::array<uint8_t, OrderHash::kSize> bytes{};
    rocksdb::Slice key = it_->key();
    std::copy_n(key.data(), std::min(key.size(), bytes.size()), bytes.begin());
    return OrderHash(bytes);
  }

  Result<OrderView> view() const override {
    assert(Valid());
    if (it_->key().size() != OrderHash::kSize) {
      return Status::Corruption("key of " + std::to_string(it_->key().size()) +
                                " bytes in the orders column family");
    }
    return VerifyStored(hash(), AsView(it_->value()));
  }

  Status status() const override { return FromRocks(it_->status(), "scan"); }

 private:
  std::unique_ptr<rocksdb::Iterator> it_;
};

}  // namespace

namespace internal {

// Translates a RocksDB status at the boundary; `context` says what was being
// done ("store /x", "order 6028...").
Status FromRocks(const rocksdb::Status& s, const std::string& context) {
  if (s.ok()) return Status::OK();
  std::string message = context + ": " + s.ToString();
  if (s.IsNotFound()) return Status::NotFound(std::move(message));
  if (s.IsCorruption()) return Status::Corruption(std::move(message));
  if (s.IsInvalidArgument() || s.IsNotSupported()) {
    return Status::InvalidArgument(std::move(message));
  }
  return Status::IOError(std::move(message));
}

// Verifies a stored value and that it holds the order its key names, so a
// record can never be handed out under another order's hash.
Result<OrderView> VerifyStored(const OrderHash& key, std::string_view value) {
  Result<OrderView> view = VerifyRecord(value);
  if (!view.ok()) {
    return view.status().WithContext("order " + key.ToHex());
  }
  if (view->hash() != key) {
    return Status::Corruption("order " + key.ToHex() + ": record holds order " +
                              view->hash().ToHex());
  }
  return view;
}

}  // namespace internal

// ---------------------------------------------------------------- PinnedOrder

PinnedOrder::PinnedOrder() noexcept { new (pin_) rocksdb::PinnableSlice(); }

PinnedOrder::PinnedOrder(PinnedOrder&& other) noexcept
    : has_value_(other.has_value_) {
  // Built empty, then moved into: RocksDB 7.8's PinnableSlice move
  // constructor leaves the buffer pointer unset when `other` is pinned, and
  // a later Reset and copying Get would write through it.
  new (pin_) rocksdb::PinnableSlice();
  *SliceOf(*this) = std::move(*SliceOf(other));
  other.has_value_ = false;
}

PinnedOrder& PinnedOrder::operator=(PinnedOrder&& other) noexcept {
  if (this != &other) {
    *SliceOf(*this) = std::move(*SliceOf(other));
    has_value_ = other.has_value_;
    other.has_value_ = false;
  }
  return *this;
}

PinnedOrder::~PinnedOrder() {
  using rocksdb::PinnableSlice;
  SliceOf(*this)->~PinnableSlice();
}

OrderView PinnedOrder::view() const {
  assert(has_value_);
  const rocksdb::PinnableSlice* slice = SliceOf(*this);
  return ViewAccess::MakeView(reinterpret_cast<const uint8_t*>(slice->data()),
                              slice->size());
}

void PinnedOrder::Reset() {
  SliceOf(*this)->Reset();
  has_value_ = false;
}

// ----------------------------------------------------------------- WriteBatch

namespace {

// One entry of a WriteBatch.
struct BatchOp {
  OrderHash hash;
  std::string record;  // empty for a delete (a record never is)
};

}  // namespace

struct WriteBatch::Rep {
  std::vector<BatchOp> ops;
};

WriteBatch::WriteBatch() : rep_(std::make_unique<Rep>()) {}
WriteBatch::~WriteBatch() = default;
WriteBatch::WriteBatch(WriteBatch&&) noexcept = default;
WriteBatch& WriteBatch::operator=(WriteBatch&&) noexcept = default;

Status WriteBatch::Put(const Order& order) {
  Status s = ValidateOrder(order);
  if (!s.ok()) return s.WithContext("order " + order.hash.ToHex());
  rep_->ops.push_back({order.hash, internal::EncodeRecord(order)});
  return Status::OK();
}

void WriteBatch::Delete(const OrderHash& hash) {
  rep_->ops.push_back({hash, std::string()});
}

size_t WriteBatch::size() const { return rep_->ops.size(); }
void WriteBatch::Clear() { rep_->ops.clear(); }

// ------------------------------------------------ what a batch changes

namespace {

// The final record of one order a batch writes.
struct FinalRecord {
  OrderHash hash;
  const std::string* record;  // into the batch; null: deleted
};

// The final record of each order `ops` writes, sorted by hash: a batch
// lands all at once, so only the last entry for a hash matters.
std::vector<FinalRecord> FinalRecords(const std::vector<BatchOp>& ops) {
  std::vector<FinalRecord> finals;
  finals.reserve(ops.size());
  for (const BatchOp& op : ops) {
    finals.push_back({op.hash, op.record.empty() ? nullptr : &op.record});
  }
  std::stable_sort(finals.begin(), finals.end(),
                   [](const FinalRecord& a, const FinalRecord& b) {
                     return a.hash < b.hash;
                   });
  // Keep the last of each run of equal hashes.
  auto last = std::unique(finals.rbegin(), finals.rend(),
                          [](const FinalRecord& a, const FinalRecord& b) {
                            return a.hash == b.hash;
                          });
  finals.erase(finals.begin(), last.base());
  return finals;
}

// One RocksDB key a batch writes: a put of `value`, or a deletion.
struct KeyChange {
  std::string_view key;    // into its FamilyChanges' KeyArena
  std::string_view value;  // into the batch's records; empty for index entries
  bool deleted = false;
};

// The bytes of the keys a plan writes, packed in blocks that never move
// (a KeyChange's key stays valid as more are added) and freed at once. An
// import plans millions of keys: one heap string each made allocating,
// touching (scattered over the heap, read again by the sort and the table
// writer) and freeing them a fifth of the import's time.
class KeyArena {
 public:
  std::string_view Copy(std::string_view key) {
    if (key.size() > free_) {
      const size_t size = std::max(kBlockSize, key.size());
      blocks_.push_back(std::make_unique_for_overwrite<char[]>(size));
      next_ = blocks_.back().get();
      free_ = size;
    }
    std::memcpy(next_, key.data(), key.size());
    const std::string_view copy(next_, key.size());
    next_ += key.size();
    free_ -= key.size();
    return copy;
  }

 private:
  static constexpr size_t kBlockSize = size_t{1} << 20;
  std::vector<std::unique_ptr<char[]>> blocks_;
  char* next_ = nullptr;
  size_t free_ = 0;
};

// Which column family a FamilyChanges slot is for: the orders, then one
// per internal::Index.
constexpr size_t kOrdersSlot = 0;
constexpr size_t kFamilySlots = 1 + internal::kIndexCount;
size_t SlotOf(internal::Index index) { return 1 + static_cast<size_t>(index); }

rocksdb::ColumnFamilyHandle* FamilyOfSlot(const Store::Impl& impl,
                                          size_t slot) {
  return slot == kOrdersSlot
             ? impl.orders
             : impl.family(static_cast<internal::Index>(slot - 1));
}

// What a batch changes in each column family, every key at most once. Each
// slot is written sorted by key (see SortChanges): the order in which
// RocksDB's memtable inserts fastest (each insert starts from the previous
// one's place in the skip list), and the order a table file needs.
struct FamilyChanges {
  std::array<std::vector<KeyChange>, kFamilySlots> slots;
  KeyArena keys;  // every slot's keys
  std::vector<KeyChange>& operator[](size_t slot) { return slots[slot]; }
};

// Adds the changes that replace `old_record` (empty: absent) of the order
// `hash` with `record` (null: deleted). Index entries that both derive are
// left alone, so a status update that keeps the order's status and
// resources rewrites only the record; an unchanged record writes nothing.
void AddChanges(const OrderHash& hash, std::string_view old_record,
                const std::string* record, FamilyChanges* changes) {
  if (record != nullptr ? old_record == *record : old_record.empty()) return;
  std::vector<internal::IndexEntry> old_entries, new_entries;
  // A damaged old record derives nothing: it is being replaced, and
  // queries skip entries whose order does not derive them. (An absent one
  // is not verified: its error message alone cost an allocation an order.)
  if (!old_record.empty()) {
    if (Result<OrderView> old_view = VerifyRecord(old_record); old_view.ok()) {
      old_entries = internal::IndexEntriesOf(*old_view);
    }
  }
  if (record != nullptr) {
    // Encoded by WriteBatch::Put from a validated order: always verifies.
    new_entries = internal::IndexEntriesOf(*VerifyRecord(*record));
  }
  auto has = [](const std::vector<internal::IndexEntry>& entries,
                const internal::IndexEntry& e) {
    return std::find(entries.begin(), entries.end(), e) != entries.end();
  };
  for (internal::IndexEntry& e : old_entries) {
    if (!has(new_entries, e)) {
      (*changes)[SlotOf(e.index)].push_back(
          {changes->keys.Copy(e.key), {}, true});
    }
  }
  for (internal::IndexEntry& e : new_entries) {
    if (!has(old_entries, e)) {
      (*changes)[SlotOf(e.index)].push_back(
          {changes->keys.Copy(e.key), {}, false});
    }
  }
  std::vector<KeyChange>& orders = (*changes)[kOrdersSlot];
  const std::string_view key = changes->keys.Copy(hash.AsKey());
  if (record != nullptr) {
    orders.push_back({key, *record, false});
  } else {
    orders.push_back({key, {}, true});
  }
}

// The first 16 bytes of `key`, big-endian, zero-padded.
std::pair<uint64_t, uint64_t> PrefixOf(std::string_view key) {
  std::array<unsigned char, 16> bytes{};
  std::memcpy(bytes.data(), key.data(), std::min(key.size(), bytes.size()));
  auto load = [&bytes](size_t at) {
    uint64_t value = 0;
    for (size_t i = at; i < at + 8; ++i) value = value << 8 | bytes[i];
    return value;
  };
  return {load(0), load(8)};
}

// Sorts one column family's changes by key. Comparing the keys' first 16
// bytes, held in a contiguous array, decides almost every pair without
// reaching the keys' own heap bytes: an import sorts millions of keys, and
// chasing a pointer per comparison made that the slowest part of it.
void SortChanges(std::vector<KeyChange>* changes) {
  struct Sortable {
    std::pair<uint64_t, uint64_t> prefix;
    KeyChange* change;
  };
  std::vector<Sortable> order;
  order.reserve(changes->size());
  for (KeyChange& change : *changes) order.push_back({PrefixOf(change.key), &change});
  std::sort(order.begin(), order.end(), [](const Sortable& a, const Sortable& b) {
    if (a.prefix != b.prefix) return a.prefix < b.prefix;
    return a.change->key < b.change->key;
  });
  std::vector<KeyChange> sorted;
  sorted.reserve(changes->size());
  for (const Sortable& s : order) sorted.push_back(*s.change);
  // An index key ends with its order's hash, and each order adds a key
  // once: no key can repeat.
  assert(std::adjacent_find(sorted.begin(), sorted.end(),
                            [](const KeyChange& a, const KeyChange& b) {
                              return a.key == b.key;
                            }) == sorted.end());
  *changes = std::move(sorted);
}

// Whether the store holds no order whose hash lies between `finals`' first
// and last: one seek. Hashes are spread evenly, so in practice this finds
// an import into an empty store, which then reads no stored record at all.
// (Once the key filter is built, PlanChanges leaves out of its reads each
// order the filter rules out; this seek serves before that.)
// REQUIRES: finals is not empty and sorted by hash.
Result<bool> NoneStored(const Store::Impl& impl,
                        const std::vector<FinalRecord>& finals) {
  std::unique_ptr<rocksdb::Iterator> it(
      impl.db->NewIterator(rocksdb::ReadOptions(), impl.orders));
  it->Seek(KeyOf(finals.front().hash));
  if (!it->status().ok()) return FromRocks(it->status(), "store " + impl.path);
  return !it->Valid() || it->key().compare(KeyOf(finals.back().hash)) > 0;
}

// Reads the stored record of every order in `finals` (sorted by hash), in
// sorted MultiGets of a bounded size, and returns the changes that writing
// the final records makes, not yet sorted (see SortChanges). An order the
// key filter rules out is not read: it is not stored, and stays so until
// this write commits (its stripe, or Import's gate, excludes other writers
// of it). With `expected` (one order): Conflict unless the stored record is
// byte for byte *expected (empty: absent).
// REQUIRES: the caller holds the stripes of every order in `finals`.
Result<FamilyChanges> PlanChanges(const Store::Impl& impl,
                                  const std::vector<FinalRecord>& finals,
                                  const std::string_view* expected) {
  assert(expected == nullptr || finals.size() == 1);
  constexpr size_t kChunk = 1024;
  FamilyChanges changes;
  changes[kOrdersSlot].reserve(finals.size());
  // Large batches only: for a few orders the seek would cost as much as
  // the reads it saves.
  if (finals.size() >= kChunk) {
    Result<bool> none_stored = NoneStored(impl, finals);
    if (!none_stored.ok()) return none_stored.status();
    if (*none_stored) {
      for (const FinalRecord& final : finals) {
        AddChanges(final.hash, {}, final.record, &changes);
      }
      return changes;
    }
  }
  std::vector<rocksdb::Slice> keys;
  std::vector<size_t> read;  // of the chunk's orders, those read (in order)
  std::vector<rocksdb::PinnableSlice> values(std::min(finals.size(), kChunk));
  std::vector<rocksdb::Status> statuses(values.size());
  for (size_t begin = 0; begin < finals.size(); begin += kChunk) {
    const size_t n = std::min(kChunk, finals.size() - begin);
    keys.clear();
    read.clear();
    for (size_t i = 0; i < n; ++i) {
      const OrderHash& hash = finals[begin + i].hash;
      if (!impl.MayContain(ReadOptions(), hash)) continue;
      read.push_back(i);
      keys.push_back(KeyOf(hash));
    }
    for (size_t j = 0; j < keys.size(); ++j) values[j].Reset();
    if (!keys.empty()) {
      impl.db->MultiGet(rocksdb::ReadOptions(), impl.orders, keys.size(),
                        keys.data(), values.data(), statuses.data(),
                        /*sorted_input=*/true);
    }
    for (size_t i = 0, j = 0; i < n; ++i) {
      const FinalRecord& final = finals[begin + i];
      std::string_view old_record;
      if (j < read.size() && read[j] == i) {
        if (statuses[j].ok()) {
          old_record = AsView(values[j]);
        } else if (!statuses[j].IsNotFound()) {
          return FromRocks(statuses[j], "order " + final.hash.ToHex());
        }
        ++j;
      }
      if (expected != nullptr && old_record != *expected) {
        return Status::Conflict("order " + final.hash.ToHex() +
                                " changed since it was read");
      }
      AddChanges(final.hash, old_record, final.record, &changes);
    }
  }
  return changes;
}

// Adds the orders `finals` puts to the key filter. REQUIRES: the caller
// holds import_gate (shared or alone) until the write commits: a get must
// never see an order its filter lacks.
void AddToKeyFilter(Store::Impl& impl, const std::vector<FinalRecord>& finals) {
  if (impl.key_filter == nullptr) return;
  for (const FinalRecord& final : finals) {
    if (final.record != nullptr) impl.key_filter->Add(final.hash);
  }
}

}  // namespace

// ---------------------------------------------------------------------- Store

namespace {

// SetGetManyHookForTesting's hook (store_impl.h); the flag keeps GetMany
// from touching the function when none is set.
std::atomic<bool> get_many_hook_set{false};
std::function<void()>& GetManyHook() {
  static std::function<void()> hook;
  return hook;
}

// Reads the orders `hashes` into `values` and `statuses` (as many), in one
// RocksDB MultiGet, except that hashes the key filter rules out are
// NotFound without asking RocksDB.
void MultiGetOrders(const Store::Impl& impl, const ReadOptions& options,
                    std::span<const OrderHash> hashes,
                    std::vector<rocksdb::PinnableSlice>& values,
                    std::vector<rocksdb::Status>& statuses) {
  const rocksdb::ReadOptions read = RocksRead(options);
  std::vector<rocksdb::Slice> keys;  // of the hashes asked for, in order
  std::vector<size_t> asked, ruled_out;  // indexes into `hashes`
  keys.reserve(hashes.size());
  asked.reserve(hashes.size());
  for (size_t i = 0; i < hashes.size(); ++i) {
    if (impl.MayContain(options, hashes[i])) {
      asked.push_back(i);
      keys.push_back(KeyOf(hashes[i]));
    } else {
      ruled_out.push_back(i);
    }
  }
  if (ruled_out.empty()) {  // keys are every hash's
    impl.db->MultiGet(read, impl.orders, keys.size(), keys.data(),
                      values.data(), statuses.data());
    return;
  }
  if (options.snapshot == nullptr &&
      get_many_hook_set.load(std::memory_order_acquire)) {
    GetManyHook()();
  }
  std::vector<rocksdb::PinnableSlice> asked_values(asked.size());
  std::vector<rocksdb::Status> asked_statuses(asked.size());
  if (!keys.empty()) {
    impl.db->MultiGet(read, impl.orders, keys.size(), keys.data(),
                      asked_values.data(), asked_statuses.data());
  }
  // Without a snapshot MultiGet reads the state as it starts, after the
  // filter was asked: an order written in between would be missing beside
  // one written after it, which no single state shows. Asked again now,
  // the filter still ruling a hash out means it was not stored when
  // MultiGet read; otherwise (a write of that very hash meanwhile) all
  // are read again, without the filter.
  if (options.snapshot == nullptr) {
    for (size_t i : ruled_out) {
      if (!impl.MayContain(options, hashes[i])) continue;
      keys.clear();
      for (const OrderHash& hash : hashes) keys.push_back(KeyOf(hash));
      impl.db->MultiGet(read, impl.orders, keys.size(), keys.data(),
                        values.data(), statuses.data());
      return;
    }
  }
  for (size_t j = 0; j < asked.size(); ++j) {
    values[asked[j]] = std::move(asked_values[j]);
    statuses[asked[j]] = asked_statuses[j];
  }
  for (size_t i : ruled_out) statuses[i] = rocksdb::Status::NotFound();
}

// Writes the index entries of every stored order, for a store written
// before the indexes existed. One batch: all entries land, or none (and
// the next open builds them again).
Status BuildIndexes(Store::Impl& impl) {
  rocksdb::WriteBatch batch;
  std::unique_ptr<rocksdb::Iterator> it(
      impl.db->NewIterator(rocksdb::ReadOptions(), impl.orders));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    Result<OrderView> view = VerifyRecord(AsView(it->value()));
    if (!view.ok()) continue;  // `verify` reports it; it derives nothing
    for (const internal::IndexEntry& e : internal::IndexEntriesOf(*view)) {
      Status s = FromRocks(batch.Put(impl.family(e.index), e.key, rocksdb::Slice()),
                           "building indexes");
      if (!s.ok()) return s;
    }
  }
  Status s = FromRocks(it->status(), "building indexes");
  if (!s.ok()) return s;
  return FromRocks(
      CommitToRocksDb(impl.db.get(), rocksdb::WriteOptions(), &batch),
      "building indexes");
}

}  // namespace

namespace internal {

void SetGetManyHookForTesting(std::function<void()> hook) {
  get_many_hook_set.store(false, std::memory_order_release);
  GetManyHook() = std::move(hook);
  get_many_hook_set.store(static_cast<bool>(GetManyHook()),
                          std::memory_order_release);
}

}  // namespace internal

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

const std::string& Store::path() const { return impl_->path; }

Result<std::unique_ptr<Store>> Store::Open(const Options& options,
                                           const std::string& path) {
  return internal::OpenWithFileSystem(options, path, nullptr);
}

Result<std::unique_ptr<Store>> internal::OpenWithFileSystem(
    const Options& options, const std::string& path,
    std::shared_ptr<rocksdb::FileSystem> fs) {
  const std::string context = "store " + path;
  auto impl = std::make_unique<Store::Impl>();
  rocksdb::Options rocks = RocksOptions(options);
  if (fs != nullptr) {
    impl->env = rocksdb::NewCompositeEnv(fs);
    rocks.env = impl->env.get();
  } else {
    fs = rocksdb::FileSystem::Default();
  }
  const bool existed =
      fs->FileExists(path + "/CURRENT", rocksdb::IOOptions(), nullptr).ok();
  if (!existed && (!options.create_if_missing || options.read_only)) {
    return Status::NotFound(context + ": no store in this directory");
  }

  // Every existing column family must be opened; a new store gets ours.
  std::vector<std::string> families;
  rocksdb::Status listed =
      rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(rocks), path, &families);
  if (!listed.ok()) families = {rocksdb::kDefaultColumnFamilyName};
  auto has = [&families](std::string_view name) {
    return std::find(families.begin(), families.end(), name) != families.end();
  };
  if (!has(kOrdersFamily)) {
    if (options.read_only) {
      return Status::NotFound(context + ": no orders were ever written here");
    }
    families.push_back(kOrdersFamily);
  }
  // A store written before the indexes existed gets them built now.
  bool build_indexes = false;
  for (const char* name : internal::kIndexFamilies) {
    if (!has(name) && !options.read_only) {
      families.push_back(name);
      build_indexes = true;
    }
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& name : families) {
    descriptors.emplace_back(name, internal::RocksFamilyOptions(rocks, name));
  }

  impl->path = path;
  impl->read_only = options.read_only;
  rocksdb::DB* db = nullptr;
  rocksdb::Status s =
      options.read_only && options.secondary
          ? internal::OpenSecondary(rocksdb::DBOptions(rocks), path,
                                    descriptors, &impl->handles, &db)
      : options.read_only
          ? rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(rocks), path,
                                         descriptors, &impl->handles, &db)
          : rocksdb::DB::Open(rocksdb::DBOptions(rocks), path, descriptors,
                              &impl->handles, &db);
  if (!s.ok()) {
    if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
      return Status::IOError(context +
                             ": locked by another process (it has the store "
                             "open for writing; open it read-only instead)");
    }
    return FromRocks(s, context);
  }
  impl->db.reset(db);
  if (!existed && !options.read_only) {
    Status synced = internal::SyncParentDir(fs.get(), path);
    if (!synced.ok()) return synced.WithContext(context);
  }
  if (!options.read_only) internal::ImportDir::RemoveLeftovers(fs.get(), path);
  for (size_t i = 0; i < families.size(); ++i) {
    if (families[i] == kOrdersFamily) impl->orders = impl->handles[i];
    for (size_t j = 0; j < internal::kIndexCount; ++j) {
      if (families[i] == internal::kIndexFamilies[j]) {
        impl->indexes[j] = impl->handles[i];
      }
    }
  }
  if (build_indexes) {
    Status built = BuildIndexes(*impl);
    if (!built.ok()) return built.WithContext(context);
  }
  if (options.key_filter && !options.read_only) {
    impl->key_filter = std::make_unique<internal::LiveKeyFilter>(
        impl->db.get(), impl->orders, &impl->import_gate);
  }
  return internal::StoreAccess::Wrap(std::move(impl));
}

Result<PinnedOrder> Store::Get(const ReadOptions& options,
                               const OrderHash& hash) const {
  PinnedOrder pinned;
  // A hash the key filter rules out is answered as RocksDB would answer it.
  const rocksdb::Status s =
      impl_->MayContain(options, hash)
          ? impl_->db->Get(RocksRead(options), impl_->orders, KeyOf(hash),
                           SliceOf(pinned))
          : rocksdb::Status::NotFound();
  if (s.IsNotFound()) {
    return Status::NotFound("order " + hash.ToHex() + " not found");
  }
  if (!s.ok()) return FromRocks(s, "order " + hash.ToHex());
  Result<OrderView> view = VerifyStored(hash, AsView(*SliceOf(pinned)));
  if (!view.ok()) return view.status();
  ViewAccess::SetHasValue(pinned, true);
  return pinned;
}

std::vector<Result<PinnedOrder>> Store::GetMany(
    const ReadOptions& options, std::span<const OrderHash> hashes) const {
  std::vector<rocksdb::PinnableSlice> values(hashes.size());
  std::vector<rocksdb::Status> statuses(hashes.size());
  MultiGetOrders(*impl_, options, hashes, values, statuses);

  internal::PrefetchFound(values.data(), statuses.data(), hashes.size());
  std::vector<Result<PinnedOrder>> results;
  results.reserve(hashes.size());
  for (size_t i = 0; i < hashes.size(); ++i) {
    // Messages are only built on failure: a found order costs no
    // allocation beyond the result vector's.
    if (statuses[i].IsNotFound()) {
      results.emplace_back(
          Status::NotFound("order " + hashes[i].ToHex() + " not found"));
      continue;
    }
    if (!statuses[i].ok()) {
      results.emplace_back(FromRocks(statuses[i], "order " + hashes[i].ToHex()));
      continue;
    }
    Result<OrderView> view = VerifyStored(hashes[i], AsView(values[i]));
    if (!view.ok()) {
      results.emplace_back(view.status());
      continue;
    }
    PinnedOrder pinned;
    *SliceOf(pinned) = std::move(values[i]);
    ViewAccess::SetHasValue(pinned, true);
    results.emplace_back(std::move(pinned));
  }
  return results;
}

Status Store::Put(const WriteOptions& options, const Order& order) {
  WriteBatch batch;
  Status s = batch.Put(order);
  if (!s.ok()) return s;
  return Write(options, batch);
}

Status Store::Delete(const WriteOptions& options, const OrderHash& hash) {
  WriteBatch batch;
  batch.Delete(hash);
  return Write(options, batch);
}

Status Store::Write(const WriteOptions& options, const WriteBatch& batch) {
  return Apply(options, batch, nullptr);
}

Status Store::Apply(const WriteOptions& options, const WriteBatch& batch,
                    const std::string_view* expected) {
  Status s = impl_->CheckWritable();
  if (!s.ok()) return s;
  const std::vector<FinalRecord> finals = FinalRecords(batch.rep_->ops);

  // Hold the stripes of every order written, in a fixed order, from reading
  // the old records until the batch lands.
  std::shared_lock<std::shared_mutex> no_import(impl_->import_gate);
  std::array<bool, Impl::kStripes> used{};
  for (const FinalRecord& final : finals) used[Impl::StripeOf(final.hash)] = true;
  std::vector<std::unique_lock<std::mutex>> locks;
  for (size_t i = 0; i < Impl::kStripes; ++i) {
    if (used[i]) locks.emplace_back(impl_->stripes[i]);
  }

  Result<FamilyChanges> changes = PlanChanges(*impl_, finals, expected);
  if (!changes.ok()) return changes.status();
  rocksdb::WriteBatch rocks_batch;
  for (size_t slot = 0; slot < kFamilySlots; ++slot) {
    SortChanges(&(*changes)[slot]);
    rocksdb::ColumnFamilyHandle* family = FamilyOfSlot(*impl_, slot);
    for (const KeyChange& change : (*changes)[slot]) {
      rocksdb::Status added =
          change.deleted
              ? rocks_batch.Delete(family, change.key)
              : rocks_batch.Put(family, change.key,
                                rocksdb::Slice(change.value.data(),
                                               change.value.size()));
      if (!added.ok()) return FromRocks(added, "store " + impl_->path);
    }
  }
  AddToKeyFilter(*impl_, finals);
  return FromRocks(
      CommitToRocksDb(impl_->db.get(), RocksWrite(options), &rocks_batch),
      "store " + impl_->path);
}

namespace {

// Writes `changes` (sorted, each key once) as a table file at `path` that
// `family`'s options can read.
Status WriteTableFile(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* family,
                      const std::vector<KeyChange>& changes,
                      const std::string& path) {
  // Keep the written blocks in the page cache: an import is usually read
  // soon after.
  rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), db.GetOptions(family),
                                family, /*invalidate_page_cache=*/false);
  rocksdb::Status s = writer.Open(path);
  for (size_t i = 0; s.ok() && i < changes.size(); ++i) {
    const KeyChange& change = changes[i];
    s = change.deleted
            ? writer.Delete(change.key)
            : writer.Put(change.key, rocksdb::Slice(change.value.data(),
                                                    change.value.size()));
  }
  if (s.ok()) s = writer.Finish();
  return FromRocks(s, path);
}

}  // namespace

Status Store::Import(const WriteBatch& batch) {
  Status s = impl_->CheckWritable();
  if (!s.ok()) return s;
  const std::vector<FinalRecord> finals = FinalRecords(batch.rep_->ops);
  if (finals.empty()) return Status::OK();

  // No other write may change an order between our reading it and the
  // files landing.
  std::unique_lock<std::shared_mutex> alone(impl_->import_gate);

  Result<FamilyChanges> changes = PlanChanges(*impl_, finals, nullptr);
  if (!changes.ok()) return changes.status();

  // The files are written in a directory of their own inside the store (a
  // hard link moves them in) and removed whatever happens; one left by a
  // killed import is removed by the next read-write Open or Import.
  internal::ImportDir dir(impl_->db->GetFileSystem(), impl_->path);
  s = dir.Create();
  if (!s.ok()) return s.WithContext("store " + impl_->path);

  // Each column family's file is sorted and written on its own: the
  // orders' file (the records, most of the compression work) on a second
  // thread, the index files on this one.
  std::array<std::string, kFamilySlots> files;
  std::array<Status, kFamilySlots> written;
  auto write_slot = [&](size_t slot) {
    std::vector<KeyChange>& slot_changes = (*changes)[slot];
    if (slot_changes.empty()) return;  // a table file cannot be empty
    SortChanges(&slot_changes);
    rocksdb::ColumnFamilyHandle* family = FamilyOfSlot(*impl_, slot);
    files[slot] = dir.File(family->GetName() + ".sst");
    written[slot] = WriteTableFile(*impl_->db, family, slot_changes, files[slot]);
  };
  std::thread orders_writer(write_slot, kOrdersSlot);
  for (size_t slot = kOrdersSlot + 1; slot < kFamilySlots; ++slot) write_slot(slot);
  orders_writer.join();

  std::vector<rocksdb::IngestExternalFileArg> args;
  for (size_t slot = 0; slot < kFamilySlots; ++slot) {
    if (!written[slot].ok()) return written[slot].WithContext("store " + impl_->path);
    if (files[slot].empty()) continue;
    rocksdb::IngestExternalFileArg arg;
    arg.column_family = FamilyOfSlot(*impl_, slot);
    arg.external_files = {files[slot]};
    arg.options.move_files = true;
    args.push_back(std::move(arg));
  }
  if (args.empty()) return Status::OK();  // every order was already stored
  AddToKeyFilter(*impl_, finals);
  std::vector<rocksdb::ColumnFamilyHandle*> families;
  for (const rocksdb::IngestExternalFileArg& arg : args) {
    families.push_back(arg.column_family);
  }
  const std::set<std::string> unbounded =
      internal::UnboundedFiles(*impl_->db, families);
  // One step for all column families: RocksDB records the files of every
  // family in one manifest write, synced, so after a crash the store has
  // all of them or none.
  rocksdb::Status ingested = impl_->db->IngestExternalFiles(args);
  // Then what a read error may have made RocksDB lose (lib/ingest_check.h).
  if (ingested.ok()) {
    ingested = internal::RewriteUnboundedIngestions(
        *impl_->db, families, unbounded,
        [&](size_t i, rocksdb::WriteBatch* rewrite) {
          for (size_t slot = 0; slot < kFamilySlots; ++slot) {
            if (FamilyOfSlot(*impl_, slot) != families[i]) continue;
            for (const KeyChange& change : (*changes)[slot]) {
              rocksdb::Status added =
                  change.deleted ? rewrite->Delete(families[i], change.key)
                                 : rewrite->Put(families[i], change.key,
                                                rocksdb::Slice(change.value.data(),
                                                               change.value.size()));
              if (!added.ok()) return added;
            }
          }
          return rocksdb::Status::OK();
        });
  }
  return FromRocks(ingested, "store " + impl_->path);
}

Status Store::UpdateStatus(const WriteOptions& options, OrderView as_read,
                           const StatusUpdate& update) {
  Order changed = as_read.ToOwned();
  Status s = ApplyStatusUpdate(update, &changed);
  if (!s.ok()) return s.WithContext("order " + changed.hash.ToHex());
  WriteBatch batch;
  s = batch.Put(changed);
  if (!s.ok()) return s;
  // Compare-and-set: Apply compares the stored record with the one read,
  // under the order's stripe lock, which it holds until the write lands.
  const std::string_view expected = as_read.record();
  return Apply(options, batch, &expected);
}

std::shared_ptr<const Snapshot> Store::GetSnapshot() const {
  // A read-only store is its own snapshot.
  if (impl_->read_only) return std::make_shared<const Snapshot>(nullptr);
  rocksdb::DB* db = impl_->db.get();
  const Snapshot* snapshot = new Snapshot(db->GetSnapshot());
  return std::shared_ptr<const Snapshot>(snapshot, [db](const Snapshot* s) {
    db->ReleaseSnapshot(s->rep());
    delete s;
  });
}

std::unique_ptr<Iterator> Store::NewIterator(const ReadOptions& options) const {
  return std::make_unique<StoreIterator>(std::unique_ptr<rocksdb::Iterator>(
      impl_->db->NewIterator(RocksRead(options), impl_->orders)));
}

}  // namespace orderstore
