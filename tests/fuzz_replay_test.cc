// Replays every file of tests/fuzz_corpus/<target>/ (the fuzzers' seeds and
// every input that once crashed a fuzzer, named crash-*) through the same
// entry points the libFuzzer targets call, compiled with g++ in the normal
// build, so a fixed crash stays fixed without clang.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "fuzz/fuzz_entry.h"

namespace orderstore::fuzz {
namespace {

using EntryPoint = std::string (*)(const uint8_t*, size_t);

// Feeds every file of the target's corpus to `entry`; returns how many.
size_t Replay(const std::string& target, EntryPoint entry) {
  const std::filesystem::path dir =
      std::filesystem::path(ORDERSTORE_SOURCE_DIR) / "tests" / "fuzz_corpus" /
      target;
  size_t files = 0;
  for (const auto& file : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(file.path(), std::ios::binary);
    std::string bytes{std::istreambuf_iterator<char>(in),
                      std::istreambuf_iterator<char>()};
    EXPECT_EQ(
        entry(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()), "")
        << file.path();
    ++files;
  }
  return files;
}

TEST(FuzzReplayTest, JsonImport) {
  EXPECT_GT(Replay("json_import", FuzzJsonImport), 5u);
}

TEST(FuzzReplayTest, HashParse) {
  EXPECT_GT(Replay("hash_parse", FuzzHashParse), 3u);
}

TEST(FuzzReplayTest, Timestamp) {
  EXPECT_GT(Replay("timestamp", FuzzTimestamp), 5u);
}

TEST(FuzzReplayTest, RecordView) {
  EXPECT_GT(Replay("record_view", FuzzRecordView), 3u);
}

}  // namespace
}  // namespace orderstore::fuzz
