// A billing daemon in miniature, built against an installed orderstore: it
// opens its store, records the orders that arrive, looks one up and answers
// with the documented JSON response.
//
//   billing_daemon STORE_DIR
#include <orderstore/json_export.h>
#include <orderstore/json_import.h>
#include <orderstore/store.h>
#include <orderstore/version.h>

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

using namespace orderstore;

namespace {

// An order as the billing front end sends it (the source document's example).
constexpr char kIncoming[] = R"({"order":"602892b7b500000eed4190e932000000",
  "fee":29.55,"c_fee":29.55,"create_time":"2020-09-16T11:57:18Z",
  "pay_time":"2020-09-17T14:58:22Z","cancel_time":"0001-01-01T00:00:00Z",
  "expire_time":"2020-09-23T19:57:18+08:00","status":"complete","items":[
  {"order_type":"create","resource_type":"instance","resource_id":"i-xxxx",
   "region":"cn-qingdao","price":16.25,"status":"success",
   "life_start_time":"2020-09-17T14:59:07Z",
   "life_expire_time":"2020-10-18T00:00:00Z"},
  {"order_type":"create","resource_type":"disk","resource_id":"d-xxxx",
   "region":"cn-qingdao","price":13.3,"status":"success",
   "life_start_time":"2020-09-17T14:59:07Z",
   "life_expire_time":"2020-10-18T00:00:00Z"}]})";

int Fail(const char* what, const Status& status) {
  std::fprintf(stderr, "billing_daemon: %s: %s\n", what,
               status.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: billing_daemon STORE_DIR\n");
    return 2;
  }
  std::printf("orderstore %s\n", ORDERSTORE_VERSION_STRING);

  // One Store per process, shared by all its threads; closed when destroyed.
  Result<std::unique_ptr<Store>> store = Store::Open(Options(), argv[1]);
  if (!store.ok()) return Fail("open", store.status());

  // Record the order that arrived and a new unpaid one, atomically.
  OrderParser parser;  // one per thread: it keeps its buffers
  Result<Order> arrived = parser.ParseOne(kIncoming);
  if (!arrived.ok()) return Fail("parse", arrived.status());
  Order unpaid;  // built in code; its literals are known to be valid
  unpaid.hash = *OrderHash::Parse("602892b7b500000eed4190e932000001");
  unpaid.fee = 100000;
  unpaid.create_time = *ParseTimestamp("2020-09-18T09:30:00+08:00");
  WriteBatch batch;
  for (const Order* order : {&*arrived, &unpaid}) {
    if (Status s = batch.Put(*order); !s.ok()) return Fail("put", s);
  }
  Status written = (*store)->Write(WriteOptions(), batch);
  if (!written.ok()) return Fail("write", written);
  std::printf("wrote %zu orders\n", batch.size());

  // Answer detail queries: hashes arrive in either case.
  for (const char* text : {"602892B7B500000EED4190E932000000",
                           "602892b7b500000eed4190e9320000ff"}) {
    Result<OrderHash> hash = OrderHash::Parse(text);
    if (!hash.ok()) return Fail("query", hash.status());
    Result<PinnedOrder> order = (*store)->Get(ReadOptions(), *hash);
    if (order.status().IsNotFound()) {
      std::printf("%s: not found\n", hash->ToHex().c_str());
      continue;
    }
    if (!order.ok()) return Fail("get", order.status());
    OrderView view = order->view();  // reads the stored bytes in place
    std::printf("%s: %s, paid %g for %zu items\n", view.hash().ToHex().c_str(),
                std::string(ToString(view.status())).c_str(), view.c_fee(),
                view.items().size());
    for (OrderItemView item : view.items()) {
      std::string_view type = item.resource_type(), id = item.resource_id();
      std::printf("  %.*s %.*s: %g\n", static_cast<int>(type.size()),
                  type.data(), static_cast<int>(id.size()), id.data(),
                  item.price());
    }
    std::string json;
    AppendDetailResponse(view, NewRequestId(), &json);
    std::printf("%s\n", json.c_str());
  }  // each PinnedOrder releases its pin here: `view` must not outlive it
  return 0;
}
