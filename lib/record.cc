// The record codec: Order <-> FlatBuffers bytes (schema/order.fbs).
#include "lib/record.h"

#include <flatbuffers/flatbuffers.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "lib/time.h"
#include "order_generated.h"

namespace orderstore {
namespace internal {
namespace {

static_assert(static_cast<int>(fb::OrderStatus::MAX) + 1 == kOrderStatusCount,
              "schema and order.h disagree on the order statuses");
static_assert(static_cast<int>(fb::ItemStatus::MAX) + 1 == kItemStatusCount,
              "schema and order.h disagree on the item statuses");

fb::Time ToFb(const Timestamp& t) {
  return fb::Time(t.unix_seconds, t.nanos, t.offset_minutes);
}

}  // namespace

void AppendRecord(const Order& order, std::string* out) {
  assert(ValidateOrder(order).ok());
  // One builder per thread, reused: encoding allocates only when a record
  // is larger than any before it on this thread.
  thread_local flatbuffers::FlatBufferBuilder builder(1024);
  builder.Clear();

  std::vector<flatbuffers::Offset<fb::OrderItem>> items;
  items.reserve(order.items.size());
  for (const OrderItem& item : order.items) {
    fb::Time start = ToFb(item.life_start_time);
    fb::Time expire = ToFb(item.life_expire_time);
    items.push_back(fb::CreateOrderItem(
        builder, builder.CreateString(item.order_type),
        builder.CreateString(item.resource_type),
        builder.CreateString(item.resource_id),
        builder.CreateString(item.region), item.price,
        static_cast<fb::ItemStatus>(item.status), &start, &expire));
  }
  fb::Hash hash(flatbuffers::span<const uint8_t, OrderHash::kSize>(
      order.hash.bytes().data(), OrderHash::kSize));
  fb::Time create = ToFb(order.create_time);
  fb::Time pay = ToFb(order.pay_time);
  fb::Time cancel = ToFb(order.cancel_time);
  fb::Time expire = ToFb(order.expire_time);
  auto root = fb::CreateOrder(builder, &hash, order.fee, order.c_fee, &create,
                              &pay, &cancel, &expire,
                              static_cast<fb::OrderStatus>(order.status),
                              builder.CreateVector(items));
  fb::FinishOrderBuffer(builder, root);
  out->append(reinterpret_cast<const char*>(builder.GetBufferPointer()),
              builder.GetSize());
}

std::string EncodeRecord(const Order& order) {
  std::string record;
  AppendRecord(order, &record);
  return record;
}

namespace {

bool ValidMoney(double amount) { return std::isfinite(amount) && amount >= 0; }

bool ValidTime(const fb::Time* t) {
  return t != nullptr && internal::IsValidTimestamp(
                             {t->unix_seconds(), t->nanos(), t->offset_minutes()});
}

// Checks what the FlatBuffers verifier cannot: that the record holds an
// order ValidateOrder would accept (every field present, enum values this
// build knows, money and times in range), so that readers and the exporter
// can rely on it. Strings are not re-checked for UTF-8 here: the exporter
// writes any invalid byte as \ufffd.
bool HoldsValidOrder(const fb::Order& order) {
  if (order.hash() == nullptr || order.status() > fb::OrderStatus::MAX ||
      !ValidMoney(order.fee()) || !ValidMoney(order.c_fee()) ||
      !ValidTime(order.create_time()) || !ValidTime(order.pay_time()) ||
      !ValidTime(order.cancel_time()) || !ValidTime(order.expire_time())) {
    return false;
  }
  if (const auto* items = order.items()) {
    for (const fb::OrderItem* item : *items) {
      if (item->status() > fb::ItemStatus::MAX || !ValidMoney(item->price()) ||
          !ValidTime(item->life_start_time()) ||
          !ValidTime(item->life_expire_time())) {
        return false;
      }
    }
  }
  return true;
}

}  // namespace
}  // namespace internal

Result<OrderView> VerifyRecord(std::string_view record) {
  const auto* data = reinterpret_cast<const uint8_t*>(record.data());
  internal::PrefetchRecord(record);
  flatbuffers::Verifier verifier(data, record.size());
  // The file identifier is compared here as four bytes: FlatBuffers'
  // VerifyOrderBuffer compares it with strncmp, a library call that cost
  // about 4% of a hot get.
  constexpr size_t kIdentifierEnd =
      sizeof(flatbuffers::uoffset_t) + flatbuffers::kFileIdentifierLength;
  if (record.size() < kIdentifierEnd ||
      std::memcmp(data + sizeof(flatbuffers::uoffset_t), fb::OrderIdentifier(),
                  flatbuffers::kFileIdentifierLength) != 0 ||
      !verifier.VerifyBuffer<fb::Order>(nullptr)) {
    return Status::Corruption("record of " + std::to_string(record.size()) +
                              " bytes is not a valid order record");
  }
  if (!internal::HoldsValidOrder(*fb::GetOrder(data))) {
    return Status::Corruption(
        "record holds a missing field or an out-of-range value (a status "
        "this build does not know, negative money, an impossible time)");
  }
  return internal::ViewAccess::MakeView(data, record.size());
}

}  // namespace orderstore
