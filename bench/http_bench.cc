// What `orderstore serve` does for one request apart from the network:
// HandleHttpRequest (get, verify, export the documented response with a
// fresh request id) over random keys of the dataset, hot. bench/serve_load.sh
// measures the same endpoint through sockets with wrk; the gap between the
// two is the HTTP server's and the kernel's share.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "bench/dataset.h"
#include "orderstore/http.h"
#include "orderstore/store.h"

namespace orderstore::bench {
namespace {

void BM_HttpHandler_Detail(benchmark::State& state) {
  const Store& store = OrderStore();
  std::vector<std::string> targets;
  for (const OrderHash& hash : ProbeHashes()) {
    targets.push_back("/v1/order/detail/" + hash.ToHex());
  }
  HttpResponse response;
  size_t i = 0;
  for (auto _ : state) {
    HandleHttpRequest(store, "GET", targets[i], &response);
    if (response.status != 200) {
      state.SkipWithError(response.body.c_str());
      break;
    }
    benchmark::DoNotOptimize(response.body.data());
    if (++i == targets.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HttpHandler_Detail);

}  // namespace
}  // namespace orderstore::bench
