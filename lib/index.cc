#include "lib/index.h"

#include <algorithm>

namespace orderstore::internal {
namespace {

void AppendBigEndian(uint64_t value, int bytes, std::string* out) {
  for (int shift = 8 * (bytes - 1); shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>(value >> shift & 0xff));
  }
}

}  // namespace

void AppendTimeKey(const Timestamp& t, std::string* out) {
  AppendBigEndian(static_cast<uint64_t>(t.unix_seconds) ^ (uint64_t{1} << 63), 8,
                  out);
  AppendBigEndian(static_cast<uint32_t>(t.nanos), 4, out);
}

std::string ResourcePrefix(std::string_view resource_id) {
  std::string prefix;
  AppendBigEndian(resource_id.size(), 4, &prefix);
  prefix.append(resource_id);
  return prefix;
}

std::vector<IndexEntry> IndexEntriesOf(OrderView order) {
  const OrderHash order_hash = order.hash();
  const std::string_view hash = order_hash.AsKey();
  std::string time;
  AppendTimeKey(order.create_time(), &time);

  std::vector<IndexEntry> entries;
  entries.reserve(2 + order.items().size());
  entries.push_back({Index::kCreated, time + std::string(hash)});
  std::string by_status(1, static_cast<char>(order.status()));
  by_status += time;
  by_status += hash;
  entries.push_back({Index::kStatusCreated, std::move(by_status)});

  std::vector<std::string_view> resources;
  for (OrderItemView item : order.items()) resources.push_back(item.resource_id());
  std::sort(resources.begin(), resources.end());
  resources.erase(std::unique(resources.begin(), resources.end()),
                  resources.end());
  for (std::string_view resource : resources) {
    entries.push_back({Index::kResource, ResourcePrefix(resource) + std::string(hash)});
  }
  return entries;
}

bool Derives(OrderView order, Index index, std::string_view key) {
  const OrderHash hash = order.hash();
  if (key.size() < OrderHash::kSize ||
      key.substr(key.size() - OrderHash::kSize) != hash.AsKey()) {
    return false;
  }
  std::string_view rest = key.substr(0, key.size() - OrderHash::kSize);
  switch (index) {
    case Index::kStatusCreated:
      if (rest.empty() || rest[0] != static_cast<char>(order.status())) {
        return false;
      }
      rest.remove_prefix(1);
      [[fallthrough]];
    case Index::kCreated: {
      std::string time;
      time.reserve(kTimeKeySize);  // fits the small-string buffer: no allocation
      AppendTimeKey(order.create_time(), &time);
      return rest == time;
    }
    case Index::kResource: {
      // rest = length (4 bytes, big-endian) + resource_id
      if (rest.size() < 4) return false;
      const std::string_view id = rest.substr(4);
      uint32_t length = 0;
      for (int i = 0; i < 4; ++i) length = length << 8 | static_cast<uint8_t>(rest[i]);
      if (length != id.size()) return false;
      for (OrderItemView item : order.items()) {
        if (item.resource_id() == id) return true;
      }
      return false;
    }
  }
  return false;
}

}  // namespace orderstore::internal
