// The record layouts tried for a store bigger than its caches
// (layout_bench.cc): registered only when asked for, since each rewrites a
// copy of the whole store.
#ifndef ORDERSTORE_BENCH_LAYOUT_BENCH_H_
#define ORDERSTORE_BENCH_LAYOUT_BENCH_H_

namespace orderstore::bench {

// Registers BM_BigLayout/<layout> for every layout tried.
void RegisterLayoutBenchmarks();

}  // namespace orderstore::bench

#endif  // ORDERSTORE_BENCH_LAYOUT_BENCH_H_
