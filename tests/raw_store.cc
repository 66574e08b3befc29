#include "tests/raw_store.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <vector>

namespace orderstore::testing {

void WriteRawValue(const std::string& path, const OrderHash& hash,
                   std::string_view value) {
  std::vector<std::string> names;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies({}, path, &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  size_t orders = names.size();
  for (size_t i = 0; i < names.size(); ++i) {
    families.emplace_back(names[i], rocksdb::ColumnFamilyOptions());
    if (names[i] == "orders") orders = i;
  }
  ASSERT_LT(orders, names.size()) << "no orders column family in " << path;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  ASSERT_TRUE(
      rocksdb::DB::Open(rocksdb::DBOptions(), path, families, &handles, &db).ok());
  std::string_view key = hash.AsKey();
  rocksdb::Status put =
      db->Put({}, handles[orders], rocksdb::Slice(key.data(), key.size()),
              rocksdb::Slice(value.data(), value.size()));
  for (auto* h : handles) EXPECT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
  delete db;
  ASSERT_TRUE(put.ok()) << put.ToString();
}

}  // namespace orderstore::testing
