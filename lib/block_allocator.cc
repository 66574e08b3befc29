#include "lib/block_allocator.h"

#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>

namespace orderstore::internal {
namespace {

// Each buffer starts with a header naming its size class; the caller gets
// the bytes after it, aligned as malloc aligns.
constexpr size_t kHeader = 16;
constexpr size_t kGranule = 256;
constexpr size_t kLargest = 64 << 10;
constexpr size_t kClasses = kLargest / kGranule;
constexpr size_t kKeptPerClass = 64;
constexpr uint32_t kUnclassed = ~uint32_t{0};

// Class c holds (c + 1) * kGranule bytes.
uint32_t ClassOf(size_t size) {
  return static_cast<uint32_t>((size + kGranule - 1) / kGranule - 1);
}
size_t ClassBytes(uint32_t c) { return (size_t{c} + 1) * kGranule; }

uint32_t ClassOfBuffer(const void* p) {
  uint32_t c;
  std::memcpy(&c, static_cast<const char*>(p) - kHeader, sizeof c);
  return c;
}

struct FreeList {
  std::mutex mu;
  size_t count = 0;
  std::array<void*, kKeptPerClass> buffers;  // [0, count) are free
};

class BlockAllocator final : public rocksdb::MemoryAllocator {
 public:
  ~BlockAllocator() override {
    for (FreeList& list : lists_) {
      for (size_t i = 0; i < list.count; ++i) std::free(list.buffers[i]);
    }
  }

  const char* Name() const override { return "OrderstoreBlockAllocator"; }

  void* Allocate(size_t size) override {
    if (size == 0 || size > kLargest) return Fresh(size, kUnclassed);
    const uint32_t c = ClassOf(size);
    FreeList& list = lists_[c];
    {
      std::lock_guard<std::mutex> lock(list.mu);
      if (list.count > 0) {
        return static_cast<char*>(list.buffers[--list.count]) + kHeader;
      }
    }
    return Fresh(ClassBytes(c), c);
  }

  void Deallocate(void* p) override {
    if (p == nullptr) return;
    void* start = static_cast<char*>(p) - kHeader;
    const uint32_t c = ClassOfBuffer(p);
    if (c != kUnclassed) {
      FreeList& list = lists_[c];
      std::lock_guard<std::mutex> lock(list.mu);
      if (list.count < kKeptPerClass) {
        list.buffers[list.count++] = start;
        return;
      }
    }
    std::free(start);
  }

  size_t UsableSize(void* p, size_t allocation_size) const override {
    const uint32_t c = ClassOfBuffer(p);
    return c == kUnclassed ? allocation_size : ClassBytes(c);
  }

 private:
  // A new buffer of `bytes` for class `c`. RocksDB's own allocation of a
  // block (new char[]) throws when memory runs out: so does this.
  static void* Fresh(size_t bytes, uint32_t c) {
    void* start = std::malloc(kHeader + bytes);
    if (start == nullptr) throw std::bad_alloc();
    std::memcpy(start, &c, sizeof c);
    return static_cast<char*>(start) + kHeader;
  }

  std::array<FreeList, kClasses> lists_;
};

}  // namespace

std::shared_ptr<rocksdb::MemoryAllocator> NewBlockAllocator() {
  return std::make_shared<BlockAllocator>();
}

}  // namespace orderstore::internal
