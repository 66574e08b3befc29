// Verification of what a store holds: each record against its key, and
// the indexes against the orders (Store::CheckIndexes).
#include <rocksdb/db.h>

#include <algorithm>
#include <array>
#include <functional>
#include <memory>
#include <string>

#include "lib/index.h"
#include "lib/record.h"
#include "lib/store_impl.h"
#include "lib/text.h"
#include "orderstore/store.h"

namespace orderstore {

using internal::AsView;
using internal::CheckQueryable;
using internal::Derives;
using internal::FamilyName;
using internal::FromRocks;
using internal::Index;
using internal::KeyOf;

namespace internal {

// Verifies a stored value and that it holds the order its key names, so a
// record can never be handed out under another order's hash.
Result<OrderView> VerifyStored(const OrderHash& key, std::string_view value) {
  Result<OrderView> view = VerifyRecord(value);
  if (!view.ok()) {
    return view.status().WithContext("order " + key.ToHex());
  }
  if (view->hash() != key) {
    return Status::Corruption("order " + key.ToHex() + ": record holds order " +
                              view->hash().ToHex());
  }
  return view;
}

}  // namespace internal

Result<size_t> Store::CheckIndexes(
    const std::function<void(const Status&)>& problem) const {
  for (size_t i = 0; i < internal::kIndexCount; ++i) {
    Status s = CheckQueryable(*impl_, static_cast<Index>(i));
    if (!s.ok()) return s;
  }
  std::shared_ptr<const Snapshot> snapshot = GetSnapshot();
  rocksdb::ReadOptions read;
  read.snapshot = snapshot->rep();
  read.fill_cache = false;

  // Every order has the entries it derives.
  size_t checked = 0;
  std::unique_ptr<rocksdb::Iterator> orders(
      impl_->db->NewIterator(read, impl_->orders));
  rocksdb::PinnableSlice found;
  for (orders->SeekToFirst(); orders->Valid(); orders->Next()) {
    ++checked;
    std::array<uint8_t, OrderHash::kSize> bytes{};
    rocksdb::Slice key = orders->key();
    std::copy_n(key.data(), std::min(key.size(), bytes.size()), bytes.begin());
    OrderHash hash(bytes);
    Result<OrderView> view = internal::VerifyStored(hash, AsView(orders->value()));
    if (!view.ok()) continue;  // a damaged record is verify's to report
    for (const internal::IndexEntry& e : internal::IndexEntriesOf(*view)) {
      found.Reset();
      rocksdb::Status got = impl_->db->Get(read, impl_->family(e.index),
                                           rocksdb::Slice(e.key), &found);
      if (got.IsNotFound()) {
        problem(Status::Corruption("order " + hash.ToHex() + ": no entry in " +
                                   FamilyName(e.index)));
      } else if (!got.ok()) {
        return FromRocks(got, FamilyName(e.index));
      }
    }
  }
  Status s = FromRocks(orders->status(), "orders");
  if (!s.ok()) return s;

  // Every entry points at an order that derives it.
  for (size_t i = 0; i < internal::kIndexCount; ++i) {
    const Index index = static_cast<Index>(i);
    std::unique_ptr<rocksdb::Iterator> entries(
        impl_->db->NewIterator(read, impl_->family(index)));
    for (entries->SeekToFirst(); entries->Valid(); entries->Next()) {
      std::string_view key = AsView(entries->key());
      if (key.size() < OrderHash::kSize) {
        problem(Status::Corruption(std::string(FamilyName(index)) +
                                   ": malformed key " + internal::EncodeHex(key)));
        continue;
      }
      std::array<uint8_t, OrderHash::kSize> bytes;
      std::copy_n(key.end() - OrderHash::kSize, OrderHash::kSize, bytes.begin());
      OrderHash hash(bytes);
      found.Reset();
      rocksdb::Status got = impl_->db->Get(read, impl_->orders, KeyOf(hash), &found);
      if (got.IsNotFound()) {
        problem(Status::Corruption(std::string(FamilyName(index)) +
                                   " entry points at missing order " + hash.ToHex()));
        continue;
      }
      if (!got.ok()) return FromRocks(got, "order " + hash.ToHex());
      Result<OrderView> view = internal::VerifyStored(hash, AsView(found));
      if (view.ok() && !Derives(*view, index, key)) {
        problem(Status::Corruption(std::string(FamilyName(index)) +
                                   " entry does not match order " + hash.ToHex()));
      }
    }
    s = FromRocks(entries->status(), FamilyName(index));
    if (!s.ok()) return s;
  }
  return checked;
}

}  // namespace orderstore
