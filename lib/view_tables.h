// The FlatBuffers tables behind OrderView and OrderItemView, for lib/ code
// that reads every field of many orders (the exporter): here each field is
// an inline read, where a public accessor is a call into order_view.cc that
// finds the table again. The accessors are built on these same functions.
#ifndef ORDERSTORE_LIB_VIEW_TABLES_H_
#define ORDERSTORE_LIB_VIEW_TABLES_H_

#include <string_view>

#include "order_generated.h"
#include "orderstore/order.h"
#include "orderstore/order_view.h"

namespace orderstore::internal {

// The verified order a view reads. REQUIRES: the view was made by the
// library (not default-constructed).
inline const fb::Order& OrderTable(const OrderView& view) {
  return *fb::GetOrder(view.record().data());
}

// A string field; an absent one reads as empty.
inline std::string_view Text(const flatbuffers::String* s) {
  return s == nullptr ? std::string_view()
                      : std::string_view(s->c_str(), s->size());
}

// A time field; an absent one (never written by this build) reads as unset.
inline Timestamp Time(const fb::Time* t) {
  if (t == nullptr) return Timestamp::Unset();
  return Timestamp{t->unix_seconds(), t->nanos(), t->offset_minutes()};
}

}  // namespace orderstore::internal

#endif  // ORDERSTORE_LIB_VIEW_TABLES_H_
