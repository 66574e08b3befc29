#include "bench/read_loops.h"

#include <rocksdb/db.h>
#include <sys/resource.h>

#include <random>
#include <string>

#include "bench/alloc_count.h"
#include "lib/record.h"
#include "lib/rocks_options.h"
#include "orderstore/query.h"

namespace orderstore::bench {
namespace {

rocksdb::Slice KeyOf(const OrderHash& hash) {
  std::string_view key = hash.AsKey();
  return rocksdb::Slice(key.data(), key.size());
}

// Reads the answer from `value` through the FlatBuffers accessors, as a
// get does; with `verify`, after verifying it as the record of `hash`
// (false if it fails).
bool ReadAnswer(const OrderHash& hash, const rocksdb::Slice& value,
                bool verify) {
  const std::string_view record(value.data(), value.size());
  if (!verify) {
    benchmark::DoNotOptimize(Answer(internal::ViewAccess::MakeView(
        reinterpret_cast<const uint8_t*>(record.data()), record.size())));
    return true;
  }
  Result<OrderView> view = VerifyRecord(record);
  if (!view.ok() || view->hash() != hash) return false;
  benchmark::DoNotOptimize(Answer(*view));
  return true;
}

// The generator spreads create_time uniformly over 2020-01-01 .. 2025-12-31.
constexpr int64_t kFirstDay = 1577836800;
constexpr int64_t kDays = 2192;
constexpr int64_t kDay = 86400;

int64_t RandomDay(std::mt19937_64& rng) {
  return kFirstDay + static_cast<int64_t>(rng() % kDays) * kDay;
}

// Sets the counter "faults" of `state` to this thread's page faults per
// iteration between its construction and its destruction. A table file
// read through a memory map faults each page in the first time the process
// touches it (a minor fault if the page is in the page cache): a daemon
// that has been running a while has touched them all, a benchmark's first
// gets have not, and the count says which case a figure measured.
class FaultCounter {
 public:
  explicit FaultCounter(benchmark::State& state)
      : state_(state), start_(Faults()) {}
  ~FaultCounter() {
    state_.counters["faults"] =
        benchmark::Counter(static_cast<double>(Faults() - start_),
                           benchmark::Counter::kAvgIterations);
  }
  FaultCounter(const FaultCounter&) = delete;
  FaultCounter& operator=(const FaultCounter&) = delete;

 private:
  static int64_t Faults() {
    rusage usage{};
    getrusage(RUSAGE_THREAD, &usage);
    return usage.ru_minflt + usage.ru_majflt;
  }
  benchmark::State& state_;
  int64_t start_;
};

}  // namespace

void StoreGets(benchmark::State& state, const Store& store, Keys keys) {
  FaultCounter faults(state);
  AllocCounter allocs(state);
  for (auto _ : state) {
    Result<PinnedOrder> order = store.Get(ReadOptions(), keys.Next());
    if (!order.ok()) {
      state.SkipWithError(order.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(Answer(order->view()));
  }
}

void RocksGets(benchmark::State& state, RocksDb& db, Keys keys, bool verify) {
  const rocksdb::ReadOptions read = internal::RocksRead(ReadOptions());
  rocksdb::PinnableSlice value;
  FaultCounter faults(state);
  AllocCounter allocs(state);
  for (auto _ : state) {
    const OrderHash& hash = keys.Next();
    rocksdb::Status s = db.db->Get(read, db.orders, KeyOf(hash), &value);
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      break;
    }
    if (!ReadAnswer(hash, value, verify)) {
      state.SkipWithError("record fails verification");
      break;
    }
    value.Reset();
  }
}

void StoreGetMany(benchmark::State& state, const Store& store, Keys keys) {
  std::vector<OrderHash> batch(kMultiGetKeys);
  FaultCounter faults(state);
  AllocCounter allocs(state);
  for (auto _ : state) {
    for (OrderHash& hash : batch) hash = keys.Next();
    std::vector<Result<PinnedOrder>> orders = store.GetMany(ReadOptions(), batch);
    double sum = 0;
    for (const Result<PinnedOrder>& order : orders) {
      if (!order.ok()) {
        state.SkipWithError(order.status().ToString().c_str());
        break;
      }
      sum += Answer(order->view());
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * kMultiGetKeys);
}

void RocksMultiGet(benchmark::State& state, RocksDb& db, Keys keys,
                   bool verify) {
  const rocksdb::ReadOptions read = internal::RocksRead(ReadOptions());
  std::vector<OrderHash> hashes(kMultiGetKeys);
  std::vector<rocksdb::Slice> batch(kMultiGetKeys);
  std::vector<rocksdb::PinnableSlice> values(kMultiGetKeys);
  std::vector<rocksdb::Status> statuses(kMultiGetKeys);
  FaultCounter faults(state);
  AllocCounter allocs(state);
  for (auto _ : state) {
    for (size_t i = 0; i < kMultiGetKeys; ++i) {
      hashes[i] = keys.Next();
      batch[i] = KeyOf(hashes[i]);
    }
    db.db->MultiGet(read, db.orders, kMultiGetKeys, batch.data(), values.data(),
                    statuses.data());
    for (size_t i = 0; i < kMultiGetKeys; ++i) {
      if (!statuses[i].ok()) {
        state.SkipWithError(statuses[i].ToString().c_str());
        break;
      }
      if (!ReadAnswer(hashes[i], values[i], verify)) {
        state.SkipWithError("record fails verification");
        break;
      }
      values[i].Reset();
    }
  }
  state.SetItemsProcessed(state.iterations() * kMultiGetKeys);
}

void SqliteGets(benchmark::State& state, sqlite3* db, Keys keys) {
  sqlite3_stmt* order_query = nullptr;
  sqlite3_stmt* items_query = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT fee, status FROM orders WHERE hash=?", -1,
                         &order_query, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v2(db,
                         "SELECT price, status FROM items WHERE hash=? "
                         "ORDER BY idx",
                         -1, &items_query, nullptr) != SQLITE_OK) {
    Die(std::string("prepare: ") + sqlite3_errmsg(db));
  }
  {
    FaultCounter faults(state);
    AllocCounter allocs(state);
    for (auto _ : state) {
      const OrderHash& hash = keys.Next();
      sqlite3_bind_blob(order_query, 1, hash.bytes().data(), OrderHash::kSize,
                        SQLITE_STATIC);
      if (sqlite3_step(order_query) != SQLITE_ROW) {
        state.SkipWithError("order not found in SQLite");
        break;
      }
      double sum = sqlite3_column_double(order_query, 0) +
                   sqlite3_column_int(order_query, 1);
      sqlite3_reset(order_query);
      sqlite3_bind_blob(items_query, 1, hash.bytes().data(), OrderHash::kSize,
                        SQLITE_STATIC);
      while (sqlite3_step(items_query) == SQLITE_ROW) {
        sum += sqlite3_column_double(items_query, 0) +
               sqlite3_column_int(items_query, 1);
      }
      sqlite3_reset(items_query);
      benchmark::DoNotOptimize(sum);
    }
  }
  sqlite3_finalize(order_query);
  sqlite3_finalize(items_query);
}

void StoreDayWindows(benchmark::State& state, const Store& store) {
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

void SqliteDayWindows(benchmark::State& state, sqlite3* db) {
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

}  // namespace orderstore::bench
