// The row cache's admission (lib/admitting_cache.h): everything while the
// cache has room; once it is full, a record offered for the first time in
// a while is declined (and freed), one offered again is admitted; inserts
// that ask for a handle are never declined.
#include "lib/admitting_cache.h"

#include <gtest/gtest.h>
#include <rocksdb/cache.h>

#include <memory>
#include <string>

namespace orderstore {
namespace {

constexpr size_t kEntryBytes = 100;
constexpr size_t kCapacity = 64 * 1024;

class AdmittingCacheTest : public ::testing::Test {
 protected:
  static void Delete(const rocksdb::Slice&, void* value) {
    ++deleted_;
    delete static_cast<std::string*>(value);
  }

  // Offers `key` as RocksDB offers a row: no handle asked for.
  void Offer(const std::string& key) {
    ASSERT_TRUE(cache_->Insert(key, new std::string(key), kEntryBytes, &Delete)
                    .ok());
  }

  bool Holds(const std::string& key) {
    rocksdb::Cache::Handle* handle = cache_->Lookup(key);
    if (handle == nullptr) return false;
    EXPECT_EQ(*static_cast<std::string*>(cache_->Value(handle)), key);
    cache_->Release(handle);
    return true;
  }

  // Offers distinct keys until the cache has been full for a while (the
  // admission reads the cache's usage every few hundred offers).
  void Fill() {
    for (int i = 0; i < 2000; ++i) Offer("fill" + std::to_string(i));
  }

  static inline int deleted_ = 0;
  std::shared_ptr<rocksdb::Cache> target_ =
      rocksdb::NewLRUCache(kCapacity, /*num_shard_bits=*/0);
  std::shared_ptr<rocksdb::Cache> cache_ =
      internal::NewAdmittingCache(target_, kEntryBytes);
};

TEST_F(AdmittingCacheTest, AdmitsEverythingWhileThereIsRoom) {
  for (int i = 0; i < 100; ++i) Offer("key" + std::to_string(i));
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(Holds("key" + std::to_string(i)));
}

TEST_F(AdmittingCacheTest, OnceFullAdmitsARecordOnItsSecondOffer) {
  Fill();
  deleted_ = 0;
  Offer("once");
  EXPECT_FALSE(Holds("once"));
  EXPECT_EQ(deleted_, 1);  // declined, and freed at once
  Offer("once");
  EXPECT_TRUE(Holds("once"));
  // Most of the first offers of many new keys are declined.
  int held = 0;
  for (int i = 0; i < 200; ++i) {
    Offer("new" + std::to_string(i));
    held += Holds("new" + std::to_string(i));
  }
  EXPECT_LT(held, 100);
}

TEST_F(AdmittingCacheTest, InsertsThatAskForAHandleAreNeverDeclined) {
  Fill();
  rocksdb::Cache::Handle* handle = nullptr;
  ASSERT_TRUE(cache_
                  ->Insert("pinned", new std::string("pinned"), kEntryBytes,
                           &Delete, &handle)
                  .ok());
  ASSERT_NE(handle, nullptr);
  cache_->Release(handle);
  EXPECT_TRUE(Holds("pinned"));
}

TEST_F(AdmittingCacheTest, EverythingElseIsTheTargetsOwn) {
  Fill();
  EXPECT_EQ(cache_->GetCapacity(), kCapacity);
  EXPECT_EQ(cache_->GetUsage(), target_->GetUsage());
  EXPECT_LE(cache_->GetUsage(), kCapacity);
  Offer("erased");
  Offer("erased");
  ASSERT_TRUE(Holds("erased"));
  cache_->Erase("erased");
  EXPECT_FALSE(Holds("erased"));
  EXPECT_NE(cache_->NewId(), cache_->NewId());
}

}  // namespace
}  // namespace orderstore
