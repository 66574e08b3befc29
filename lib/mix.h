// A 64-bit mixing function shared by the order generator and the key
// filter.
#ifndef ORDERSTORE_LIB_MIX_H_
#define ORDERSTORE_LIB_MIX_H_

#include <cstdint>

namespace orderstore::internal {

// MurmurHash3's 64-bit finalizer: a bijection on 64 bits (every step is
// invertible), so distinct inputs give distinct outputs, and each output
// bit depends on every input bit.
constexpr uint64_t Fmix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

}  // namespace orderstore::internal

#endif  // ORDERSTORE_LIB_MIX_H_
