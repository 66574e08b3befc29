// Reconciliation workloads: one-day creation windows next to
// SQLite answering them with an index, reconcile scans on 1 and 2 threads,
// and compare-and-set status updates with and without conflicts.
#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <atomic>
#include <random>

#include "bench/dataset.h"
#include "bench/sqlite_db.h"
#include "orderstore/query.h"
#include "orderstore/reconcile.h"
#include "orderstore/store.h"

namespace orderstore::bench {
namespace {

// The generator spreads create_time uniformly over 2020-01-01 .. 2025-12-31.
constexpr int64_t kFirstDay = 1577836800;
constexpr int64_t kDays = 2192;
constexpr int64_t kDay = 86400;

int64_t RandomDay(std::mt19937_64& rng) {
  return kFirstDay + static_cast<int64_t>(rng() % kDays) * kDay;
}

void BM_DayWindow_Orderstore(benchmark::State& state) {
  Store& store = OrderStore();
  std::mt19937_64 rng(1);
  size_t orders = 0;
  double sum = 0;
  for (auto _ : state) {
    const int64_t day = RandomDay(rng);
    CreatedQuery query;
    query.from = Timestamp{day, 0, 0};
    query.to = Timestamp{day + kDay, 0, 0};
    auto it = store.QueryCreated({}, query);
    if (!it.ok()) Die(it.status().ToString());
    for (; (*it)->Valid(); (*it)->Next()) {
      Result<OrderView> order = (*it)->view();
      if (!order.ok()) Die(order.status().ToString());
      sum += Answer(*order);
      ++orders;
    }
    if (!(*it)->status().ok()) Die((*it)->status().ToString());
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(static_cast<int64_t>(orders));
  state.counters["orders_per_window"] =
      static_cast<double>(orders) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_DayWindow_Orderstore)->Unit(benchmark::kMicrosecond);

// SQLite with an index on the creation time, answering the same question
// (fee, status, every item's price and status) in one join. The indexes
// are added on first use (BM_DiskBytes_Sqlite measures with and without).
void BM_DayWindow_Sqlite(benchmark::State& state) {
  sqlite3* db = SqliteDb();
  AddSqliteIndexes(db);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(
          db,
          "SELECT o.hash, o.fee, o.status, i.price, i.status FROM orders o "
          "INDEXED BY orders_by_created JOIN items i ON i.hash = o.hash "
          "WHERE o.create_s >= ?1 AND o.create_s < ?2 "
          "ORDER BY o.create_s, o.create_ns, o.hash",
          -1, &stmt, nullptr) != SQLITE_OK) {
    Die(sqlite3_errmsg(db));
  }
  std::mt19937_64 rng(1);
  size_t orders = 0;
  double sum = 0;
  for (auto _ : state) {
    const int64_t day = RandomDay(rng);
    sqlite3_bind_int64(stmt, 1, day);
    sqlite3_bind_int64(stmt, 2, day + kDay);
    std::string last_hash;  // empty before the first row
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      const void* hash = sqlite3_column_blob(stmt, 0);
      std::string_view key(static_cast<const char*>(hash), 16);
      if (last_hash.empty() || key != last_hash) {  // a new order
        last_hash.assign(key);
        sum += sqlite3_column_double(stmt, 1) + sqlite3_column_int(stmt, 2);
        ++orders;
      }
      sum += sqlite3_column_double(stmt, 3) + sqlite3_column_int(stmt, 4);
    }
    sqlite3_reset(stmt);
  }
  sqlite3_finalize(stmt);
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(static_cast<int64_t>(orders));
  state.counters["orders_per_window"] =
      static_cast<double>(orders) / static_cast<double>(state.iterations());
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
