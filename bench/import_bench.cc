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
// nothing else: the parser's share. BM_Import_FloorParse and
// BM_Import_FloorTables are the floors: simdjson and RocksDB's table writer
// alone on the same orders. Closing a store or database is not timed. The
// CPU column (and so orders/s) is the whole process's CPU time: Import
// writes on two threads, and Write leaves work to RocksDB's.
#include <benchmark/benchmark.h>
#include <rocksdb/sst_file_writer.h>
#include <simdjson.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bench/alloc_count.h"
#include "bench/dataset.h"
#include "bench/json_db.h"
#include "bench/sqlite_db.h"
#include "lib/index.h"
#include "lib/record.h"
#include "lib/rocks_options.h"
#include "orderstore/generate.h"
#include "orderstore/json_import.h"
#include "orderstore/store.h"

namespace orderstore::bench {
namespace {

constexpr size_t kBlockBytes = size_t{4} << 20;

// Reads `path` block by block and passes the whole lines of each block to
// `use`, with at least `padding` readable bytes after them.
void ForEachBlockOfLines(const std::string& path, size_t padding,
                         const std::function<void(std::string_view)>& use) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) Die("open " + path);
  std::string buffer;
  bool eof = false;
  while (!eof) {
    const size_t kept = buffer.size();
    // Shrinking the string below keeps this capacity: the padding.
    buffer.resize(kept + kBlockBytes + padding);
    const size_t got = std::fread(buffer.data() + kept, 1, kBlockBytes, file);
    buffer.resize(kept + got);
    eof = got < kBlockBytes;
    // Whole lines only; the rest waits for the next block.
    const size_t end = eof ? buffer.size() : buffer.rfind('\n') + 1;
    use(std::string_view(buffer.data(), end));
    buffer.erase(0, end);
  }
  std::fclose(file);
}

// Parses the orders of `path` block by block and passes each block's to
// `write`. Returns how many orders were imported.
uint64_t ImportJsonLines(
    const std::string& path,
    const std::function<void(const std::vector<Order>&)>& write) {
  OrderParser parser;
  uint64_t imported = 0;
  ForEachBlockOfLines(path, 0, [&](std::string_view lines) {
    ParseResult parsed = parser.Parse(lines, path);
    if (!parsed.errors.empty()) Die(parsed.errors.front().ToString());
    write(parsed.orders);
    imported += parsed.orders.size();
  });
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

// The floors under import: what the two libraries it is built on cost for
// the same orders, with none of our code between them. Their sum bounds
// what any import on RocksDB tables and simdjson could reach here.

// simdjson's own parse of every line of the file (parse_many over the same
// 4 MiB blocks), reading no field.
void BM_Import_FloorParse(benchmark::State& state) {
  const std::string& jsonl = JsonLinesPath();
  simdjson::dom::parser parser;
  uint64_t parsed = 0;
  for (auto _ : state) {
    ForEachBlockOfLines(
        jsonl, simdjson::SIMDJSON_PADDING, [&](std::string_view lines) {
          simdjson::dom::document_stream docs;
          if (parser.parse_many(lines.data(), lines.size(), kBlockBytes)
                  .get(docs)) {
            Die("simdjson: cannot parse " + jsonl);
          }
          for (auto doc : docs) {
            if (doc.error()) Die("simdjson: invalid line in " + jsonl);
            ++parsed;
          }
        });
  }
  state.SetItemsProcessed(static_cast<int64_t>(parsed));
}
BENCHMARK(BM_Import_FloorParse)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->MeasureProcessCPUTime();

// Every column family's key-value pairs an import of the dataset into an
// empty store writes (records and index entries), encoded and sorted.
struct TableContents {
  std::string family;
  std::vector<std::pair<std::string, std::string>> pairs;
};

const std::vector<TableContents>& ImportTables() {
  static const std::vector<TableContents>* tables = [] {
    auto* t = new std::vector<TableContents>(1 + internal::kIndexCount);
    (*t)[0].family = "orders";
    for (int i = 0; i < internal::kIndexCount; ++i) {
      (*t)[1 + i].family = internal::kIndexFamilies[i];
    }
    OrderGenerator generator(kSeed);
    for (uint64_t i = 0; i < orders(); ++i) {
      const Order order = generator.Next();
      std::string record = internal::EncodeRecord(order);
      Result<OrderView> view = VerifyRecord(record);
      if (!view.ok()) Die(view.status().ToString());
      for (internal::IndexEntry& e : internal::IndexEntriesOf(*view)) {
        (*t)[1 + static_cast<size_t>(e.index)].pairs.emplace_back(
            std::move(e.key), std::string());
      }
      (*t)[0].pairs.emplace_back(std::string(order.hash.AsKey()),
                                 std::move(record));
    }
    for (TableContents& table : *t) std::sort(table.pairs.begin(), table.pairs.end());
    return t;
  }();
  return *tables;
}

// RocksDB's table writer alone: those pairs into one table file per column
// family, with the store's options for each (compression, filters) and the
// page cache kept, as Store::Import writes them (there on two threads; CPU
// time either way).
void BM_Import_FloorTables(benchmark::State& state) {
  const std::vector<TableContents>& tables = ImportTables();
  const rocksdb::Options rocks = internal::RocksOptions(StoreOptions());
  for (auto _ : state) {
    const std::string dir = FreshDir("import-floor");
    for (const TableContents& table : tables) {
      const rocksdb::Options options(
          rocks, internal::RocksFamilyOptions(rocks, table.family));
      rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), options,
                                    /*column_family=*/nullptr,
                                    /*invalidate_page_cache=*/false);
      rocksdb::Status s = writer.Open(dir + "/" + table.family + ".sst");
      for (size_t i = 0; s.ok() && i < table.pairs.size(); ++i) {
        s = writer.Put(table.pairs[i].first, table.pairs[i].second);
      }
      if (s.ok()) s = writer.Finish();
      if (!s.ok()) Die(s.ToString());
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(orders() * state.iterations()));
}
BENCHMARK(BM_Import_FloorTables)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->MeasureProcessCPUTime();

}  // namespace
}  // namespace orderstore::bench
