// The secondary indexes: which index entries an order derives, and how
// their keys are laid out. Every index lives in its own column family, and
// its entries are written in the same atomic batch as the order.
//
// Key layouts (all values are empty):
//   created:         time(12) hash(16)
//   status_created:  status(1) time(12) hash(16)
//   resource:        length(4, big-endian) resource_id hash(16)
// time(12) is the create_time instant: seconds (8 bytes, big-endian, sign
// bit flipped so that negative seconds sort first) then nanos (4 bytes,
// big-endian), so byte order is time order.
#ifndef ORDERSTORE_LIB_INDEX_H_
#define ORDERSTORE_LIB_INDEX_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "orderstore/order.h"
#include "orderstore/order_view.h"

namespace orderstore::internal {

enum class Index : uint8_t { kCreated = 0, kStatusCreated = 1, kResource = 2 };
inline constexpr int kIndexCount = 3;

// The column family name of each index.
inline constexpr std::array<const char*, kIndexCount> kIndexFamilies = {
    "idx_created", "idx_status_created", "idx_resource"};

inline const char* FamilyName(Index index) {
  return kIndexFamilies[static_cast<size_t>(index)];
}

constexpr size_t kTimeKeySize = 12;

struct IndexEntry {
  Index index;
  std::string key;
  friend bool operator==(const IndexEntry&, const IndexEntry&) = default;
};

// Appends the 12-byte sortable form of `t`'s instant.
void AppendTimeKey(const Timestamp& t, std::string* out);

// Every index entry `order` derives (a resource touched by several items
// gives one entry).
std::vector<IndexEntry> IndexEntriesOf(OrderView order);

// Whether `order` derives the entry `key` of `index` (the same as finding
// it among IndexEntriesOf(order), without building them: queries ask this
// for every order they yield).
bool Derives(OrderView order, Index index, std::string_view key);

// The key prefix of the resource index for `resource_id`.
std::string ResourcePrefix(std::string_view resource_id);

}  // namespace orderstore::internal

#endif  // ORDERSTORE_LIB_INDEX_H_
