#include "bench/big_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <vector>

#include "bench/floor_db.h"
#include "bench/sqlite_db.h"
#include "lib/rocks_options.h"

namespace orderstore::bench {
namespace {

namespace fs = std::filesystem;

// The share of the records' bytes the caches hold: a store of millions of
// orders beside the default caches' few hundred MiB.
constexpr uint64_t kCachePercent = 5;

struct BigRun {
  std::unique_ptr<Store> store, block_cache_only;
  std::unique_ptr<RocksDb> floor;
  sqlite3* sqlite = nullptr;
  std::string cold_store, cold_floor;
  ~BigRun() {
    if (sqlite != nullptr) sqlite3_close(sqlite);
  }
};

BigRun& B() {
  static BigRun* run = nullptr;
  if (run == nullptr) {
    run = new BigRun;
    AtTeardown([] {
      delete run;
      run = nullptr;
    });
  }
  return *run;
}

template <typename Use>
void ForEachFile(const std::string& path, Use use) {
  std::error_code ec;
  std::vector<fs::path> files;
  if (fs::is_regular_file(path, ec)) files.push_back(path);
  for (const auto& entry : fs::recursive_directory_iterator(path, ec)) {
    if (entry.is_regular_file(ec)) files.push_back(entry.path());
  }
  for (const fs::path& file : files) {
    const int fd = open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;  // removed meanwhile (RocksDB's own log files)
    use(fd);
    close(fd);
  }
}

}  // namespace

uint64_t BigCacheBytes() { return RecordBytes() * kCachePercent / 100; }

Options BigStoreOptions() {
  Options options;
  const double budget = static_cast<double>(BigCacheBytes());
  const double row_share =
      static_cast<double>(options.row_cache_bytes) /
      static_cast<double>(options.row_cache_bytes + options.block_cache_bytes);
  options.row_cache_bytes = static_cast<size_t>(budget * row_share);
  options.block_cache_bytes =
      static_cast<size_t>(budget) - options.row_cache_bytes;
  return options;
}

// Opens a copy of the store's files at `name` with `options`, its key
// filter built.
std::unique_ptr<Store> OpenCopy(const Options& options,
                                const std::string& name) {
  Result<std::unique_ptr<Store>> store =
      Store::Open(options, CopyOfStore(name));
  if (!store.ok()) Die(store.status().ToString());
  Status waited = (*store)->WaitForBackgroundWork(std::chrono::minutes(10));
  if (!waited.ok()) Die("the key filter was not built: " + waited.ToString());
  return std::move(*store);
}

Store& BigStore() {
  BigRun& b = B();
  if (!b.store) {
    b.store = OpenCopy(BigStoreOptions(), "big");
    std::fprintf(stderr, "big store: caches %.1f MiB (row %.1f, block %.1f)\n",
                 static_cast<double>(BigCacheBytes()) / (1 << 20),
                 static_cast<double>(BigStoreOptions().row_cache_bytes) /
                     (1 << 20),
                 static_cast<double>(BigStoreOptions().block_cache_bytes) /
                     (1 << 20));
  }
  return *b.store;
}

Store& BigStoreBlockCacheOnly() {
  BigRun& b = B();
  if (!b.block_cache_only) {
    Options options = BigStoreOptions();
    options.block_cache_bytes += options.row_cache_bytes;
    options.row_cache_bytes = 0;
    b.block_cache_only = OpenCopy(options, "big_block_cache");
  }
  return *b.block_cache_only;
}

RocksDb& BigFloorDb() {
  BigRun& b = B();
  if (!b.floor) {
    b.floor = OpenRocks(CopyOfStore("big_floor"),
                        internal::RocksOptions(BigStoreOptions()));
  }
  return *b.floor;
}

sqlite3* BigSqliteDb() {
  BigRun& b = B();
  if (b.sqlite == nullptr) {
    sqlite3* db = SqliteDb();
    AddSqliteIndexes(db);  // checkpoints: the database file is whole
    const std::string dir = FreshDir("big_sqlite");
    fs::copy_file(sqlite3_db_filename(db, "main"), dir + "/orders.db");
    b.sqlite = OpenSqlite(dir + "/orders.db");
    const std::string cache = "PRAGMA cache_size=-" +
                              std::to_string(BigCacheBytes() >> 10) + ";";
    SqliteExec(b.sqlite, cache.c_str());
  }
  return b.sqlite;
}

const std::string& ColdStorePath() {
  BigRun& b = B();
  if (b.cold_store.empty()) b.cold_store = CopyOfStore("big_cold");
  return b.cold_store;
}

const std::string& ColdFloorPath() {
  BigRun& b = B();
  if (b.cold_floor.empty()) b.cold_floor = CopyOfStore("big_floor_cold");
  return b.cold_floor;
}

void WarmPageCache(const std::string& path) {
  std::vector<char> buffer(1 << 20);
  ForEachFile(path, [&](int fd) {
    while (read(fd, buffer.data(), buffer.size()) > 0) {
    }
  });
}

void DropPageCache(const std::string& path) {
  ForEachFile(path, [](int fd) {
    fdatasync(fd);
    posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  });
}

}  // namespace orderstore::bench
