// The change feed's and the history's cost (docs/changes.md), each figure
// with the feed on (the default, 7 days) and off (change_retention = 0):
//
//   BM_Feed_Import/on|off       Store::Import of the dataset's orders into a
//                               fresh store (orders already parsed)
//   BM_Feed_Put/on|off          single unsynced puts, one thread
//   BM_Feed_Batch/on|off        unsynced batches of 100 orders
//   BM_Feed_SyncedPuts4/on|off  synced single puts from 4 threads: the
//                               group commit against RocksDB's own
//   BM_Feed_Read                the feed read through ChangesAfter, every
//                               change's order viewed (changes/s), against
//   BM_Feed_Scan                the full scan of the orders (orders/s), on
//                               the same store
//   BM_Feed_Size                bytes per order on disk of each column
//                               family, for a store where every order was
//                               written three times (imported new, then
//                               paid, then complete) within the retention
//
//   orderstore_bench --orders N --benchmark_filter=BM_Feed
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <thread>

#include "bench/dataset.h"
#include "lib/rocks_options.h"
#include "lib/store_impl.h"
#include "orderstore/changes.h"
#include "orderstore/generate.h"
#include "orderstore/store.h"

namespace orderstore::bench {
namespace {

bool FeedOn(const benchmark::State& state) { return state.range(0) == 1; }

std::unique_ptr<Store> OpenFresh(const std::string& name, bool feed) {
  Options options = StoreOptions();
  if (!feed) options.change_retention = std::chrono::seconds(0);
  Result<std::unique_ptr<Store>> store = Store::Open(options, FreshDir(name));
  if (!store.ok()) Die(store.status().ToString());
  return std::move(store).value();
}

const std::vector<Order>& Dataset() {
  static const std::vector<Order>* dataset = [] {
    auto* all = new std::vector<Order>();
    all->reserve(orders());
    for (uint64_t i = 0; i < orders(); ++i) all->push_back(GenerateOrder(kSeed, i));
    return all;
  }();
  return *dataset;
}

void Check(const Status& s) {
  if (!s.ok()) Die(s.ToString());
}

void BM_Feed_Import(benchmark::State& state) {
  const std::vector<Order>& dataset = Dataset();
  for (auto _ : state) {
    state.PauseTiming();
    std::unique_ptr<Store> store = OpenFresh("feed-import", FeedOn(state));
    WriteBatch batch;
    for (const Order& order : dataset) Check(batch.Put(order));
    state.ResumeTiming();
    Check(store->Import(batch));
    state.PauseTiming();
    store.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<int64_t>(dataset.size()));
}
BENCHMARK(BM_Feed_Import)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond)->Iterations(1);

void Puts(benchmark::State& state, size_t per_batch) {
  const std::vector<Order>& dataset = Dataset();
  const size_t n = std::min<size_t>(dataset.size(), 200000);
  for (auto _ : state) {
    state.PauseTiming();
    std::unique_ptr<Store> store = OpenFresh("feed-put", FeedOn(state));
    WriteOptions write;
    write.sync = false;
    write.actor = "bench";
    state.ResumeTiming();
    for (size_t i = 0; i < n; i += per_batch) {
      WriteBatch batch;
      for (size_t j = i; j < std::min(n, i + per_batch); ++j) Check(batch.Put(dataset[j]));
      Check(store->Write(write, batch));
    }
    state.PauseTiming();
    store.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<int64_t>(n));
}
void BM_Feed_Put(benchmark::State& state) { Puts(state, 1); }
void BM_Feed_Batch(benchmark::State& state) { Puts(state, 100); }
BENCHMARK(BM_Feed_Put)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_Feed_Batch)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_Feed_SyncedPuts4(benchmark::State& state) {
  const std::vector<Order>& dataset = Dataset();
  constexpr int kThreads = 4;
  const size_t per_thread = std::min<size_t>(dataset.size() / kThreads, 1000);
  for (auto _ : state) {
    state.PauseTiming();
    std::unique_ptr<Store> store = OpenFresh("feed-synced", FeedOn(state));
    state.ResumeTiming();
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        WriteOptions write;  // synced
        for (size_t i = 0; i < per_thread; ++i) {
          Check(store->Put(write, dataset[t * per_thread + i]));
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    state.PauseTiming();
    store.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<int64_t>(per_thread * kThreads));
}
BENCHMARK(BM_Feed_SyncedPuts4)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

// A store of the dataset written through the feed: imported (table files,
// as the other benchmarks' stores are settled).
Store& FeedStore() {
  static Store* store = [] {
    std::unique_ptr<Store> s = OpenFresh("feed-read", true);
    WriteBatch batch;
    for (const Order& order : Dataset()) Check(batch.Put(order));
    Check(s->Import(batch));
    return s.release();
  }();
  return *store;
}

// The bytes of each column family of the closed store at `path`, once its
// logs are flushed and every family is compacted: RocksDB opened directly
// with the store's options.
std::map<std::string, uint64_t> CompactedFamilyBytes(const std::string& path) {
  rocksdb::Options rocks = internal::RocksOptions(StoreOptions());
  std::vector<std::string> families;
  Check(internal::FromRocks(
      rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(rocks), path, &families),
      path));
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& name : families) {
    descriptors.emplace_back(name, internal::RocksFamilyOptions(rocks, name));
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  Check(internal::FromRocks(
      rocksdb::DB::Open(rocksdb::DBOptions(rocks), path, descriptors, &handles, &db),
      path));
  std::map<std::string, uint64_t> bytes;
  for (rocksdb::ColumnFamilyHandle* handle : handles) {
    Check(internal::FromRocks(db->Flush(rocksdb::FlushOptions(), handle), "flush"));
    Check(internal::FromRocks(
        db->CompactRange(rocksdb::CompactRangeOptions(), handle, nullptr, nullptr),
        "compact"));
    uint64_t size = 0;
    db->GetIntProperty(handle, "rocksdb.total-sst-files-size", &size);
    bytes[handle->GetName()] = size;
    db->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
  }
  delete db;
  return bytes;
}

