// Schema evolution (the rules of schema/order.fbs): bytes written by an
// older build must read in every newer one. The record below is the source
// document's example as written by the first build (version 0.1.0,
// schema/order.fbs as first committed). Never regenerate it: if this test
// fails, the schema broke compatibility.
#include <gtest/gtest.h>

#include <string>

#include "orderstore/generate.h"
#include "orderstore/json_export.h"
#include "orderstore/order_view.h"
#include "orderstore/query.h"
#include "orderstore/store.h"
#include "tests/test_util.h"

namespace orderstore {
namespace {

constexpr char kExampleRecordV1Hex[] =
    "200000004f534f31000016007400080060006800180028003800480007005c00"
    "1600000000000003602892b7b500000eed4190e9320000009efd615f00000000"
    "00000000000000008e79635f00000000000000000000000000096e88f1ffffff"
    "00000000000000001e386b5f0000000000000000e00100000000000018000000"
    "cdcccccccc8c3d40cdcccccccc8c3d4000000000020000009000000004000000"
    "8cffffff0000000338000000400000004800000050000000bb79635f00000000"
    "000000000000000080858b5f0000000000000000000000009a99999999992a40"
    "060000006372656174650000040000006469736b0000000006000000642d7878"
    "787800000a000000636e2d71696e6764616f00001400400008000c0010001400"
    "3800070018002800140000000000000338000000400000004c00000054000000"
    "bb79635f00000000000000000000000080858b5f000000000000000000000000"
    "000000000040304006000000637265617465000008000000696e7374616e6365"
    "0000000006000000692d7878787800000a000000636e2d71696e6764616f0000";

std::string FromHex(std::string_view hex) {
  std::string bytes;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return bytes;
}

TEST(CompatTest, RecordWrittenByTheFirstBuildStillReads) {
  std::string record = FromHex(kExampleRecordV1Hex);
  Result<OrderView> view = VerifyRecord(record);
  ASSERT_OK(view);
  EXPECT_EQ(view->ToOwned(), testing::ExampleOrder());
  std::string json;
  AppendDetailResponse(*view, "TRBUBYEtcQWEg18W", &json);
  EXPECT_EQ(json, testing::kExampleCompact);
}

// Files keep the codec they were written with: a store written with any
// Options::compression (zstd was the default before lz4) reads, and
// answers queries, when opened with any other.
class CompressionCompatTest : public testing::TempDirTest {};

TEST_F(CompressionCompatTest, StoreWrittenWithOneCodecReadsWithAnother) {
  const Compression codecs[] = {Compression::kZstd, Compression::kSnappy,
                                Compression::kNone, Compression::kLz4};
  WriteOptions write;
  write.sync = false;
  for (Compression written : codecs) {
    for (Compression read : codecs) {
      const std::string path =
          Path("db" + std::to_string(static_cast<int>(written)) +
               std::to_string(static_cast<int>(read)));
      Options options;
      options.compression = written;
      {
        auto store = Store::Open(options, path);
        ASSERT_OK(store);
        WriteBatch batch;
        for (uint64_t i = 0; i < 50; ++i) ASSERT_OK(batch.Put(GenerateOrder(3, i)));
        ASSERT_OK((*store)->Write(write, batch));
      }
      // Reopening flushes the recovered log into table files, still with
      // the codec the store was written with.
      ASSERT_OK(Store::Open(options, path));
      options.compression = read;
      auto store = Store::Open(options, path);
      ASSERT_OK(store);
      for (uint64_t i = 0; i < 50; ++i) {
        Result<PinnedOrder> order = (*store)->Get({}, GenerateOrderHash(3, i));
        ASSERT_OK(order);
        EXPECT_EQ(order->view().ToOwned(), GenerateOrder(3, i));
      }
      auto it = (*store)->QueryCreated({}, CreatedQuery{});
      ASSERT_OK(it);
      size_t found = 0;
      for (; (*it)->Valid(); (*it)->Next()) ++found;
      EXPECT_OK((*it)->status());
      EXPECT_EQ(found, 50u);
    }
  }
}

}  // namespace
}  // namespace orderstore
