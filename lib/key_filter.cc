// The store-level filter of order hashes (see key_filter.h).
#include "lib/key_filter.h"

#include <rocksdb/env.h>
#include <rocksdb/iterator.h>
#include <rocksdb/options.h>
#include <rocksdb/snapshot.h>

#include <algorithm>
#include <bit>
#include <cstring>

#include "lib/mix.h"

namespace orderstore::internal {

// ------------------------------------------------------------------ KeyFilter

KeyFilter::KeyFilter(size_t capacity)
    : capacity_(capacity),
      blocks_count_(std::max<size_t>(
          1, (capacity * kBitsPerKeyAtCapacity + 511) / 512)),
      // Value-initialized: every word zero.
      blocks_(std::make_unique<Block[]>(blocks_count_)) {}

KeyFilter::Probe KeyFilter::ProbeOf(const OrderHash& hash) const {
  uint64_t lo, hi;
  std::memcpy(&lo, hash.bytes().data(), 8);
  std::memcpy(&hi, hash.bytes().data() + 8, 8);
  // Order hashes are meant to be uniformly random already, but one imported
  // from elsewhere need not be, and a skewed block choice would cost false
  // positives; mixing costs a few cycles.
  const uint64_t h1 = Fmix64(lo ^ std::rotl(hi, 29));
  const uint64_t h2 = Fmix64(hi + 0x9e3779b97f4a7c15ULL * lo);
  Probe probe{};
  // The block: h1 scaled to [0, blocks) (no division).
  probe.block = static_cast<size_t>(
      (static_cast<unsigned __int128>(h1) * blocks_count_) >> 64);
  // Seven 9-bit positions in the block's 512 bits from h2's 63 low bits.
  for (int i = 0; i < kBitsPerHash; ++i) {
    const unsigned bit = static_cast<unsigned>(h2 >> (9 * i)) & 511;
    probe.masks[bit >> 6] |= uint64_t{1} << (bit & 63);
  }
  return probe;
}

void KeyFilter::Add(const OrderHash& hash) {
  const Probe probe = ProbeOf(hash);
  Block& block = blocks_[probe.block];
  bool new_bit = false;
  for (size_t w = 0; w < probe.masks.size(); ++w) {
    const uint64_t mask = probe.masks[w];
    if (mask == 0) continue;
    // Release, with MayContain's acquire: whoever sees the bits sees what
    // the adder did before (belt and braces; the store's commit orders the
    // write after the add anyway).
    if ((block.words[w].load(std::memory_order_relaxed) & mask) == mask) continue;
    const uint64_t old = block.words[w].fetch_or(mask, std::memory_order_release);
    if ((old & mask) != mask) new_bit = true;
  }
  if (new_bit) keys_.fetch_add(1, std::memory_order_relaxed);
}

bool KeyFilter::MayContain(const OrderHash& hash) const {
  const Probe probe = ProbeOf(hash);
  const Block& block = blocks_[probe.block];
  for (size_t w = 0; w < probe.masks.size(); ++w) {
    const uint64_t mask = probe.masks[w];
    if ((block.words[w].load(std::memory_order_acquire) & mask) != mask) {
      return false;
    }
  }
  return true;
}

// -------------------------------------------------------------- LiveKeyFilter

namespace {

// A failed build (a read error) is tried again after a pause that doubles
// from the first to the longest: a store that serves for months must not
// stay without its filter for one bad read, nor rescan a damaged store
// without rest.
constexpr std::chrono::seconds kFirstRetryDelay{1};
constexpr std::chrono::seconds kLongestRetryDelay{600};

// The smallest filter made: 80 KiB, so that a new or small store does not
// rebuild again and again while it fills.
constexpr size_t kMinCapacity = size_t{1} << 16;

// Built filters are sized for this many times the orders stored.
constexpr size_t kHeadroom = 2;

}  // namespace

struct LiveKeyFilter::Generation {
  explicit Generation(size_t capacity) : filter(capacity) {}
  KeyFilter filter;
  // Reads through a snapshot older than this one's may see orders it never
  // held. Set before the generation answers.
  rocksdb::SequenceNumber base_sequence = 0;
  size_t scanned = 0;
};

// Counts its thread as a reader of current_ and building_ while it lives.
class LiveKeyFilter::Pin {
 public:
  explicit Pin(const LiveKeyFilter& filter)
      : counter_(&filter.pins_[ThreadShard()].readers[
            filter.pin_epoch_.load(std::memory_order_acquire) & 1]) {
    // seq_cst, as are the loads of the pointers after it and the swap's
    // exchange: a reader that loads an old pointer has counted itself
    // before the exchange, so WaitForReaders sees it.
    counter_->fetch_add(1, std::memory_order_seq_cst);
  }
  ~Pin() { counter_->fetch_sub(1, std::memory_order_release); }
  Pin(const Pin&) = delete;
  Pin& operator=(const Pin&) = delete;

