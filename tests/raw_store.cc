#include "tests/raw_store.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <rocksdb/table_properties.h>

#include <memory>
#include <vector>

#include "lib/file_modes.h"

namespace orderstore::testing {
namespace {

// A store's RocksDB opened directly, with every column family it has.
class RawDb {
 public:
  // Opens the closed store at `path`; null (and a test failure) if RocksDB
  // refuses.
  static std::unique_ptr<RawDb> Open(const std::string& path, bool read_only) {
    auto raw = std::unique_ptr<RawDb>(new RawDb);
    rocksdb::Status s = rocksdb::DB::ListColumnFamilies({}, path, &raw->names_);
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (const std::string& name : raw->names_) {
      families.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
    // Files written here get the store's modes, as the store's own do.
    rocksdb::DBOptions options;
    options.env = internal::ModeSettingEnv(Options().file_mode);
    if (s.ok()) {
      s = read_only ? rocksdb::DB::OpenForReadOnly(options, path, families,
                                                   &raw->handles_, &raw->db_)
                    : rocksdb::DB::Open(options, path, families,
                                        &raw->handles_, &raw->db_);
    }
    EXPECT_TRUE(s.ok()) << path << ": " << s.ToString();
    return s.ok() ? std::move(raw) : nullptr;
  }

  ~RawDb() {
    for (auto* h : handles_) EXPECT_TRUE(db_->DestroyColumnFamilyHandle(h).ok());
    delete db_;
  }

  rocksdb::DB& db() { return *db_; }

  // The handle of the column family `name`; null (and a test failure) if
  // the store has none.
  rocksdb::ColumnFamilyHandle* family(const std::string& name) {
    for (size_t i = 0; i < names_.size(); ++i) {
      if (names_[i] == name) return handles_[i];
    }
    ADD_FAILURE() << "no column family " << name;
    return nullptr;
  }

 private:
  RawDb() = default;
  std::vector<std::string> names_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  rocksdb::DB* db_ = nullptr;
};

}  // namespace

void WriteRawValue(const std::string& path, const OrderHash& hash,
                   std::string_view value) {
  std::unique_ptr<RawDb> raw = RawDb::Open(path, /*read_only=*/false);
  ASSERT_NE(raw, nullptr);
  rocksdb::ColumnFamilyHandle* orders = raw->family("orders");
  ASSERT_NE(orders, nullptr);
  std::string_view key = hash.AsKey();
  rocksdb::Status put =
      raw->db().Put({}, orders, rocksdb::Slice(key.data(), key.size()),
                    rocksdb::Slice(value.data(), value.size()));
  ASSERT_TRUE(put.ok()) << put.ToString();
}

uint64_t FilterBytes(const std::string& path, const std::string& family) {
  std::unique_ptr<RawDb> raw = RawDb::Open(path, /*read_only=*/true);
  if (raw == nullptr) return 0;
  rocksdb::ColumnFamilyHandle* handle = raw->family(family);
  if (handle == nullptr) return 0;
  rocksdb::TablePropertiesCollection tables;
  rocksdb::Status read = raw->db().GetPropertiesOfAllTables(handle, &tables);
  EXPECT_TRUE(read.ok()) << read.ToString();
  uint64_t bytes = 0;
  for (const auto& [file, properties] : tables) bytes += properties->filter_size;
  return bytes;
}

}  // namespace orderstore::testing
