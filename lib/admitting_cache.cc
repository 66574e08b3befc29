// The row cache's admission (see admitting_cache.h).
#include "lib/admitting_cache.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstdint>
#include <functional>
#include <string_view>
#include <utility>
#include <vector>

namespace orderstore::internal {
namespace {

class AdmittingCache final : public rocksdb::Cache {
 public:
  AdmittingCache(std::shared_ptr<rocksdb::Cache> target, size_t entry_bytes)
      : target_(std::move(target)),
        window_(std::max<size_t>(target_->GetCapacity() / entry_bytes, 64)),
        // About four bits a record of the window: a record never read
        // before is taken for one read within it a quarter of the time at
        // most (just before the window closes), less on average.
        bits_(std::bit_ceil(4 * window_) / 64),
        mask_(bits_.size() * 64 - 1) {}

  const char* Name() const override { return "orderstore.AdmittingCache"; }

  rocksdb::Status Insert(const rocksdb::Slice& key, void* value, size_t charge,
                         DeleterFn deleter, Handle** handle,
                         Priority priority) override {
    // Only the row cache's offers (no handle asked for) may be declined.
    if (handle == nullptr && Full() && !ReadBefore(key)) {
      if (deleter != nullptr) deleter(key, value);
      return rocksdb::Status::OK();
    }
    return target_->Insert(key, value, charge, deleter, handle, priority);
  }

  Handle* Lookup(const rocksdb::Slice& key,
                 rocksdb::Statistics* stats) override {
    return target_->Lookup(key, stats);
  }
  bool Ref(Handle* handle) override { return target_->Ref(handle); }
  bool Release(Handle* handle, bool erase_if_last_ref) override {
    return target_->Release(handle, erase_if_last_ref);
  }
  void* Value(Handle* handle) override { return target_->Value(handle); }
  void Erase(const rocksdb::Slice& key) override { target_->Erase(key); }
  uint64_t NewId() override { return target_->NewId(); }
  void SetCapacity(size_t capacity) override { target_->SetCapacity(capacity); }
  void SetStrictCapacityLimit(bool strict) override {
    target_->SetStrictCapacityLimit(strict);
  }
  bool HasStrictCapacityLimit() const override {
    return target_->HasStrictCapacityLimit();
  }
  size_t GetCapacity() const override { return target_->GetCapacity(); }
  size_t GetUsage() const override { return target_->GetUsage(); }
  size_t GetOccupancyCount() const override {
    return target_->GetOccupancyCount();
  }
  size_t GetTableAddressCount() const override {
    return target_->GetTableAddressCount();
  }
  size_t GetUsage(Handle* handle) const override {
    return target_->GetUsage(handle);
  }
  size_t GetPinnedUsage() const override { return target_->GetPinnedUsage(); }
  size_t GetCharge(Handle* handle) const override {
    return target_->GetCharge(handle);
  }
  DeleterFn GetDeleter(Handle* handle) const override {
    return target_->GetDeleter(handle);
  }
  void DisownData() override { target_->DisownData(); }
  void ApplyToAllEntries(
      const std::function<void(const rocksdb::Slice& key, void* value,
                               size_t charge, DeleterFn deleter)>& callback,
      const ApplyToAllEntriesOptions& opts) override {
    target_->ApplyToAllEntries(callback, opts);
  }
  void EraseUnRefEntries() override { target_->EraseUnRefEntries(); }
  std::string GetPrintableOptions() const override {
    return target_->GetPrintableOptions();
  }

 private:
  // Whether the target is about full. Its usage is a sum over its shards,
  // each under its lock, so it is asked once every kUsageEvery offers.
  bool Full() {
    static constexpr uint32_t kUsageEvery = 256;
    if (offers_.fetch_add(1, std::memory_order_relaxed) % kUsageEvery == 0) {
      const size_t capacity = target_->GetCapacity();
      // Full when less than 1/64 is free: an LRU cache stays just under
      // its capacity once it evicts.
      full_.store(target_->GetUsage() + capacity / 64 >= capacity,
                  std::memory_order_relaxed);
    }
    return full_.load(std::memory_order_relaxed);
  }

  // Whether `key` was offered since the window's bits were last cleared;
  // marks it offered. Races between threads can lose a mark or clear one
  // early: an admission decided on a guess either way, never an answer.
  bool ReadBefore(const rocksdb::Slice& key) {
    const uint64_t hash =
        std::hash<std::string_view>()(std::string_view(key.data(), key.size()));
    const uint64_t bit = hash & mask_;
    std::atomic<uint64_t>& word = bits_[bit / 64];
    const uint64_t mask = uint64_t{1} << (bit % 64);
    if ((word.load(std::memory_order_relaxed) & mask) != 0) return true;
    word.fetch_or(mask, std::memory_order_relaxed);
    if (marks_.fetch_add(1, std::memory_order_relaxed) + 1 == window_) {
      for (std::atomic<uint64_t>& w : bits_) w.store(0, std::memory_order_relaxed);
      marks_.store(0, std::memory_order_relaxed);
    }
    return false;
  }

  const std::shared_ptr<rocksdb::Cache> target_;
  const size_t window_;  // records the target holds, about
  std::vector<std::atomic<uint64_t>> bits_;
  const uint64_t mask_;
  std::atomic<uint32_t> offers_{0};
  std::atomic<bool> full_{false};
  std::atomic<size_t> marks_{0};
};

}  // namespace

std::shared_ptr<rocksdb::Cache> NewAdmittingCache(
    std::shared_ptr<rocksdb::Cache> target, size_t entry_bytes) {
  return std::make_shared<AdmittingCache>(std::move(target), entry_bytes);
}

}  // namespace orderstore::internal
