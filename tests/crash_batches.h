// The batch layout shared by crash_writer and crash_test: a run starting at
// index FIRST writes [FIRST, FIRST + CrashBatchSize(FIRST)) as one atomic
// write, then the next batch from where that one ended, and so on. The test
// recomputes the layout of a killed run to check each batch is all or none.
#ifndef ORDERSTORE_TESTS_CRASH_BATCHES_H_
#define ORDERSTORE_TESTS_CRASH_BATCHES_H_

#include <cstdint>

namespace orderstore::testing {

// 1 (a single Put) to 8 orders, varying with the first index.
inline uint64_t CrashBatchSize(uint64_t first) {
  return 1 + ((first * 0x9E3779B97F4A7C15ull) >> 61);
}

}  // namespace orderstore::testing

#endif  // ORDERSTORE_TESTS_CRASH_BATCHES_H_
