// WriteBatch: the puts, creates and deletes Store::Write and Store::Import apply
// together, each put encoded as its record when it is added.
#include "lib/write_batch_rep.h"

#include <memory>

#include "lib/record.h"

namespace orderstore {

WriteBatch::WriteBatch() : rep_(std::make_unique<Rep>()) {}
WriteBatch::~WriteBatch() = default;
WriteBatch::WriteBatch(WriteBatch&&) noexcept = default;
WriteBatch& WriteBatch::operator=(WriteBatch&&) noexcept = default;

Status WriteBatch::Put(const Order& order) {
  Status s = ValidateOrder(order);
  if (!s.ok()) return s.WithContext("order " + order.hash.ToHex());
  rep_->ops.push_back({order.hash, internal::EncodeRecord(order)});
  return Status::OK();
}

Status WriteBatch::Create(const Order& order) {
  Status s = Put(order);
  if (s.ok()) rep_->ops.back().create = true;
  return s;
}

void WriteBatch::Delete(const OrderHash& hash) {
  rep_->ops.push_back({hash, std::string()});
}

size_t WriteBatch::size() const { return rep_->ops.size(); }
void WriteBatch::Clear() { rep_->ops.clear(); }

}  // namespace orderstore
