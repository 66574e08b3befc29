// Counting heap allocations in the benchmark binary: alloc_count.cc replaces
// the global operator new and malloc family, so every allocation made by the
// calling thread is counted, whoever makes it (our code, RocksDB, SQLite).
//
// Thread safety: the counter is per thread; read it from the thread whose
// allocations you want.
#ifndef ORDERSTORE_BENCH_ALLOC_COUNT_H_
#define ORDERSTORE_BENCH_ALLOC_COUNT_H_

#include <benchmark/benchmark.h>

#include <cstdint>

namespace orderstore::bench {

// Heap allocations made by this thread since it started: operator new (all
// forms), malloc, calloc, realloc (each call) and the aligned allocators.
uint64_t ThreadAllocations();
// The bytes those allocations asked for (realloc: the new size).
uint64_t ThreadAllocatedBytes();

// Sets the counters "allocs" and "allocated_bytes" of `state` to this
// thread's allocations, and the bytes they asked for, per iteration between
// its construction and its destruction: make one just before the timed
// loop.
class AllocCounter {
 public:
  explicit AllocCounter(benchmark::State& state)
      : state_(state),
        start_(ThreadAllocations()),
        start_bytes_(ThreadAllocatedBytes()) {}
  ~AllocCounter() {
    state_.counters["allocs"] = benchmark::Counter(
        static_cast<double>(ThreadAllocations() - start_),
        benchmark::Counter::kAvgIterations);
    state_.counters["allocated_bytes"] = benchmark::Counter(
        static_cast<double>(ThreadAllocatedBytes() - start_bytes_),
        benchmark::Counter::kAvgIterations);
  }
  AllocCounter(const AllocCounter&) = delete;
  AllocCounter& operator=(const AllocCounter&) = delete;

 private:
  benchmark::State& state_;
  uint64_t start_;
  uint64_t start_bytes_;
};

}  // namespace orderstore::bench

#endif  // ORDERSTORE_BENCH_ALLOC_COUNT_H_
