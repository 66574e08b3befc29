// The memory allocator of the store's block cache: where RocksDB puts each
// block it decompresses. A get that misses the caches decompresses one
// block into a buffer the size of a block, and the block cache, full in a
// store bigger than it, evicts another block of about that size to make
// room: handing the evicted block's buffer to the next decompression
// keeps the size of a block out of the allocations a get makes.
#ifndef ORDERSTORE_LIB_BLOCK_ALLOCATOR_H_
#define ORDERSTORE_LIB_BLOCK_ALLOCATOR_H_

#include <rocksdb/memory_allocator.h>

#include <memory>

namespace orderstore::internal {

// A rocksdb::MemoryAllocator that keeps freed buffers of up to 64 KiB for
// reuse, in size classes of 256 bytes, at most 64 buffers a class (at most
// 256 KiB a class for 4 KiB blocks); larger buffers, and any beyond that,
// go back to malloc. A buffer's usable size, which the block cache charges,
// is its class's size.
//
// Thread safety: every member may be called from any thread (RocksDB
// allocates on the reading thread and frees on whichever thread evicts).
std::shared_ptr<rocksdb::MemoryAllocator> NewBlockAllocator();

}  // namespace orderstore::internal

#endif  // ORDERSTORE_LIB_BLOCK_ALLOCATOR_H_
