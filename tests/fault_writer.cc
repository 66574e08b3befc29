#include "tests/fault_writer.h"

#include <algorithm>
#include <utility>

#include "lib/record.h"
#include "orderstore/generate.h"
#include "orderstore/lifecycle.h"
#include "orderstore/order_view.h"

namespace orderstore::testing {
namespace {

constexpr uint64_t kOrderSeed = 2105;
// Writer n generates orders GenerateOrder(kOrderSeed, n * kIndexSpan + i).
constexpr uint64_t kIndexSpan = uint64_t{1} << 40;

}  // namespace

FaultWriter::FaultWriter(int id, uint64_t seed, AckedOrders* acked,
                         uint64_t first_index)
    : id_(id),
      acked_(acked),
      random_(seed * 1000 + id),
      next_index_(static_cast<uint64_t>(id) * kIndexSpan + first_index) {}

void FaultWriter::Reload() { mine_ = acked_->Of(id_); }

Order FaultWriter::NewOrder() { return GenerateOrder(kOrderSeed, next_index_++); }

Order FaultWriter::Changed(size_t i) const {
  Order order = VerifyRecord(mine_[i].record)->ToOwned();
  order.fee += 1;
  return order;
}

std::vector<size_t> FaultWriter::Pick(size_t n) {
  std::vector<size_t> picked;
  for (size_t tries = 0; picked.size() < n && tries < 4 * n && !mine_.empty();
       ++tries) {
    const size_t i = random_() % mine_.size();
    if (std::find(picked.begin(), picked.end(), i) == picked.end()) {
      picked.push_back(i);
    }
  }
  return picked;
}

void FaultWriter::Acknowledged(const std::vector<AckedOrders::Change>& changes) {
  if (gate_ && !gate_()) return;
  acked_->Acknowledge(id_);
  for (const AckedOrders::Change& change : changes) {
    auto it = std::find_if(mine_.begin(), mine_.end(),
                           [&change](const AckedOrders::Change& c) {
                             return c.hash == change.hash;
                           });
    if (change.record.empty()) {
      if (it != mine_.end()) {
        *it = std::move(mine_.back());
        mine_.pop_back();
      }
    } else if (it != mine_.end()) {
      it->record = change.record;
    } else {
      mine_.push_back(change);
    }
  }
}

Status FaultWriter::Put(Store& store, const Order& order) {
  last_kind_ = "put";
  std::vector<AckedOrders::Change> changes = {
      {order.hash, internal::EncodeRecord(order)}};
  acked_->Begin(id_, changes);
  WriteOptions synced;
  synced.sync = true;
  Status s = store.Put(synced, order);
  if (s.ok()) Acknowledged(changes);
  return s;
}

Status FaultWriter::Batch(Store& store, bool import, size_t new_orders) {
  last_kind_ = import ? "import" : "batch";
  WriteBatch batch;
  std::vector<AckedOrders::Change> changes;
  for (size_t i = 0; i < new_orders; ++i) {
    Order order = NewOrder();
    changes.push_back({order.hash, internal::EncodeRecord(order)});
    Status s = batch.Put(order);
    if (!s.ok()) return s;
  }
  // Now and then one changed order and one deleted.
  std::vector<size_t> picked = Pick(random_() % 3 == 0 ? 2 : 0);
  if (!picked.empty()) {
    Order changed = Changed(picked[0]);
    changes.push_back({changed.hash, internal::EncodeRecord(changed)});
    Status s = batch.Put(changed);
    if (!s.ok()) return s;
  }
  if (picked.size() > 1) {
    changes.push_back({mine_[picked[1]].hash, ""});
    batch.Delete(mine_[picked[1]].hash);
  }
  acked_->Begin(id_, changes);
  WriteOptions synced;
  synced.sync = true;
  Status s = import ? store.Import(batch) : store.Write(synced, batch);
  if (s.ok()) Acknowledged(changes);
  return s;
}

Status FaultWriter::Update(Store& store) {
  const std::vector<size_t> picked = Pick(1);
  if (picked.empty()) return Put(store, NewOrder());
  const OrderHash hash = mine_[picked[0]].hash;
  Result<PinnedOrder> read = store.Get(ReadOptions(), hash);
  if (!read.ok()) return read.status();
  // The first status the lifecycle allows from the stored one; none: the
  // order is changed by a Put instead.
  const OrderView view = read->view();
  StatusUpdate update;
  for (int to = 0; to < kOrderStatusCount; ++to) {
    const auto status = static_cast<OrderStatus>(to);
    if (status != view.status() && IsAllowedTransition(view.status(), status)) {
      update.order_status = status;
      break;
    }
  }
  if (!update.order_status) return Put(store, Changed(picked[0]));
  update.at = view.create_time();
  Order expected = view.ToOwned();
  if (Status s = ApplyStatusUpdate(update, &expected); !s.ok()) return s;
  last_kind_ = "update";
  std::vector<AckedOrders::Change> changes = {
      {hash, internal::EncodeRecord(expected)}};
  acked_->Begin(id_, changes);
  WriteOptions synced;
  synced.sync = true;
  Status s = store.UpdateStatus(synced, view, update);
  if (s.ok()) Acknowledged(changes);
  return s;
}

Status FaultWriter::Step(Store& store) {
  const uint64_t kind = random_() % 100;
  return Step(store, kind < 30   ? Kind::kPut
                     : kind < 40 ? Kind::kChange
                     : kind < 60 ? Kind::kBatch
                     : kind < 85 ? Kind::kUpdate
                                 : Kind::kImport);
}

Status FaultWriter::Step(Store& store, Kind kind) {
  if (kind == Kind::kPut || mine_.empty()) return Put(store, NewOrder());
  switch (kind) {
    case Kind::kChange:
      return Put(store, Changed(random_() % mine_.size()));
    case Kind::kBatch:
      return Batch(store, /*import=*/false, 1 + random_() % 7);
    case Kind::kUpdate:
      return Update(store);
    default:
      return Batch(store, /*import=*/true, 5 + random_() % 146);
  }
}

}  // namespace orderstore::testing
