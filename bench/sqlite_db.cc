#include "bench/sqlite_db.h"

#include <string>
#include <vector>

#include "bench/dataset.h"

namespace orderstore::bench {
namespace {

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

namespace {

struct Sqlite {
  sqlite3* db = nullptr;
  uint64_t tables_bytes = 0;
};

Sqlite& LoadedSqlite() {
  static Sqlite sqlite;
  if (sqlite.db == nullptr) {
    const std::string dir = FreshDir("sqlite");
    sqlite3* db = OpenSqlite(dir + "/orders.db");
    {
      SqliteLoader loader(db);
      std::vector<Order> chunk;
      ForEachOrder([&](uint64_t i, const Order& order) {
        chunk.push_back(order);
        if ((i + 1) % kLoadChunk == 0 || i + 1 == orders()) {
          loader.Insert(chunk);
          chunk.clear();
        }
      });
    }
    SqliteExec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
    sqlite.tables_bytes = DiskBytes(dir);
    // Reading every row once brings every page into the page cache.
    SqliteExec(db,
               "SELECT sum(fee + status) FROM orders;"
               "SELECT sum(price + status) FROM items;");
    sqlite.db = db;
    AtTeardown([] {
      sqlite3_close(sqlite.db);
      sqlite.db = nullptr;
    });
  }
  return sqlite;
}

}  // namespace

sqlite3* SqliteDb() { return LoadedSqlite().db; }

uint64_t SqliteTablesDiskBytes() { return LoadedSqlite().tables_bytes; }

}  // namespace orderstore::bench
