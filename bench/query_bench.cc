// Reconciliation workloads: one-day creation windows next to
// SQLite answering them with an index, reconcile scans on 1 and 2 threads,
// and compare-and-set status updates with and without conflicts.
#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <atomic>
#include <random>

#include "bench/dataset.h"
#include "bench/read_loops.h"
#include "bench/sqlite_db.h"
#include "orderstore/query.h"
#include "orderstore/reconcile.h"
#include "orderstore/store.h"

namespace orderstore::bench {
namespace {

void BM_DayWindow_Orderstore(benchmark::State& state) {
  StoreDayWindows(state, OrderStore());
}
BENCHMARK(BM_DayWindow_Orderstore)->Unit(benchmark::kMicrosecond);

// SQLite with an index on the creation time, answering the same question
// (fee, status, every item's price and status) in one join. The indexes
// are added on first use (BM_DiskBytes_Sqlite measures with and without).
void BM_DayWindow_Sqlite(benchmark::State& state) {
  sqlite3* db = SqliteDb();
  AddSqliteIndexes(db);
  SqliteDayWindows(state, db);
}
BENCHMARK(BM_DayWindow_Sqlite)->Unit(benchmark::kMicrosecond);

// A whole-store reconcile: orders/s with 1 and 2 worker threads.
void BM_Reconcile(benchmark::State& state) {
  Store& store = OrderStore();
  ReconcileOptions options;
  options.threads = static_cast<unsigned>(state.range(0));
  size_t orders = 0, findings = 0;
  for (auto _ : state) {
    auto summary = Reconcile(
        store, options, [&findings](const Finding&) { ++findings; },
        [](const Status& s) { Die(s.ToString()); });
    if (!summary.ok()) Die(summary.status().ToString());
    orders += summary->orders_checked;
  }
  state.SetItemsProcessed(static_cast<int64_t>(orders));
  state.counters["findings"] =
      static_cast<double>(findings) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_Reconcile)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// Status updates through Store::UpdateStatus (read, check the lifecycle,
// compare-and-set write; WriteOptions::sync off, as for the other write
// benchmarks). Each thread flips item 0 of an order between processing and
// failed. With `shared` orders, both threads work on the same 8 orders and
// collide; otherwise each has its own orders and never conflicts.
class StatusUpdates {
 public:
  static StatusUpdates& Get() {
    static StatusUpdates updates;
    return updates;
  }
  Store& store() { return *store_; }
  const std::vector<OrderHash>& hashes() const { return hashes_; }

 private:
  StatusUpdates() {
    auto store = Store::Open(StoreOptions(), FreshDir("status_updates"));
    if (!store.ok()) Die(store.status().ToString());
    store_ = std::move(store).value();
    WriteBatch batch;
    for (uint64_t i = 0; i < 1024; ++i) {
      Order order = GenerateOrderForUpdates(i);
      hashes_.push_back(order.hash);
      if (!batch.Put(order).ok()) Die("status update order");
    }
    WriteOptions write;
    write.sync = false;
    if (!store_->Write(write, batch).ok()) Die("status update load");
  }
  static Order GenerateOrderForUpdates(uint64_t i) {
    Order order;
    std::array<uint8_t, OrderHash::kSize> bytes{};
    for (int b = 0; b < 8; ++b) bytes[b] = static_cast<uint8_t>(i >> (8 * b));
    bytes[15] = 0x7f;
    order.hash = OrderHash(bytes);
    order.status = OrderStatus::kPaid;
    OrderItem item;
    item.resource_id = "i-" + std::to_string(i);
    item.price = 10;
    item.status = ItemStatus::kProcessing;
    order.items.push_back(item);
    order.fee = order.c_fee = 10;
    return order;
  }
  std::unique_ptr<Store> store_;
  std::vector<OrderHash> hashes_;
};

void BM_StatusUpdate(benchmark::State& state) {
  const bool shared = state.range(0) != 0;
  Store& store = StatusUpdates::Get().store();
  const std::vector<OrderHash>& hashes = StatusUpdates::Get().hashes();
  WriteOptions write;
  write.sync = false;
  size_t applied = 0, conflicts = 0, i = 0;
  for (auto _ : state) {
    const size_t slot = shared ? i % 8 : 8 + (i * 2 + state.thread_index()) % 1000;
    ++i;
    auto read = store.Get({}, hashes[slot]);
    if (!read.ok()) Die(read.status().ToString());
    StatusUpdate update;
    update.items = {{0, read->view().items()[0].status() == ItemStatus::kProcessing
                            ? ItemStatus::kFailed
                            : ItemStatus::kProcessing}};
    Status s = store.UpdateStatus(write, read->view(), update);
    if (s.ok()) {
      ++applied;
    } else if (s.IsConflict()) {
      ++conflicts;
    } else {
      Die(s.ToString());
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(applied));
  state.counters["conflicts"] = benchmark::Counter(
      static_cast<double>(conflicts), benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_StatusUpdate)->ArgName("shared")->Arg(0)->Arg(1)->Threads(1)->Threads(2)
    ->UseRealTime();

}  // namespace
}  // namespace orderstore::bench
