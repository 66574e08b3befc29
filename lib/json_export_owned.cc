// Exporting an owned Order: encoded as the stored record and written through
// the one exporter, so an order is written the same way before and after it
// is stored.
#include <string>

#include "lib/record.h"
#include "orderstore/json_export.h"

namespace orderstore {

Status AppendOrderJson(const Order& order, std::string* out,
                       const ExportOptions& options) {
  Status valid = ValidateOrder(order);
  if (!valid.ok()) return valid.WithContext("order " + order.hash.ToHex());
  // One buffer per thread: the generator streams millions of orders.
  thread_local std::string record;
  record.clear();
  internal::AppendRecord(order, &record);
  Result<OrderView> view = VerifyRecord(record);
  if (!view.ok()) return view.status();  // not expected after ValidateOrder
  AppendOrderJson(*view, out, options);
  return Status::OK();
}

}  // namespace orderstore
