// Aggregate figures over a store (see stats.h).
#include "orderstore/stats.h"

#include <cmath>
#include <filesystem>
#include <memory>

#include "orderstore/store.h"

namespace orderstore {
namespace {

// Neumaier's variant of Kahan summation: adds x to *sum, keeping the
// rounding error in *error.
void CompensatedAdd(double x, double* sum, double* error) {
  const double t = *sum + x;
  if (std::abs(*sum) >= std::abs(x)) {
    *error += (*sum - t) + x;
  } else {
    *error += (x - t) + *sum;
  }
  *sum = t;
}

uint64_t DirectoryBytes(const std::string& path) {
  uint64_t total = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(path, ec);
       !ec && it != std::filesystem::recursive_directory_iterator();
       it.increment(ec)) {
    std::error_code size_ec;
    // A file the writer deletes during the walk (an old log, a compacted
    // table) simply no longer counts.
    if (it->is_regular_file(size_ec)) {
      uint64_t size = it->file_size(size_ec);
      if (!size_ec) total += size;
    }
  }
  return total;
}

}  // namespace

void StoreStats::Add(OrderView order) {
  ++orders;
  ++by_status[static_cast<size_t>(order.status())];
  for (OrderItemView item : order.items()) {
    ++items;
    ++by_item_status[static_cast<size_t>(item.status())];
  }
  CompensatedAdd(order.fee(), &fee_sum_, &fee_error_);
  CompensatedAdd(order.c_fee(), &c_fee_sum_, &c_fee_error_);
  fee_total = fee_sum_ + fee_error_;
  c_fee_total = c_fee_sum_ + c_fee_error_;
  const Timestamp created = order.create_time();
  if (!created.is_set()) {
    ++created_unset;
    return;
  }
  if (!created_min || InstantBefore(created, *created_min)) {
    created_min = created;
  }
  if (!created_max || InstantBefore(*created_max, created)) {
    created_max = created;
  }
}

Result<StoreStats> ComputeStats(const Store& store) {
  StoreStats stats;
  ReadOptions options;
  options.fill_cache = false;
  std::unique_ptr<Iterator> it = store.NewIterator(options);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    Result<OrderView> view = it->view();
    if (view.ok()) {
      stats.Add(*view);
    } else {
      ++stats.corrupt;
    }
  }
  Status s = it->status();
  if (!s.ok()) return s;
  stats.bytes_on_disk = DirectoryBytes(store.path());
  return stats;
}

}  // namespace orderstore