void BM_Feed_Read(benchmark::State& state) {
  Store& store = FeedStore();
  uint64_t read = 0;
  double sum = 0;
  for (auto _ : state) {
    Result<std::unique_ptr<ChangeIterator>> it = store.ChangesAfter({}, 0);
    Check(it.status());
    for (; (*it)->Valid(); (*it)->Next()) {
      Result<ChangeView> change = (*it)->change();
      Check(change.status());
      sum += Answer(change->order());
      ++read;
    }
    Check((*it)->status());
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(static_cast<int64_t>(read));
}
BENCHMARK(BM_Feed_Read)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_Feed_Scan(benchmark::State& state) {
  Store& store = FeedStore();
  uint64_t read = 0;
  double sum = 0;
  for (auto _ : state) {
    std::unique_ptr<Iterator> it = store.NewIterator({});
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      Result<OrderView> view = it->view();
      Check(view.status());
      sum += Answer(*view);
      ++read;
    }
    Check(it->status());
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(static_cast<int64_t>(read));
}
BENCHMARK(BM_Feed_Scan)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_Feed_Size(benchmark::State& state) {
  const std::vector<Order>& dataset = Dataset();
  std::map<std::string, uint64_t> bytes;
  for (auto _ : state) {
    std::unique_ptr<Store> store = OpenFresh("feed-size", true);
    WriteBatch created;
    for (const Order& order : dataset) {
      Order o = order;
      o.status = OrderStatus::kNew;
      o.pay_time = Timestamp::Unset();
      o.cancel_time = Timestamp::Unset();
      Check(created.Put(o));
    }
    Check(store->Import(created));
    WriteOptions write;
    write.sync = false;
    write.actor = "billing";
    for (OrderStatus status : {OrderStatus::kPaid, OrderStatus::kComplete}) {
      for (size_t i = 0; i < dataset.size(); i += 1000) {
        WriteBatch batch;
        for (size_t j = i; j < std::min(dataset.size(), i + 1000); ++j) {
          Order o = dataset[j];
          o.status = status;
          o.cancel_time = Timestamp::Unset();
          if (!o.pay_time.is_set()) o.pay_time = o.create_time;
          Check(batch.Put(o));
        }
        Check(store->Write(write, batch));
      }
    }
    const std::string path = store->path();
    store.reset();
    bytes = CompactedFamilyBytes(path);
  }
  const double n = static_cast<double>(dataset.size());
  for (const auto& [family, size] : bytes) {
    state.counters[family + "_B/order"] = static_cast<double>(size) / n;
  }
}
BENCHMARK(BM_Feed_Size)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace orderstore::bench
