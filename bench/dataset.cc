#include "bench/dataset.h"

#include <rocksdb/options.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <utility>

#include "bench/floor_db.h"
#include "lib/rocks_options.h"
#include "orderstore/generate.h"

namespace orderstore::bench {
namespace {

namespace fs = std::filesystem;

// Row-cache bytes per order, enough for the largest values of the run (the
// JSON values, ~670 bytes, plus the cache entry's key and overhead; a
// FlatBuffers record needs ~520 in all), so that every RocksDB database has
// the same options and holds its whole dataset in its row cache.
constexpr uint64_t kRowCacheBytesPerOrder = 1280;

struct Run {
  uint64_t orders = 1'000'000;
  std::string root;
  std::vector<OrderHash> hashes, probes, unknown;
  std::string store_path;  // loaded and compacted; floor_path is its copy
  std::string floor_path;
  std::unique_ptr<Store> store;
  // The comparison databases' closers, in the order they were loaded.
  std::vector<std::function<void()>> teardown;
};

Run& R() {
  static Run* run = new Run;  // torn down explicitly by Teardown()
  return *run;
}

const std::string& Root() {
  Run& r = R();
  if (r.root.empty()) {
    const char* tmp = getenv("TMPDIR");
    std::string pattern =
        std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") +
        "/orderstore-bench-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) Die("mkdtemp " + pattern);
    r.root = pattern;
  }
  return r.root;
}

// splitmix64: a fixed, portable sequence for the probe permutation.
uint64_t Mix(uint64_t* state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Loads the store through the public API, compacts it and copies its files
// for the floor.
void BuildStore() {
  Run& r = R();
  if (!r.store_path.empty()) return;
  r.store_path = FreshDir("orderstore");
  {
    Result<std::unique_ptr<Store>> store =
        Store::Open(StoreOptions(), r.store_path);
    if (!store.ok()) Die(store.status().ToString());
    WriteBatch batch;
    WriteOptions write;
    write.sync = false;
    ForEachOrder([&](uint64_t i, const Order& order) {
      if (Status s = batch.Put(order); !s.ok()) Die(s.ToString());
      if ((i + 1) % kLoadChunk == 0 || i + 1 == orders()) {
        if (Status s = (*store)->Write(write, batch); !s.ok()) {
          Die(s.ToString());
        }
        batch.Clear();
      }
    });
  }
  CompactRocks(r.store_path);
  r.floor_path = Root() + "/floor";
  fs::copy(r.store_path, r.floor_path, fs::copy_options::recursive);
  fs::remove(r.floor_path + "/LOCK");
}

}  // namespace

void SetOrderCount(uint64_t n) { R().orders = n; }

void ForEachOrder(const std::function<void(uint64_t, const Order&)>& use) {
  OrderGenerator generator(kSeed);
  for (uint64_t i = 0; i < orders(); ++i) use(i, generator.Next());
}
uint64_t orders() { return R().orders; }

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "orderstore_bench: %s\n", what.c_str());
  std::fflush(stderr);
  std::_Exit(1);
}

const std::vector<OrderHash>& Hashes() {
  Run& r = R();
  if (r.hashes.empty()) {
    r.hashes.reserve(orders());
    for (uint64_t i = 0; i < orders(); ++i) {
      r.hashes.push_back(GenerateOrderHash(kSeed, i));
    }
  }
  return r.hashes;
}

const std::vector<OrderHash>& ProbeHashes() {
  Run& r = R();
  if (r.probes.empty()) {
    r.probes = Hashes();
    uint64_t state = 42;
    for (size_t i = r.probes.size(); i > 1; --i) {
      std::swap(r.probes[i - 1], r.probes[Mix(&state) % i]);
    }
  }
  return r.probes;
}

const std::vector<OrderHash>& UnknownHashes() {
  Run& r = R();
  if (r.unknown.empty()) {
    const uint64_t n = std::min<uint64_t>(orders(), uint64_t{1} << 20);
    for (uint64_t i = 0; i < n; ++i) {
      // Another seed: 128-bit hashes that collide with the dataset's with
      // negligible probability.
      r.unknown.push_back(GenerateOrderHash(kSeed + 1, i));
    }
  }
  return r.unknown;
}

Options StoreOptions() {
  Options options;
  options.row_cache_bytes = std::max<size_t>(
      options.row_cache_bytes, orders() * kRowCacheBytesPerOrder);
  return options;
}

