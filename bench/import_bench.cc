// Import of the dataset's JSON Lines file into a fresh store, parsing and
// validation included, against SQLite loading the same records (parsed by
// the same parser) in transactions. The file is read in 4 MiB blocks.
//
// BM_Import_Orderstore is `orderstore import`'s road: every block's orders
// go into one WriteBatch, landed by Store::Import (sorted table files,
// ingested in one atomic step); the store is durable and fully indexed when
// the timer stops. BM_Import_OrderstoreWrite writes one batch per block
// through Store::Write (write-ahead log unsynced, memtable, flushes and
// compactions in RocksDB's background threads). SQLite commits one transaction per block (WAL,
// synchronous=NORMAL). BM_Import_ParseOnly reads and parses the file and
// nothing else: the parser's share. Closing a store or database is not
// timed. The CPU column (and so orders/s) is the whole process's CPU time:
// Import writes on two threads, and Write leaves work to RocksDB's.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <functional>
#include <string>

#include "bench/alloc_count.h"
#include "bench/dataset.h"
#include "orderstore/json_import.h"
#include "orderstore/store.h"

namespace orderstore::bench {
namespace {

constexpr size_t kBlockBytes = size_t{4} << 20;

// Reads `path` block by block, parses the whole lines of each block and
// passes their orders to `write`. Returns how many orders were imported.
uint64_t ImportJsonLines(
    const std::string& path,
    const std::function<void(const std::vector<Order>&)>& write) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) Die("open " + path);
  OrderParser parser;
  std::string buffer;
  uint64_t imported = 0;
  bool eof = false;
  while (!eof) {
    const size_t kept = buffer.size();
    buffer.resize(kept + kBlockBytes);
    const size_t got = std::fread(buffer.data() + kept, 1, kBlockBytes, file);
    buffer.resize(kept + got);
    eof = got < kBlockBytes;
    // Whole lines only; the rest waits for the next block.
    const size_t end = eof ? buffer.size() : buffer.rfind('\n') + 1;
    ParseResult parsed =
        parser.Parse(std::string_view(buffer.data(), end), path);
    if (!parsed.errors.empty()) Die(parsed.errors.front().ToString());
    write(parsed.orders);
    imported += parsed.orders.size();
    buffer.erase(0, end);
  }
  std::fclose(file);
  return imported;
}

// A new empty store in a fresh directory.
std::unique_ptr<Store> OpenFreshStore(const std::string& name) {
  Result<std::unique_ptr<Store>> store = Store::Open(Options(), FreshDir(name));
  if (!store.ok()) Die(store.status().ToString());
  return std::move(store).value();
}

void BM_Import_Orderstore(benchmark::State& state) {
  const std::string& jsonl = JsonLinesPath();
  uint64_t imported = 0;
  for (auto _ : state) {
    std::unique_ptr<Store> store = OpenFreshStore("import-orderstore");
    WriteBatch batch;
    imported += ImportJsonLines(jsonl, [&](const std::vector<Order>& orders) {
      for (const Order& order : orders) {
        if (Status s = batch.Put(order); !s.ok()) Die(s.ToString());
      }
    });
    if (Status s = store->Import(batch); !s.ok()) Die(s.ToString());
    state.PauseTiming();
    store.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<int64_t>(imported));
}
BENCHMARK(BM_Import_Orderstore)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->MeasureProcessCPUTime();

void BM_Import_OrderstoreWrite(benchmark::State& state) {
  const std::string& jsonl = JsonLinesPath();
  uint64_t imported = 0;
  for (auto _ : state) {
    std::unique_ptr<Store> store = OpenFreshStore("import-orderstore-write");
    WriteOptions write;
    write.sync = false;
    imported += ImportJsonLines(jsonl, [&](const std::vector<Order>& orders) {
      WriteBatch batch;
      for (const Order& order : orders) {
        if (Status s = batch.Put(order); !s.ok()) Die(s.ToString());
      }
      if (Status s = store->Write(write, batch); !s.ok()) Die(s.ToString());
    });
    state.PauseTiming();
    store.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<int64_t>(imported));
}
BENCHMARK(BM_Import_OrderstoreWrite)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->MeasureProcessCPUTime();

void BM_Import_ParseOnly(benchmark::State& state) {
  const std::string& jsonl = JsonLinesPath();
  uint64_t parsed = 0;
  size_t items = 0;
  for (auto _ : state) {
    parsed += ImportJsonLines(jsonl, [&](const std::vector<Order>& orders) {
      for (const Order& order : orders) items += order.items.size();
    });
  }
  benchmark::DoNotOptimize(items);
  state.SetItemsProcessed(static_cast<int64_t>(parsed));
}
BENCHMARK(BM_Import_ParseOnly)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->MeasureProcessCPUTime();

void BM_Import_Sqlite(benchmark::State& state) {
  const std::string& jsonl = JsonLinesPath();
  uint64_t imported = 0;
  for (auto _ : state) {
    const std::string dir = FreshDir("import-sqlite");
    sqlite3* db = OpenSqlite(dir + "/orders.db");
    {
      SqliteLoader loader(db);
      imported += ImportJsonLines(jsonl, [&](const std::vector<Order>& orders) {
        loader.Insert(orders);
      });
    }
    state.PauseTiming();
    sqlite3_close(db);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<int64_t>(imported));
}
BENCHMARK(BM_Import_Sqlite)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->MeasureProcessCPUTime();

}  // namespace
}  // namespace orderstore::bench
