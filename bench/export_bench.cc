// Export of one order to the documented detail response: our writer against
// nlohmann::ordered_json building and dumping the same bytes (checked equal
// for every order used, once, before timing).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "bench/alloc_count.h"
#include "bench/dataset.h"
#include "lib/record.h"
#include "orderstore/generate.h"
#include "orderstore/json_export.h"

namespace orderstore::bench {
namespace {

constexpr char kRequestId[] = "TRBUBYEtcQWEg18W";
constexpr size_t kExportOrders = 4096;
constexpr size_t kPage = 4096;

// Verified records in memory, so that only the writing is timed, laid out as
// a server finds them: the orders are spread over the whole dataset (order
// j * orders() / n), and each record lies alone in pages of its own, at a
// random 8-byte-aligned offset, the pages in a fixed random order, as values
// lie in the row cache of a store bigger than the CPU caches. So no hardware
// prefetcher can run ahead from one record to the next, each export starts
// with TLB misses and cache misses on its record (its lines, 1.8 MB in all,
// fit in L3), and the layout does not depend on what the heap did before
// the benchmark: 4,096 records allocated one by one lie back to back in a
// fresh heap (walked in address order, streamed in by the prefetchers) but
// scattered after the get benchmarks have churned it, which would make the
// figure depend on what ran before it (nearly 3x between the two).
struct FreeArena {
  void operator()(char* arena) const { std::free(arena); }
};
struct Records {
  std::unique_ptr<char, FreeArena> arena;
  std::vector<OrderView> views;
};

const Records& ExportRecords() {
  static const Records* records = [] {
    auto* r = new Records;
    const size_t n = std::min<uint64_t>(orders(), kExportOrders);
    std::vector<std::string> bytes;
    size_t largest = 0;
    for (size_t j = 0; j < n; ++j) {
      bytes.push_back(
          internal::EncodeRecord(GenerateOrder(kSeed, j * orders() / n)));
      largest = std::max(largest, bytes.back().size());
    }
    const size_t slot = (largest + kPage - 1) / kPage * kPage;
    std::vector<size_t> slots(n);
    for (size_t j = 0; j < n; ++j) slots[j] = j;
    std::mt19937_64 random(kSeed);
    std::shuffle(slots.begin(), slots.end(), random);
    r->arena.reset(static_cast<char*>(std::aligned_alloc(kPage, n * slot)));
    if (r->arena == nullptr) Die("out of memory for the export records");
    std::memset(r->arena.get(), 0, n * slot);
    for (size_t j = 0; j < n; ++j) {
      const std::string& record = bytes[j];
      const size_t offset =
          std::uniform_int_distribution<size_t>(0, slot - record.size())(
              random) &
          ~size_t{7};
      char* at = r->arena.get() + slots[j] * slot + offset;
      std::memcpy(at, record.data(), record.size());
      Result<OrderView> view = VerifyRecord({at, record.size()});
      if (!view.ok()) Die(view.status().ToString());
      r->views.push_back(*view);
    }
    return r;
  }();
  return *records;
}

// Go writes whole amounts without a fraction ("100000"), nlohmann writes a
// double as "100000.0": hand it such amounts as integers.
nlohmann::ordered_json Money(double x) {
  if (x == std::trunc(x) && std::fabs(x) < 0x1p53) {
    return static_cast<int64_t>(x);
  }
  return x;
}

std::string Time(const Timestamp& t) { return FormatTimestamp(t); }

std::string NlohmannDetailResponse(const OrderView& view) {
  nlohmann::ordered_json order;
  order["order"] = view.hash().ToHex();
  order["fee"] = Money(view.fee());
  order["c_fee"] = Money(view.c_fee());
  order["create_time"] = Time(view.create_time());
  order["pay_time"] = Time(view.pay_time());
  order["cancel_time"] = Time(view.cancel_time());
  order["expire_time"] = Time(view.expire_time());
  order["status"] = ToString(view.status());
  nlohmann::ordered_json items = nlohmann::ordered_json::array();
  for (OrderItemView item : view.items()) {
    nlohmann::ordered_json json;
    json["order_type"] = item.order_type();
    json["resource_type"] = item.resource_type();
    json["resource_id"] = item.resource_id();
    json["region"] = item.region();
    json["price"] = Money(item.price());
    json["status"] = ToString(item.status());
    json["life_start_time"] = Time(item.life_start_time());
    json["life_expire_time"] = Time(item.life_expire_time());
    items.push_back(std::move(json));
  }
  order["items"] = std::move(items);
  nlohmann::ordered_json response;
  response["data"] = std::move(order);
  response["request_id"] = kRequestId;
  return response.dump();
}

void CheckSameBytes() {
  static const bool checked = [] {
    for (const OrderView& view : ExportRecords().views) {
      std::string ours;
      AppendDetailResponse(view, kRequestId, &ours);
      if (ours != NlohmannDetailResponse(view)) {
        Die("nlohmann::json writes other bytes than ours for order " +
            view.hash().ToHex() + ":\n" + ours + "\n" +
            NlohmannDetailResponse(view));
      }
    }
    return true;
  }();
  (void)checked;
}

// Exports the first `count` records in turn, round and round.
void ExportRound(benchmark::State& state, size_t count) {
  const Records& records = ExportRecords();
  CheckSameBytes();
  const size_t n = std::min(count, records.views.size());
  std::string out;
  size_t i = 0, bytes = 0;
  AllocCounter allocs(state);
  for (auto _ : state) {
    out.clear();
    AppendDetailResponse(records.views[i], kRequestId, &out);
    bytes += out.size();
    benchmark::DoNotOptimize(out.data());
    if (++i == n) i = 0;
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

void BM_Export_Orderstore(benchmark::State& state) {
  ExportRound(state, kExportOrders);
}
BENCHMARK(BM_Export_Orderstore);

// The writer alone: 64 of the same records, which stay in the CPU's caches
// (and its TLB) after the first pass, as a record does when it is exported
// right after a get verified it. The difference from BM_Export_Orderstore
// is what the cold record costs.
void BM_Export_OrderstoreCached(benchmark::State& state) {
  ExportRound(state, 64);
}
BENCHMARK(BM_Export_OrderstoreCached);

void BM_Export_NlohmannOrderedJson(benchmark::State& state) {
  const Records& records = ExportRecords();
  CheckSameBytes();
  size_t i = 0, bytes = 0;
  AllocCounter allocs(state);
  for (auto _ : state) {
    std::string out = NlohmannDetailResponse(records.views[i]);
    bytes += out.size();
    benchmark::DoNotOptimize(out.data());
    if (++i == records.views.size()) i = 0;
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_Export_NlohmannOrderedJson);

}  // namespace
}  // namespace orderstore::bench