Store& OrderStore() {
  Run& r = R();
  if (!r.store) {
    BuildStore();
    // What the key filter adds to Open (its start; the build runs in the
    // background): one open without it first, closed again.
    using Clock = std::chrono::steady_clock;
    auto millis = [](Clock::duration d) {
      return std::chrono::duration<double, std::milli>(d).count();
    };
    Options without = StoreOptions();
    without.key_filter = false;
    Clock::time_point start = Clock::now();
    Result<std::unique_ptr<Store>> store = Store::Open(without, r.store_path);
    const double open_without = millis(Clock::now() - start);
    if (!store.ok()) Die(store.status().ToString());
    store->reset();
    start = Clock::now();
    store = Store::Open(StoreOptions(), r.store_path);
    const double open_with = millis(Clock::now() - start);
    if (!store.ok()) Die(store.status().ToString());
    r.store = std::move(*store);
    // Gets are measured in the steady state, with the key filter built (at
    // Open a background thread starts reading every key into it).
    Status waited = r.store->WaitForBackgroundWork(std::chrono::minutes(10));
    if (!waited.ok()) Die(waited.ToString());
    std::string scanned, seconds, memory, capacity;
    if (r.store->GetProperty("orderstore.key-filter.scanned", &scanned) &&
        r.store->GetProperty("orderstore.key-filter.last-build-seconds", &seconds) &&
        r.store->GetProperty("orderstore.key-filter.memory-bytes", &memory) &&
        r.store->GetProperty("orderstore.key-filter.capacity", &capacity)) {
      // The other source the build could read: the creation-time index,
      // whose keys end with the hash (28 bytes, no values), read through a
      // read-only RocksDB open beside the store.
      rocksdb::Options rocks = internal::RocksOptions(StoreOptions());
      std::vector<std::string> names;
      Check(rocksdb::DB::ListColumnFamilies(rocks, r.store_path, &names),
            "list " + r.store_path);
      std::vector<rocksdb::ColumnFamilyDescriptor> families;
      for (const std::string& name : names) {
        families.emplace_back(name, internal::RocksFamilyOptions(rocks, name));
      }
      RocksDb index_db;
      rocksdb::DB* raw = nullptr;
      Check(rocksdb::DB::OpenForReadOnly(rocks, r.store_path, families,
                                         &index_db.handles, &raw),
            "open " + r.store_path + " read-only");
      index_db.db.reset(raw);
      const auto created = std::find(names.begin(), names.end(), "idx_created");
      if (created == names.end()) Die(r.store_path + ": no idx_created");
      rocksdb::ReadOptions read;
      read.fill_cache = false;
      read.readahead_size = 2 << 20;
      start = Clock::now();
      std::unique_ptr<rocksdb::Iterator> it(index_db.db->NewIterator(
          read, index_db.handles[created - names.begin()]));
      size_t index_keys = 0;
      for (it->SeekToFirst(); it->Valid(); it->Next()) ++index_keys;
      const double index_scan = millis(Clock::now() - start) / 1000;
      it.reset();
      std::fprintf(stderr,
                   "store open: %.1f ms without the key filter, %.1f ms with "
                   "it; its build (background) read %s keys in %s s "
                   "(idx_created's %zu keys: %.2f s); %s bytes for a "
                   "capacity of %s\n",
                   open_without, open_with, scanned.c_str(), seconds.c_str(),
                   index_keys, index_scan, memory.c_str(), capacity.c_str());
    }
    for (const OrderHash& hash : Hashes()) {
      Result<PinnedOrder> order = r.store->Get(ReadOptions(), hash);
      if (!order.ok()) Die(order.status().ToString());
    }
  }
  return *r.store;
}

std::string FreshDir(const std::string& name) {
  std::string path = Root() + "/" + name;
  std::error_code ec;
  fs::remove_all(path, ec);
  fs::create_directories(path);
  return path;
}

uint64_t DiskBytes(const std::string& path) {
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) return fs::file_size(path, ec);
  uint64_t total = 0;
  for (const auto& entry : fs::recursive_directory_iterator(path, ec)) {
    if (entry.is_regular_file(ec)) total += entry.file_size(ec);
  }
  return total;
}

double Answer(const OrderView& view) {
  double sum = view.fee() + static_cast<int>(view.status());
  for (OrderItemView item : view.items()) {
    sum += item.price() + static_cast<int>(item.status());
  }
  return sum;
}

const std::string& LoadedStoreCopy() {
  BuildStore();
  return R().floor_path;
}

void AtTeardown(std::function<void()> close) {
  R().teardown.push_back(std::move(close));
}

void Teardown() {
  Run& r = R();
  r.store.reset();
  for (auto it = r.teardown.rbegin(); it != r.teardown.rend(); ++it) (*it)();
  r.teardown.clear();
  if (!r.root.empty()) {
    std::error_code ec;
    fs::remove_all(r.root, ec);
  }
}

}  // namespace orderstore::bench