 private:
  static size_t ThreadShard() {
    static std::atomic<size_t> next{0};
    thread_local const size_t shard =
        next.fetch_add(1, std::memory_order_relaxed) % kPinShards;
    return shard;
  }
  std::atomic<uint64_t>* counter_;
};

LiveKeyFilter::LiveKeyFilter(rocksdb::DB* db,
                             rocksdb::ColumnFamilyHandle* orders,
                             std::shared_mutex* write_gate,
                             StoreHooks* hooks)
    : db_(db), orders_(orders), write_gate_(write_gate), hooks_(hooks) {
  auto* first = new Generation(NextCapacity());
  building_.store(first, std::memory_order_seq_cst);
  // No write can come before the constructor returns (the store is not
  // handed out yet), so the snapshot needs no gate.
  const rocksdb::Snapshot* snapshot = db_->GetSnapshot();
  thread_ = std::thread([this, snapshot, first] { Run(snapshot, first); });
}

LiveKeyFilter::~LiveKeyFilter() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    stopping_.store(true, std::memory_order_relaxed);
  }
  changed_.notify_all();
  thread_.join();
  // No reader or writer is left: the store is being closed.
  delete current_.load(std::memory_order_relaxed);
  delete building_.load(std::memory_order_relaxed);
}

bool LiveKeyFilter::MayContain(const rocksdb::Snapshot* snapshot,
                               const OrderHash& hash) const {
  Pin pin(*this);
  const Generation* current = current_.load(std::memory_order_seq_cst);
  if (current == nullptr) return true;  // still building
  if (snapshot != nullptr &&
      snapshot->GetSequenceNumber() < current->base_sequence) {
    return true;  // may see orders deleted before the filter's snapshot
  }
  return current->filter.MayContain(hash);
}

void LiveKeyFilter::Add(const OrderHash& hash) {
  bool full = false;
  {
    Pin pin(*this);
    Generation* building = building_.load(std::memory_order_seq_cst);
    Generation* current = current_.load(std::memory_order_seq_cst);
    if (building != nullptr) building->filter.Add(hash);
    if (current != nullptr && current != building) {
      current->filter.Add(hash);
      full = current->filter.keys() > current->filter.capacity();
    }
  }
  // Once per filter: WaitForReaders resets it when a new one answers.
  if (full && !full_reported_.exchange(true, std::memory_order_relaxed)) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      rebuild_requested_ = true;
    }
    changed_.notify_all();
  }
}

LiveKeyFilter::Stats LiveKeyFilter::stats() const {
  Stats stats;
  {
    Pin pin(*this);
    const Generation* current = current_.load(std::memory_order_seq_cst);
    const Generation* building = building_.load(std::memory_order_seq_cst);
    if (current != nullptr) {
      stats.ready = true;
      stats.capacity = current->filter.capacity();
      stats.keys = current->filter.keys();
      stats.scanned = current->scanned;
      stats.memory_bytes += current->filter.memory_bytes();
    }
    if (building != nullptr && building != current) {
      stats.memory_bytes += building->filter.memory_bytes();
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  stats.builds = builds_;
  stats.last_build_seconds = last_build_seconds_;
  stats.error = error_;
  return stats;
}

bool LiveKeyFilter::WaitUntilIdle(std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return changed_.wait_for(lock, timeout,
                           [&] { return idle_ && !rebuild_requested_; });
}

void LiveKeyFilter::RequestRebuild() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    rebuild_requested_ = true;
  }
  changed_.notify_all();
}

size_t LiveKeyFilter::NextCapacity() const {
  // RocksDB's estimate counts entries in memtables and files (overwritten
  // ones too, deletions subtracted): the store as it is, roughly. The last
  // scan's count guards against an estimate far too low, which would make
  // the next filter full as soon as it is built.
  uint64_t estimate = 0;
  if (!db_->GetIntProperty(orders_, "rocksdb.estimate-num-keys", &estimate)) {
    estimate = 0;
  }
  size_t stored = static_cast<size_t>(estimate);
  {
    Pin pin(*this);
    const Generation* current = current_.load(std::memory_order_seq_cst);
    if (current != nullptr) stored = std::max(stored, current->scanned);
  }
  return std::max(kMinCapacity, kHeadroom * stored);
}

