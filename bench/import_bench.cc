// Import of the dataset's JSON Lines file into a fresh store, parsing and
// validation included, against SQLite loading the same records (parsed by
// the same parser) in transactions. Both read the file in 4 MiB blocks and
// write one batch (transaction) per block; neither syncs (RocksDB's WAL
// without fsync, SQLite's WAL with synchronous=NORMAL). Closing the store
// or the database is not timed.
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

void BM_Import_Orderstore(benchmark::State& state) {
  const std::string& jsonl = JsonLinesPath();
  uint64_t imported = 0;
  for (auto _ : state) {
    const std::string dir = FreshDir("import-orderstore");
    Result<std::unique_ptr<Store>> store = Store::Open(Options(), dir);
    if (!store.ok()) Die(store.status().ToString());
    WriteOptions write;
    write.sync = false;
    imported += ImportJsonLines(jsonl, [&](const std::vector<Order>& orders) {
      WriteBatch batch;
      for (const Order& order : orders) {
        if (Status s = batch.Put(order); !s.ok()) Die(s.ToString());
      }
      if (Status s = (*store)->Write(write, batch); !s.ok()) Die(s.ToString());
    });
    state.PauseTiming();
    store->reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<int64_t>(imported));
}
BENCHMARK(BM_Import_Orderstore)->Unit(benchmark::kMillisecond)->Iterations(1);

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
BENCHMARK(BM_Import_Sqlite)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace orderstore::bench
