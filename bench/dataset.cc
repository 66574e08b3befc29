#include "bench/dataset.h"

#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <utility>

#include "lib/record.h"
#include "lib/rocks_options.h"
#include "orderstore/generate.h"
#include "orderstore/json_export.h"

namespace orderstore::bench {
namespace {

namespace fs = std::filesystem;

// Orders per write batch, transaction or loader chunk.
constexpr uint64_t kChunk = 10'000;
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
  std::unique_ptr<RocksDb> floor, json;
  std::string jsonl;
  sqlite3* sqlite = nullptr;
  uint64_t sqlite_tables_bytes = 0;
  std::unique_ptr<Lmdb> lmdb;
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

void Check(const rocksdb::Status& s, const std::string& what) {
  if (!s.ok()) Die(what + ": " + s.ToString());
}

// Opens every column family of the RocksDB database at `path` with the
// store's options.
std::unique_ptr<RocksDb> OpenRocks(const std::string& path) {
  rocksdb::Options options = internal::RocksOptions(StoreOptions());
  std::vector<std::string> names;
  if (!rocksdb::DB::ListColumnFamilies(options, path, &names).ok()) {
    names = {rocksdb::kDefaultColumnFamilyName};
  }
  if (std::find(names.begin(), names.end(), "orders") == names.end()) {
    names.push_back("orders");
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const std::string& name : names) {
    families.emplace_back(name, internal::RocksFamilyOptions(options, name));
  }
  auto db = std::make_unique<RocksDb>();
  db->path = path;
  rocksdb::DB* raw = nullptr;
  Check(rocksdb::DB::Open(options, path, families, &db->handles, &raw),
        "open " + path);
  db->db.reset(raw);
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == "orders") db->orders = db->handles[i];
  }
  return db;
}

// Compacts every column family into its last level, so that every RocksDB
// database of the run has the settled shape of a long-running store (one
// sorted run, no overlapping files) however its load went.
void CompactRocks(const std::string& path) {
  std::unique_ptr<RocksDb> db = OpenRocks(path);
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction =
      rocksdb::BottommostLevelCompaction::kForce;
  for (rocksdb::ColumnFamilyHandle* handle : db->handles) {
    Check(db->db->CompactRange(compact, handle, nullptr, nullptr),
          "compact " + path);
  }
}

void ForEachOrder(const std::function<void(uint64_t, const Order&)>& use) {
  OrderGenerator generator(kSeed);
  for (uint64_t i = 0; i < orders(); ++i) use(i, generator.Next());
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
      if ((i + 1) % kChunk == 0 || i + 1 == orders()) {
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

void Warm(RocksDb& db) {
  rocksdb::PinnableSlice value;
  for (const OrderHash& hash : Hashes()) {
    std::string_view key = hash.AsKey();
    Check(db.db->Get(rocksdb::ReadOptions(), db.orders,
                     rocksdb::Slice(key.data(), key.size()), &value),
          "warm " + db.path);
    value.Reset();
  }
}

void BuildJson() {
  Run& r = R();
  if (r.json) return;
  std::string path = FreshDir("json");
  r.jsonl = Root() + "/orders.jsonl";
  {
    std::unique_ptr<RocksDb> db = OpenRocks(path);
    std::ofstream lines(r.jsonl, std::ios::binary);
    rocksdb::WriteBatch batch;
    std::string json;
    ForEachOrder([&](uint64_t i, const Order& order) {
      std::string record = internal::EncodeRecord(order);
      Result<OrderView> view = VerifyRecord(record);
      if (!view.ok()) Die(view.status().ToString());
      json.clear();
      AppendOrderJson(*view, &json);
      std::string_view key = order.hash.AsKey();
      Check(batch.Put(db->orders, rocksdb::Slice(key.data(), key.size()),
                      json),
            "batch");
      lines << json << '\n';
      if ((i + 1) % kChunk == 0 || i + 1 == orders()) {
        Check(db->db->Write(rocksdb::WriteOptions(), &batch), "write json");
        batch.Clear();
      }
    });
    if (!lines.flush()) Die("write " + r.jsonl);
  }
  CompactRocks(path);
  r.json = OpenRocks(path);
  Warm(*r.json);
}

int SqliteCheck(sqlite3* db, int rc, const std::string& what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    Die(what + ": " + sqlite3_errmsg(db));
  }
  return rc;
}

void BindTime(sqlite3_stmt* stmt, int first, const Timestamp& t) {
  sqlite3_bind_int64(stmt, first, t.unix_seconds);
  sqlite3_bind_int(stmt, first + 1, t.nanos);
  sqlite3_bind_int(stmt, first + 2, t.offset_minutes);
}

}  // namespace

