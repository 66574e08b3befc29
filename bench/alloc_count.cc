// Replaces the global allocation functions of the benchmark binary with
// counting ones that forward to glibc. Defining malloc and friends in the
// executable interposes them for every shared library too (RocksDB, SQLite),
// so "allocations per get" covers all of them; the benchmarks tell ours and
// RocksDB's apart by measuring the bare RocksDB path the same way.
#include "bench/alloc_count.h"

#include <cstddef>
#include <cstdlib>
#include <new>

extern "C" {
void* __libc_malloc(size_t size);
void* __libc_calloc(size_t count, size_t size);
void* __libc_realloc(void* p, size_t size);
void* __libc_memalign(size_t alignment, size_t size);
void __libc_free(void* p);
}

namespace {

// initial-exec: the counter lives in the executable's static TLS block, so
// touching it never allocates (which would recurse into malloc).
__attribute__((tls_model("initial-exec"))) thread_local uint64_t
    allocations = 0;
__attribute__((tls_model("initial-exec"))) thread_local uint64_t
    allocated_bytes = 0;

void* Allocate(size_t size) {
  ++allocations;
  allocated_bytes += size;
  return __libc_malloc(size == 0 ? 1 : size);
}

void* AllocateAligned(size_t size, std::align_val_t alignment) {
  ++allocations;
  allocated_bytes += size;
  return __libc_memalign(static_cast<size_t>(alignment), size == 0 ? 1 : size);
}

void* AllocateOrThrow(size_t size) {
  void* p = Allocate(size);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

void* AllocateAlignedOrThrow(size_t size, std::align_val_t alignment) {
  void* p = AllocateAligned(size, alignment);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

}  // namespace

namespace orderstore::bench {
uint64_t ThreadAllocations() { return allocations; }
uint64_t ThreadAllocatedBytes() { return allocated_bytes; }
}  // namespace orderstore::bench

extern "C" {
void* malloc(size_t size) {
  ++allocations;
  allocated_bytes += size;
  return __libc_malloc(size);
}
void* calloc(size_t count, size_t size) {
  ++allocations;
  allocated_bytes += count * size;
  return __libc_calloc(count, size);
}
void* realloc(void* p, size_t size) {
  ++allocations;
  allocated_bytes += size;
  return __libc_realloc(p, size);
}
void free(void* p) { __libc_free(p); }
void* memalign(size_t alignment, size_t size) {
  ++allocations;
  allocated_bytes += size;
  return __libc_memalign(alignment, size);
}
void* aligned_alloc(size_t alignment, size_t size) {
  ++allocations;
  allocated_bytes += size;
  return __libc_memalign(alignment, size);
}
int posix_memalign(void** out, size_t alignment, size_t size) {
  ++allocations;
  allocated_bytes += size;
  void* p = __libc_memalign(alignment, size);
  if (p == nullptr) return 12;  // ENOMEM
  *out = p;
  return 0;
}
}

void* operator new(size_t size) { return AllocateOrThrow(size); }
void* operator new[](size_t size) { return AllocateOrThrow(size); }
void* operator new(size_t size, const std::nothrow_t&) noexcept {
  return Allocate(size);
}
void* operator new[](size_t size, const std::nothrow_t&) noexcept {
  return Allocate(size);
}
void* operator new(size_t size, std::align_val_t alignment) {
  return AllocateAlignedOrThrow(size, alignment);
}
void* operator new[](size_t size, std::align_val_t alignment) {
  return AllocateAlignedOrThrow(size, alignment);
}
void* operator new(size_t size, std::align_val_t alignment,
                   const std::nothrow_t&) noexcept {
  return AllocateAligned(size, alignment);
}
void* operator new[](size_t size, std::align_val_t alignment,
                     const std::nothrow_t&) noexcept {
  return AllocateAligned(size, alignment);
}

void operator delete(void* p) noexcept { __libc_free(p); }
void operator delete[](void* p) noexcept { __libc_free(p); }
void operator delete(void* p, size_t) noexcept { __libc_free(p); }
void operator delete[](void* p, size_t) noexcept { __libc_free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept {
  __libc_free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  __libc_free(p);
}
void operator delete(void* p, std::align_val_t) noexcept { __libc_free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { __libc_free(p); }
void operator delete(void* p, size_t, std::align_val_t) noexcept {
  __libc_free(p);
}
void operator delete[](void* p, size_t, std::align_val_t) noexcept {
  __libc_free(p);
}
void operator delete(void* p, std::align_val_t,
                     const std::nothrow_t&) noexcept {
  __libc_free(p);
}
void operator delete[](void* p, std::align_val_t,
                       const std::nothrow_t&) noexcept {
  __libc_free(p);
}