void LiveKeyFilter::Run(const rocksdb::Snapshot* first_snapshot,
                        Generation* first) {
  Build(first_snapshot, first);
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      const auto wake = [this] { return stop_ || rebuild_requested_; };
      if (retry_delay_.count() == 0) {
        changed_.wait(lock, wake);
      } else {
        changed_.wait_for(lock, retry_delay_, wake);  // then retries
      }
      if (stop_) return;
      rebuild_requested_ = false;
      idle_ = false;
    }
    auto* next = new Generation(NextCapacity());
    const rocksdb::Snapshot* snapshot;
    {
      // Writers hold the gate from their Add until their commit: each one
      // either committed before the snapshot, or adds to `next`.
      std::unique_lock<std::shared_mutex> alone(*write_gate_);
      building_.store(next, std::memory_order_seq_cst);
      snapshot = db_->GetSnapshot();
    }
    Build(snapshot, next);
  }
}

void LiveKeyFilter::Build(const rocksdb::Snapshot* snapshot, Generation* next) {
  const auto start = std::chrono::steady_clock::now();
  const rocksdb::Status injected = hooks_ != nullptr
                                       ? hooks_->KeyFilterBuildStarting()
                                       : rocksdb::Status::OK();
  rocksdb::ReadOptions read;
  read.snapshot = snapshot;
  // A one-off full scan: keep the hot set in the block cache.
  read.fill_cache = false;
  read.readahead_size = 2 << 20;
  size_t scanned = 0;
  bool stopped = false;
  rocksdb::Status status;
  {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read, orders_));
    std::array<uint8_t, OrderHash::kSize> bytes;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const rocksdb::Slice key = it->key();
      // A key of another size is no order a get could find (`verify`
      // reports it).
      if (key.size() == OrderHash::kSize) {
        std::memcpy(bytes.data(), key.data(), bytes.size());
        next->filter.Add(OrderHash(bytes));
      }
      if (++scanned % 4096 == 0 && stopping_.load(std::memory_order_relaxed)) {
        stopped = true;
        break;
      }
    }
    if (!stopped) status = injected.ok() ? it->status() : injected;
  }
  next->base_sequence = snapshot->GetSequenceNumber();
  next->scanned = scanned;
  db_->ReleaseSnapshot(snapshot);
  if (stopped) return;  // the destructor frees `next` (still building_)

  Generation* retired;
  if (status.ok()) {
    // `next` answers from now; writers keep adding to it as current_.
    retired = current_.exchange(next, std::memory_order_seq_cst);
    building_.store(nullptr, std::memory_order_seq_cst);
  } else {
    // The old filter (if any) stays: still right, only fuller.
    retired = next;
    building_.store(nullptr, std::memory_order_seq_cst);
  }
  WaitForReaders();
  delete retired;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  std::chrono::seconds retry_in{0};
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (status.ok()) {
      ++builds_;
      last_build_seconds_ = seconds;
      error_.clear();
      retry_delay_ = std::chrono::seconds(0);
      idle_ = true;
      // Writes during the build may have filled it already.
      if (next->filter.keys() > next->filter.capacity()) {
        rebuild_requested_ = true;
      }
    } else {
      error_ = "building the key filter: " + status.ToString();
      retry_delay_ = retry_delay_.count() == 0
                         ? kFirstRetryDelay
                         : std::min(2 * retry_delay_, kLongestRetryDelay);
      retry_in = retry_delay_;
    }
  }
  if (!status.ok()) {
    // Where an operator looks: the store's own LOG file. Gets stay right
    // meanwhile; unknown hashes cost a RocksDB lookup again.
    rocksdb::Log(rocksdb::InfoLogLevel::WARN_LEVEL,
                 db_->GetDBOptions().info_log,
                 "orderstore: building the key filter: %s; the store answers "
                 "without it and tries again in %lld s",
                 status.ToString().c_str(),
                 static_cast<long long>(retry_in.count()));
  }
  changed_.notify_all();
  if (status.ok()) full_reported_.store(false, std::memory_order_relaxed);
}

void LiveKeyFilter::WaitForReaders() {
  // Two rounds: new readers count on the other side after each flip, so
  // each wait ends once the readers already counted there are done.
  for (int round = 0; round < 2; ++round) {
    const uint32_t side =
        pin_epoch_.fetch_add(1, std::memory_order_seq_cst) & 1;
    for (PinShard& shard : pins_) {
      while (shard.readers[side].load(std::memory_order_acquire) != 0) {
        std::this_thread::yield();
      }
    }
  }
}

}  // namespace orderstore::internal