void SetOrderCount(uint64_t n) { R().orders = n; }
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

RocksDb::~RocksDb() {
  for (rocksdb::ColumnFamilyHandle* handle : handles) {
    db->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
  }
  if (db) db->Close().PermitUncheckedError();
}

RocksDb& FloorDb() {
  Run& r = R();
  if (!r.floor) {
    BuildStore();
    r.floor = OpenRocks(r.floor_path);
    Warm(*r.floor);
  }
  return *r.floor;
}

RocksDb& JsonDb() {
  BuildJson();
  return *R().json;
}

const std::string& JsonLinesPath() {
  BuildJson();
  return R().jsonl;
}

void SqliteExec(sqlite3* db, const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    Die(std::string(sql) + ": " + (error != nullptr ? error : "?"));
  }
}

sqlite3* OpenSqlite(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) Die("open " + path);
  SqliteExec(db,
             "PRAGMA journal_mode=WAL;"
             "PRAGMA synchronous=NORMAL;"
             "PRAGMA locking_mode=EXCLUSIVE;"
             "PRAGMA cache_size=-2097152;"  // KiB: up to 2 GiB of pages
             "CREATE TABLE IF NOT EXISTS orders("
             " hash BLOB PRIMARY KEY, fee REAL, c_fee REAL,"
             " create_s INTEGER, create_ns INTEGER, create_off INTEGER,"
             " pay_s INTEGER, pay_ns INTEGER, pay_off INTEGER,"
             " cancel_s INTEGER, cancel_ns INTEGER, cancel_off INTEGER,"
             " expire_s INTEGER, expire_ns INTEGER, expire_off INTEGER,"
             " status INTEGER) WITHOUT ROWID;"
             "CREATE TABLE IF NOT EXISTS items("
             " hash BLOB, idx INTEGER, order_type TEXT, resource_type TEXT,"
             " resource_id TEXT, region TEXT, price REAL, status INTEGER,"
             " start_s INTEGER, start_ns INTEGER, start_off INTEGER,"
             " end_s INTEGER, end_ns INTEGER, end_off INTEGER,"
             " PRIMARY KEY(hash, idx)) WITHOUT ROWID;");
  return db;
}

void AddSqliteIndexes(sqlite3* db) {
  SqliteExec(db,
             "CREATE INDEX IF NOT EXISTS orders_by_created ON "
             "orders(create_s, create_ns);"
             "CREATE INDEX IF NOT EXISTS orders_by_status_created ON "
             "orders(status, create_s, create_ns);"
             "CREATE INDEX IF NOT EXISTS items_by_resource ON items(resource_id);"
             "PRAGMA wal_checkpoint(TRUNCATE);");
}

SqliteLoader::SqliteLoader(sqlite3* db) : db_(db) {
  SqliteCheck(db_,
              sqlite3_prepare_v2(db_,
                                 "INSERT INTO orders VALUES(?,?,?,?,?,?,?,?,?,"
                                 "?,?,?,?,?,?,?)",
                                 -1, &order_, nullptr),
              "prepare");
  SqliteCheck(db_,
              sqlite3_prepare_v2(db_,
                                 "INSERT INTO items VALUES(?,?,?,?,?,?,?,?,?,?,"
                                 "?,?,?,?)",
                                 -1, &item_, nullptr),
              "prepare");
}

SqliteLoader::~SqliteLoader() {
  sqlite3_finalize(order_);
  sqlite3_finalize(item_);
}

