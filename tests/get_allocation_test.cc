// A get of a hash the store does not hold allocates nothing: a daemon answers
// thousands of them a second. This binary replaces operator new to count the
// allocations the calling thread makes (RocksDB's background threads are not
// counted), so the test sees what a caller of Get and GetMany pays.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "orderstore/generate.h"
#include "orderstore/store.h"
#include "tests/test_util.h"

namespace {
thread_local uint64_t thread_allocations = 0;

void* Allocate(size_t size) {
  ++thread_allocations;
  void* p = std::malloc(size == 0 ? 1 : size);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
}  // namespace

void* operator new(size_t size) { return Allocate(size); }
void* operator new[](size_t size) { return Allocate(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }
// The nothrow forms too (std::stable_sort's temporary buffer uses them):
// every allocation this binary frees must come from the malloc above.
void* operator new(size_t size, const std::nothrow_t&) noexcept {
  ++thread_allocations;
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](size_t size, const std::nothrow_t& tag) noexcept {
  return operator new(size, tag);
}
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace orderstore {
namespace {

class GetAllocationTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    testing::StoreTest::SetUp();
    WriteBatch batch;
    for (uint64_t i = 0; i < 100; ++i) {
      ASSERT_TRUE(batch.Put(GenerateOrder(1, i)).ok());
    }
    ASSERT_TRUE(store_->Write(write_, batch).ok());
  }
};

TEST_F(GetAllocationTest, GetOfAnUnknownHashAllocatesNothing) {
  const OrderHash unknown = GenerateOrderHash(2, 0);
  // The first get may set up RocksDB's per-thread state.
  ASSERT_TRUE(store_->Get(ReadOptions(), unknown).status().IsNotFound());

  const uint64_t before = thread_allocations;
  bool not_found = false;
  {
    Result<PinnedOrder> got = store_->Get(ReadOptions(), unknown);
    not_found = got.status().IsNotFound();
  }
  const uint64_t allocations = thread_allocations - before;
  EXPECT_TRUE(not_found);
  EXPECT_EQ(allocations, 0u);

  // The message still names the hash when asked for.
  Result<PinnedOrder> got = store_->Get(ReadOptions(), unknown);
  EXPECT_EQ(got.status().message(), "order " + unknown.ToHex() + " not found");
  EXPECT_EQ(got.status().ToString(),
            "NotFound: order " + unknown.ToHex() + " not found");
}

TEST_F(GetAllocationTest, GetManyOfUnknownHashesAllocatesNothingPerHash) {
  std::vector<OrderHash> one = {GenerateOrderHash(2, 0)};
  std::vector<OrderHash> many;
  for (uint64_t i = 0; i < 16; ++i) many.push_back(GenerateOrderHash(2, i));
  (void)store_->GetMany(ReadOptions(), many);

  // The call's own vectors cost the same whatever their length.
  auto allocations_of = [&](const std::vector<OrderHash>& hashes) {
    const uint64_t before = thread_allocations;
    size_t not_found = 0;
    {
      std::vector<Result<PinnedOrder>> got =
          store_->GetMany(ReadOptions(), hashes);
      for (const auto& r : got) not_found += r.status().IsNotFound() ? 1 : 0;
    }
    EXPECT_EQ(not_found, hashes.size());
    return thread_allocations - before;
  };
  EXPECT_EQ(allocations_of(many), allocations_of(one));

  std::vector<Result<PinnedOrder>> got = store_->GetMany(ReadOptions(), many);
  EXPECT_EQ(got[3].status().message(),
            "order " + many[3].ToHex() + " not found");
}

}  // namespace
}  // namespace orderstore
