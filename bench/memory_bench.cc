// What one memory access costs on this machine, in the same run as the
// store's figures: a chain of dependent loads, one per cache line, visiting
// every line of a region in random order. A get that reads its record pays
// such a load where the floor (which does not touch the value) does not, and
// so does the key filter's probe; docs/benchmarks.md uses these figures to say
// where a get's time goes.
#include <benchmark/benchmark.h>
#include <sys/mman.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <numeric>
#include <random>
#include <vector>

namespace orderstore::bench {
namespace {

constexpr size_t kLine = 64;
constexpr size_t kHugePage = 2 << 20;

// Args: the region's size in MiB, and whether it asks for transparent huge
// pages (2 MiB) instead of the normal 4 KiB ones.
void BM_MemoryDependentLoad(benchmark::State& state) {
  const size_t bytes = static_cast<size_t>(state.range(0)) << 20;
  const bool huge = state.range(1) != 0;
  void* memory = nullptr;
  if (posix_memalign(&memory, kHugePage, bytes) != 0) {
    state.SkipWithError("out of memory");
    return;
  }
  if (huge) madvise(memory, bytes, MADV_HUGEPAGE);
  char* base = static_cast<char*>(memory);
  // One cycle through every line, in a fixed random order.
  const size_t lines = bytes / kLine;
  std::vector<uint32_t> order(lines);
  std::iota(order.begin(), order.end(), 0u);
  std::shuffle(order.begin(), order.end(), std::mt19937_64(20200916));
  for (size_t i = 0; i < lines; ++i) {
    char* next = base + size_t{order[(i + 1) % lines]} * kLine;
    std::memcpy(base + size_t{order[i]} * kLine, &next, sizeof next);
  }
  char* p = base + size_t{order[0]} * kLine;
  for (auto _ : state) {
    std::memcpy(&p, p, sizeof p);  // one load, whose address is the last's
    benchmark::DoNotOptimize(p);
  }
  std::free(memory);
}
BENCHMARK(BM_MemoryDependentLoad)
    ->Args({2, 0})      // about the L2 cache
    ->Args({16, 0})     // within L3
    ->Args({512, 0})    // a row cache's worth: cache and TLB misses
    ->Args({512, 1});   // the same on huge pages: cache misses only

}  // namespace
}  // namespace orderstore::bench