void SqliteLoader::Insert(const std::vector<Order>& batch) {
  SqliteExec(db_, "BEGIN");
  for (const Order& order : batch) {
    sqlite3_bind_blob(order_, 1, order.hash.bytes().data(), OrderHash::kSize,
                      SQLITE_STATIC);
    sqlite3_bind_double(order_, 2, order.fee);
    sqlite3_bind_double(order_, 3, order.c_fee);
    BindTime(order_, 4, order.create_time);
    BindTime(order_, 7, order.pay_time);
    BindTime(order_, 10, order.cancel_time);
    BindTime(order_, 13, order.expire_time);
    sqlite3_bind_int(order_, 16, static_cast<int>(order.status));
    SqliteCheck(db_, sqlite3_step(order_), "insert order");
    sqlite3_reset(order_);
    for (size_t i = 0; i < order.items.size(); ++i) {
      const OrderItem& item = order.items[i];
      sqlite3_bind_blob(item_, 1, order.hash.bytes().data(), OrderHash::kSize,
                        SQLITE_STATIC);
      sqlite3_bind_int(item_, 2, static_cast<int>(i));
      sqlite3_bind_text(item_, 3, item.order_type.data(),
                        static_cast<int>(item.order_type.size()),
                        SQLITE_STATIC);
      sqlite3_bind_text(item_, 4, item.resource_type.data(),
                        static_cast<int>(item.resource_type.size()),
                        SQLITE_STATIC);
      sqlite3_bind_text(item_, 5, item.resource_id.data(),
                        static_cast<int>(item.resource_id.size()),
                        SQLITE_STATIC);
      sqlite3_bind_text(item_, 6, item.region.data(),
                        static_cast<int>(item.region.size()), SQLITE_STATIC);
      sqlite3_bind_double(item_, 7, item.price);
      sqlite3_bind_int(item_, 8, static_cast<int>(item.status));
      BindTime(item_, 9, item.life_start_time);
      BindTime(item_, 12, item.life_expire_time);
      SqliteCheck(db_, sqlite3_step(item_), "insert item");
      sqlite3_reset(item_);
    }
  }
  SqliteExec(db_, "COMMIT");
}

sqlite3* SqliteDb() {
  Run& r = R();
  if (r.sqlite == nullptr) {
    const std::string dir = FreshDir("sqlite");
    sqlite3* db = OpenSqlite(dir + "/orders.db");
    {
      SqliteLoader loader(db);
      std::vector<Order> chunk;
      ForEachOrder([&](uint64_t i, const Order& order) {
        chunk.push_back(order);
        if ((i + 1) % kChunk == 0 || i + 1 == orders()) {
          loader.Insert(chunk);
          chunk.clear();
        }
      });
    }
    SqliteExec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
    r.sqlite_tables_bytes = DiskBytes(dir);
    // Reading every row once brings every page into the page cache.
    SqliteExec(db,
               "SELECT sum(fee + status) FROM orders;"
               "SELECT sum(price + status) FROM items;");
    r.sqlite = db;
  }
  return r.sqlite;
}

uint64_t SqliteTablesDiskBytes() {
  SqliteDb();
  return R().sqlite_tables_bytes;
}

Lmdb& LmdbDb() {
  Run& r = R();
  if (!r.lmdb) {
    auto lmdb = std::make_unique<Lmdb>();
    lmdb->path = FreshDir("lmdb");
    auto check = [](int rc, const char* what) {
      if (rc != 0) Die(std::string(what) + ": " + mdb_strerror(rc));
    };
    check(mdb_env_create(&lmdb->env), "mdb_env_create");
    check(mdb_env_set_mapsize(lmdb->env, std::max<size_t>(size_t{1} << 30,
                                                          orders() * 4096)),
          "mdb_env_set_mapsize");
    // Random reads of a hot file: no readahead. Loading is not what is
    // measured: no syncs until the end.
    check(mdb_env_open(lmdb->env, lmdb->path.c_str(),
                       MDB_NOSYNC | MDB_NOMETASYNC | MDB_NORDAHEAD, 0644),
          "mdb_env_open");
    MDB_txn* txn = nullptr;
    ForEachOrder([&](uint64_t i, const Order& order) {
      if (txn == nullptr) {
        check(mdb_txn_begin(lmdb->env, nullptr, 0, &txn), "mdb_txn_begin");
        if (i == 0) check(mdb_dbi_open(txn, nullptr, 0, &lmdb->dbi), "dbi");
      }
      std::string record = internal::EncodeRecord(order);
      MDB_val key{OrderHash::kSize,
                  const_cast<uint8_t*>(order.hash.bytes().data())};
      MDB_val value{record.size(), record.data()};
      check(mdb_put(txn, lmdb->dbi, &key, &value, 0), "mdb_put");
      if ((i + 1) % kChunk == 0 || i + 1 == orders()) {
        check(mdb_txn_commit(txn), "mdb_txn_commit");
        txn = nullptr;
      }
    });
    check(mdb_env_sync(lmdb->env, 1), "mdb_env_sync");
    r.lmdb = std::move(lmdb);
  }
  return *r.lmdb;
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

void Teardown() {
  Run& r = R();
  r.store.reset();
  r.floor.reset();
  r.json.reset();
  if (r.sqlite != nullptr) sqlite3_close(r.sqlite);
  r.sqlite = nullptr;
  if (r.lmdb) mdb_env_close(r.lmdb->env);
  r.lmdb.reset();
  if (!r.root.empty()) {
    std::error_code ec;
    fs::remove_all(r.root, ec);
  }
}

}  // namespace orderstore::bench
