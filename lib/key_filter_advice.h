// When a get asks the key filter before RocksDB.
//
// The filter answers an unknown hash in tens of nanoseconds instead of
// RocksDB's whole read (a row-cache miss and a bloom probe per table file,
// ~2 us), but it is a random line of a multi-megabyte array: a get of an
// order that exists pays one cold memory load for it (0.1-0.4 us on the
// machines measured) and gains nothing. RocksDB's `optimize_filters_for_hits`
// makes the same trade for its own filters, fixed at open; this one adapts
// to what the thread asks.
//
// Each thread keeps a score of what asking would have gained on its recent
// gets: a found order takes one away (the load asking costs), an unknown
// hash adds kUnknownWeight (the read asking saves). The filter is asked
// while the score is not negative. A thread whose gets all find their
// orders stops asking within kLimit gets; a few unknown hashes in a row
// start it again; a steady mix asks when about one get in kUnknownWeight or more
// is unknown, the break-even point. Skipping the filter never changes an
// answer: it only has no false negatives to avoid.
//
// The score is per thread, not per store, so that a get writes no shared
// memory; a thread that reads several stores scores their mix.
#ifndef ORDERSTORE_LIB_KEY_FILTER_ADVICE_H_
#define ORDERSTORE_LIB_KEY_FILTER_ADVICE_H_

#include <algorithm>

namespace orderstore::internal {

class KeyFilterAdvice {
 public:
  // About a RocksDB read over a row-cache miss, in cold memory loads.
  static constexpr int kUnknownWeight = 16;
  // How far the score may go either way: how many gets of one kind it
  // takes to change its mind after a long run of the other.
  static constexpr int kLimit = 4 * kUnknownWeight;

  // Whether this thread's next get should ask the key filter first.
  static bool ShouldAsk() { return score_ >= 0; }

  // Records the outcome of a get of one hash on this thread.
  static void Found() { score_ = std::max(score_ - 1, -kLimit); }
  static void Unknown() { score_ = std::min(score_ + kUnknownWeight, kLimit); }

 private:
  static inline thread_local int score_ = 0;
};

}  // namespace orderstore::internal

#endif  // ORDERSTORE_LIB_KEY_FILTER_ADVICE_H_
