// Writes generated order 0 of seed 1 into the store argv[1] and asks the
// HTTP handler for it and for an order that is not there; prints each
// status and whether the 200 body is the order's detail response, then
// whether the shipper names the store's shard.
#include <orderstore/generate.h>
#include <orderstore/http.h>
#include <orderstore/json_export.h>
#include <orderstore/ship.h>
#include <orderstore/store.h>

#include <cstdio>
#include <memory>
#include <string>

using namespace orderstore;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: addons STORE_DIR\n");
    return 2;
  }
  Result<std::unique_ptr<Store>> store = Store::Open(Options(), argv[1]);
  if (!store.ok()) {
    std::fprintf(stderr, "open: %s\n", store.status().ToString().c_str());
    return 1;
  }
  Order order = GenerateOrder(1, 0);
  if (Status s = (*store)->Put(WriteOptions(), order); !s.ok()) {
    std::fprintf(stderr, "put: %s\n", s.ToString().c_str());
    return 1;
  }
  HttpResponse found, missing;
  HandleHttpRequest(**store, "GET", "/v1/order/detail/" + order.hash.ToHex(),
                    &found);
  HandleHttpRequest(**store, "GET", "/v1/order/detail/" +
                    GenerateOrderHash(1, 1).ToHex(), &missing);
  Result<PinnedOrder> pinned = (*store)->Get(ReadOptions(), order.hash);
  if (!pinned.ok()) {
    std::fprintf(stderr, "get: %s\n", pinned.status().ToString().c_str());
    return 1;
  }
  std::string expected;
  AppendDetailResponse(pinned->view(), found.request_id, &expected);
  std::printf("%d %s\n", found.status,
              found.body == expected ? "detail response" : found.body.c_str());
  std::printf("%d\n", missing.status);
  Result<std::string> shard = StoreShardName(**store);
  std::printf("%s\n", shard.ok() && shard->rfind("store:", 0) == 0
                           ? "shard"
                           : shard.status().ToString().c_str());
  return 0;
}
