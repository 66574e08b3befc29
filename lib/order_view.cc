// OrderView accessors: each reads one field of the verified FlatBuffers
// table in place.
#include "orderstore/order_view.h"

#include "lib/record.h"
#include "lib/view_tables.h"

namespace orderstore {
namespace {

using internal::Text;
using internal::Time;
using internal::ViewAccess;

const fb::OrderItem* Item(const void* table) {
  return static_cast<const fb::OrderItem*>(table);
}

}  // namespace

std::string_view OrderItemView::order_type() const {
  return Text(Item(table_)->order_type());
}
std::string_view OrderItemView::resource_type() const {
  return Text(Item(table_)->resource_type());
}
std::string_view OrderItemView::resource_id() const {
  return Text(Item(table_)->resource_id());
}
std::string_view OrderItemView::region() const {
  return Text(Item(table_)->region());
}
double OrderItemView::price() const { return Item(table_)->price(); }
ItemStatus OrderItemView::status() const {
  return static_cast<ItemStatus>(Item(table_)->status());
}
Timestamp OrderItemView::life_start_time() const {
  return Time(Item(table_)->life_start_time());
}
Timestamp OrderItemView::life_expire_time() const {
  return Time(Item(table_)->life_expire_time());
}

OrderItem OrderItemView::ToOwned() const {
  return OrderItem{std::string(order_type()),  std::string(resource_type()),
                   std::string(resource_id()), std::string(region()),
                   price(),                    status(),
                   life_start_time(),          life_expire_time()};
}

using ItemVector = flatbuffers::Vector<flatbuffers::Offset<fb::OrderItem>>;

size_t ItemsView::size() const {
  return vector_ == nullptr ? 0 : static_cast<const ItemVector*>(vector_)->size();
}

OrderItemView ItemsView::operator[](size_t i) const {
  assert(i < size());
  return ViewAccess::MakeItemView(
      static_cast<const ItemVector*>(vector_)->Get(static_cast<uint32_t>(i)));
}

const void* OrderView::table() const {
  assert(data_ != nullptr);
  return fb::GetOrder(data_);
}

namespace {
const fb::Order* Root(const void* table) {
  return static_cast<const fb::Order*>(table);
}
}  // namespace

OrderHash OrderView::hash() const {
  std::array<uint8_t, OrderHash::kSize> bytes;
  const auto* stored = Root(table())->hash()->bytes();
  std::copy(stored->begin(), stored->end(), bytes.begin());
  return OrderHash(bytes);
}
double OrderView::fee() const { return Root(table())->fee(); }
double OrderView::c_fee() const { return Root(table())->c_fee(); }
Timestamp OrderView::create_time() const {
  return Time(Root(table())->create_time());
}
Timestamp OrderView::pay_time() const { return Time(Root(table())->pay_time()); }
Timestamp OrderView::cancel_time() const {
  return Time(Root(table())->cancel_time());
}
Timestamp OrderView::expire_time() const {
  return Time(Root(table())->expire_time());
}
OrderStatus OrderView::status() const {
  return static_cast<OrderStatus>(Root(table())->status());
}
ItemsView OrderView::items() const {
  return ViewAccess::MakeItemsView(Root(table())->items());
}

Order OrderView::ToOwned() const {
  Order order;
  order.hash = hash();
  order.fee = fee();
  order.c_fee = c_fee();
  order.create_time = create_time();
  order.pay_time = pay_time();
  order.cancel_time = cancel_time();
  order.expire_time = expire_time();
  order.status = status();
  ItemsView view_items = items();
  order.items.reserve(view_items.size());
  for (OrderItemView item : view_items) order.items.push_back(item.ToOwned());
  return order;
}

}  // namespace orderstore
