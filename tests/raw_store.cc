#include "tests/raw_store.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <rocksdb/table_properties.h>

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

uint64_t FilterBytes(const std::string& path, const std::string& family) {
  std::vector<std::string> names;
  EXPECT_TRUE(rocksdb::DB::ListColumnFamilies({}, path, &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  size_t wanted = names.size();
  for (size_t i = 0; i < names.size(); ++i) {
    families.emplace_back(names[i], rocksdb::ColumnFamilyOptions());
    if (names[i] == family) wanted = i;
  }
  EXPECT_LT(wanted, names.size()) << "no column family " << family << " in " << path;
  if (wanted == names.size()) return 0;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  rocksdb::Status opened = rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), path,
                                                        families, &handles, &db);
  EXPECT_TRUE(opened.ok()) << opened.ToString();
  if (!opened.ok()) return 0;
  rocksdb::TablePropertiesCollection tables;
  rocksdb::Status read = db->GetPropertiesOfAllTables(handles[wanted], &tables);
  EXPECT_TRUE(read.ok()) << read.ToString();
  uint64_t bytes = 0;
  for (const auto& [file, properties] : tables) bytes += properties->filter_size;
  for (auto* h : handles) EXPECT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
  delete db;
  return bytes;
}

}  // namespace orderstore::testing
