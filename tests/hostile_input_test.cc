// Hostile input to `orderstore import` (the real binary): invalid JSON, valid
// JSON that is not an order, 100,000-deep nesting, a 100 MB line (made here,
// never committed), NUL bytes, invalid UTF-8, duplicate keys and numbers
// beyond float64. Each must exit 3, say what is wrong on a short line that
// names the file, and leave the store exactly as it was; the tool must not
// crash or echo the input.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "orderstore/store.h"
#include "tests/test_util.h"

namespace orderstore {
namespace {

using testing::kExampleCompact;
using testing::RunTool;
using testing::ToolRun;

// The example response with `from` replaced by `to` (once).
std::string Example(std::string_view from, std::string_view to) {
  std::string text = kExampleCompact;
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

std::string Nested(size_t depth, std::string_view open, std::string_view close,
                   std::string_view inner) {
  std::string text;
  text.reserve(depth * (open.size() + close.size()) + inner.size());
  for (size_t i = 0; i < depth; ++i) text += open;
  text += inner;
  for (size_t i = 0; i < depth; ++i) text += close;
  return text;
}

struct Case {
  std::string name;
  std::string text;
};

std::vector<Case> HostileCases() {
  const std::string example = kExampleCompact;
  return {
      // Invalid JSON.
      {"truncated document", example.substr(0, example.size() / 2)},
      {"unclosed object", R"({"data":)"},
      {"stray comma", R"({,})"},
      {"bare word", "order"},
      {"single quotes", "{'data':1}"},
      {"trailing garbage", example + " x"},
      {"comment", "// an order\n" + example},
      {"unterminated string", R"({"data":{"order":"6028)"},
      {"raw newline in string", Example("i-xxxx", "i-x\nx")},
      // Valid JSON that is not an order.
      {"number", "42"},
      {"string", R"("602892b7b500000eed4190e932000000")"},
      {"null", "null"},
      {"true", "true"},
      {"empty object", "{}"},
      {"data null", R"({"data":null,"request_id":"x"})"},
      {"array of numbers", "[1,2,3]"},
      {"unrelated object", R"({"hello":"world"})"},
      {"fee as string", Example("\"fee\":29.55", "\"fee\":\"29.55\"")},
      {"missing items", Example(R"(,"items":[)", R"(,"itemz":[)")},
      {"hash too short", Example("602892b7b500000eed4190e932000000", "602892b7")},
      {"status unknown", Example("\"complete\"", "\"done\"")},
      {"negative price", Example("\"price\":16.25", "\"price\":-16.25")},
      {"impossible date", Example("2020-09-16T11:57:18Z", "2020-02-30T11:57:18Z")},
      // Deep nesting.
      {"100000 nested arrays", Nested(100000, "[", "]", "")},
      {"100000 nested objects", Nested(100000, R"({"a":)", "}", "1")},
      {"100000 nested in data", R"({"data":)" + Nested(100000, "[", "]", "") + "}"},
      // NUL bytes.
      {"NUL inside a string", Example("i-xxxx", std::string("i-\0xx", 5))},
      {"NUL between records", example + std::string("\n\0\n", 3) + example},
      {"NUL only", std::string(16, '\0')},
      // Invalid UTF-8.
      {"0xff in a string", Example("i-xxxx", "i-\xff" "xx")},
      {"overlong slash", Example("i-xxxx", "i-\xc0\xaf" "x")},
      {"UTF-16 surrogate", Example("i-xxxx", "i-\xed\xa0\x80" "x")},
      {"truncated sequence", Example("i-xxxx", "i-\xe4\xb8")},
      {"lone surrogate escape", Example("i-xxxx", "i-\\ud800x")},
      // Duplicate keys: an ambiguous amount of money is never guessed.
      {"duplicate fee", Example("\"fee\":29.55", "\"fee\":29.55,\"fee\":1")},
      {"duplicate price", Example("\"price\":16.25", "\"price\":16.25,\"price\":0")},
      {"duplicate data", Example(R"("request_id")", R"("data":{},"request_id")")},
      {"duplicate unknown key", Example(R"("order")", R"("x":1,"x":2,"order")")},
      // Numbers beyond float64, or not JSON numbers.
      {"fee 1e400", Example("\"fee\":29.55", "\"fee\":1e400")},
      {"price -1e400", Example("\"price\":16.25", "\"price\":-1e400")},
      {"fee NaN", Example("\"fee\":29.55", "\"fee\":NaN")},
      {"fee Infinity", Example("\"fee\":29.55", "\"fee\":Infinity")},
      {"fee hex", Example("\"fee\":29.55", "\"fee\":0x1d")},
      {"fee leading zero", Example("\"fee\":29.55", "\"fee\":029.55")},
      {"fee 1e400 in unknown field", Example(R"("order")", R"("x":1e400,"order")")},
  };
}

class HostileInputTest : public testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    ToolRun seed = Run({"import", "-"}, kExampleCompact);
    ASSERT_EQ(seed.exit_code, 0) << seed.err;
    before_ = Contents();
    ASSERT_EQ(before_.size(), 1u);
  }

