#include "bench/json_db.h"

#include <rocksdb/write_batch.h>

#include <fstream>
#include <memory>
#include <string>

#include "bench/dataset.h"
#include "lib/record.h"
#include "orderstore/json_export.h"

namespace orderstore::bench {
namespace {

struct Json {
  std::unique_ptr<RocksDb> db;
  std::string lines_path;
};

Json& BuildJson() {
  static Json* built = nullptr;
  if (built != nullptr) return *built;
  built = new Json;
  AtTeardown([] {
    delete built;
    built = nullptr;
  });
  std::string path = FreshDir("json");
  built->lines_path = FreshDir("jsonl") + "/orders.jsonl";
  {
    std::unique_ptr<RocksDb> db = OpenRocks(path);
    std::ofstream lines(built->lines_path, std::ios::binary);
    rocksdb::WriteBatch batch;
    std::string json;
    ForEachOrder([&](uint64_t i, const Order& order) {
      std::string record = internal::EncodeRecord(order);
      Result<OrderView> view = VerifyRecord(record);
      if (!view.ok()) Die(view.status().ToString());
      json.clear();
      AppendOrderJson(*view, &json);
      std::string_view key = order.hash.AsKey();
      Check(batch.Put(db->orders, rocksdb::Slice(key.data(), key.size()),
                      json),
            "batch");
      lines << json << '\n';
      if ((i + 1) % kLoadChunk == 0 || i + 1 == orders()) {
        Check(db->db->Write(rocksdb::WriteOptions(), &batch), "write json");
        batch.Clear();
      }
    });
    if (!lines.flush()) Die("write " + built->lines_path);
  }
  CompactRocks(path);
  built->db = OpenRocks(path);
  Warm(*built->db);
  return *built;
}

}  // namespace

RocksDb& JsonDb() { return *BuildJson().db; }

const std::string& JsonLinesPath() { return BuildJson().lines_path; }

}  // namespace orderstore::bench
