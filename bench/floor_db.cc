#include "bench/floor_db.h"

#include <rocksdb/options.h>

#include <algorithm>

#include "bench/dataset.h"
#include "lib/rocks_options.h"

namespace orderstore::bench {

void Check(const rocksdb::Status& s, const std::string& what) {
  if (!s.ok()) Die(what + ": " + s.ToString());
}

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

RocksDb::~RocksDb() {
  for (rocksdb::ColumnFamilyHandle* handle : handles) {
    db->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
  }
  if (db) db->Close().PermitUncheckedError();
}

RocksDb& FloorDb() {
  static RocksDb* floor = nullptr;
  if (floor == nullptr) {
    floor = OpenRocks(LoadedStoreCopy()).release();
    AtTeardown([] {
      delete floor;
      floor = nullptr;
    });
    Warm(*floor);
  }
  return *floor;
}

}  // namespace orderstore::bench