  ToolRun Run(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), {"--db", Path("db")});
    return RunTool(args, input);
  }

  // Every key and record in the store, in key order.
  std::vector<std::string> Contents() {
    Options options;
    options.read_only = true;
    Result<std::unique_ptr<Store>> store = Store::Open(options, Path("db"));
    EXPECT_OK(store);
    std::vector<std::string> contents;
    if (!store.ok()) return contents;
    std::unique_ptr<Iterator> it = (*store)->NewIterator(ReadOptions());
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      contents.emplace_back(it->hash().AsKey());
      Result<OrderView> view = it->view();
      contents.back() += view.ok() ? view->record() : "(corrupt)";
    }
    EXPECT_OK(it->status());
    return contents;
  }

  // Imports `text` from a file and expects the refusal the tool promises.
  void ExpectRefused(const std::string& name, const std::string& text) {
    SCOPED_TRACE(name);
    const std::string file = Path("input.json");
    {
      std::ofstream out(file, std::ios::binary | std::ios::trunc);
      out.write(text.data(), static_cast<std::streamsize>(text.size()));
    }
    ToolRun run = Run({"import", file});
    EXPECT_EQ(run.exit_code, 3) << run.err.substr(0, 500);
    // stdout carries only the tool's one-line summary, never the input.
    EXPECT_LE(run.out.size(), 200u) << run.out.substr(0, 200);
    // A short line that names the file; every line is one of the tool's
    // "orderstore: import: ..." lines, the last saying nothing came in.
    ASSERT_FALSE(run.err.empty());
    EXPECT_EQ(run.err.back(), '\n');
    std::istringstream lines(run.err);
    std::vector<std::string> all;
    for (std::string line; std::getline(lines, line);) all.push_back(line);
    EXPECT_LE(all.size(), 2u) << run.err.substr(0, 500);
    EXPECT_EQ(all.front().rfind("orderstore: import: " + file, 0), 0u) << all.front();
    for (const std::string& line : all) {
      EXPECT_LE(line.size(), 400u) << line.substr(0, 400);
      EXPECT_EQ(line.rfind("orderstore: import: ", 0), 0u) << line.substr(0, 400);
    }
    EXPECT_NE(all.back().find("nothing imported"), std::string::npos) << all.back();
    EXPECT_EQ(Contents(), before_) << "the store changed";
  }

  std::vector<std::string> before_;
};

TEST_F(HostileInputTest, EachCaseExitsThreeAndLeavesTheStoreUnchanged) {
  // Another valid order first: a file with any bad record imports nothing.
  const std::string valid_other =
      Example("602892b7b500000eed4190e932000000", "702892b7b500000eed4190e932000000");
  int cases = 0;
  for (const Case& c : HostileCases()) {
    ExpectRefused(c.name, c.text);
    ExpectRefused(c.name + ", after a valid line", valid_other + "\n" + c.text + "\n");
    ++cases;
  }
  std::printf("hostile_input_test: %d hostile inputs, each alone and after a "
              "valid line, refused with exit 3\n", cases);
}

// One line of 100 MB: an order whose region is a string that never ends.
// Made here, never committed.
TEST_F(HostileInputTest, HundredMegabyteLineIsRefusedWithoutEchoingIt) {
  std::string line =
      R"({"data":{"order":"702892b7b500000eed4190e932000000","region":")";
  line.resize(size_t{100} << 20, 'a');
  ExpectRefused("100 MB line", line + "\n");
}

}  // namespace
}  // namespace orderstore
