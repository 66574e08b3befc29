// Writing into a store behind the library's back, to damage it on purpose.
#ifndef ORDERSTORE_TESTS_RAW_STORE_H_
#define ORDERSTORE_TESTS_RAW_STORE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "orderstore/order.h"

namespace orderstore::testing {

// Stores `value` as the record of `hash` in the closed store at `path`,
// through RocksDB directly (no verification, no index update). The test
// fails if RocksDB refuses.
void WriteRawValue(const std::string& path, const OrderHash& hash,
                   std::string_view value);

// The bytes of bloom filter in the table files of column family `family`
// of the closed store at `path` (0 if it has no table files). The test
// fails if RocksDB cannot read them.
uint64_t FilterBytes(const std::string& path, const std::string& family);

}  // namespace orderstore::testing

#endif  // ORDERSTORE_TESTS_RAW_STORE_H_
