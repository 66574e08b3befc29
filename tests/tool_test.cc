// The real `orderstore` binary: import and get, exit codes, error lines.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/test_util.h"

namespace orderstore {
namespace {

using testing::RunTool;
using testing::ToolRun;

constexpr char kExampleHash[] = "602892b7b500000eed4190e932000000";

std::string ExampleFile() {
  return std::string(ORDERSTORE_SOURCE_DIR) + "/tests/data/example.json";
}

class ToolTest : public testing::ToolStoreTest {
 protected:
  std::string WriteFile(const std::string& name, const std::string& text) {
    std::ofstream(Path(name), std::ios::binary) << text;
    return Path(name);
  }
};

TEST_F(ToolTest, ImportThenGetPrintsTheDocumentedResponse) {
  ToolRun import = Run({"import", ExampleFile()});
  ASSERT_EQ(import.exit_code, 0) << import.err;
  EXPECT_NE(import.out.find("imported 1 orders from 1 file"), std::string::npos)
      << import.out;

  ToolRun get = Run({"get", "--request-id", "TRBUBYEtcQWEg18W", kExampleHash});
  ASSERT_EQ(get.exit_code, 0) << get.err;
  EXPECT_EQ(get.out, std::string(testing::kExampleCompact) + "\n");
  EXPECT_EQ(get.err, "");
}

TEST_F(ToolTest, GetAcceptsUpperCaseAndMakesFreshRequestIds) {
  ASSERT_EQ(Run({"import", ExampleFile()}).exit_code, 0);
  ToolRun get = Run({"get", "602892B7B500000EED4190E932000000", kExampleHash});
  ASSERT_EQ(get.exit_code, 0) << get.err;
  size_t first_line_end = get.out.find('\n');
  ASSERT_NE(first_line_end, std::string::npos);
  std::string first = get.out.substr(0, first_line_end);
  std::string second = get.out.substr(first_line_end + 1);
  EXPECT_NE(first.find("\"order\":\"602892b7b500000eed4190e932000000\""),
            std::string::npos);
  // Same order, different request ids: the ids are the last field.
  EXPECT_NE(first, second.substr(0, second.size() - 1));
  EXPECT_EQ(first.substr(0, first.size() - 20),
            second.substr(0, second.size() - 21));
}

TEST_F(ToolTest, PrettyIndents) {
  ASSERT_EQ(Run({"import", ExampleFile()}).exit_code, 0);
  ToolRun get = Run({"get", "--pretty", "--request-id=TRBUBYEtcQWEg18W", kExampleHash});
  ASSERT_EQ(get.exit_code, 0) << get.err;
  EXPECT_EQ(get.out.rfind("{\n  \"data\": {\n    \"order\": "
                          "\"602892b7b500000eed4190e932000000\",\n    \"fee\": 29.55,\n",
                          0),
            0u)
      << get.out;
  EXPECT_EQ(get.out.substr(get.out.size() - 37),
            "  \"request_id\": \"TRBUBYEtcQWEg18W\"\n}\n");
}

TEST_F(ToolTest, MissingOrderPrintsTheFoundOnesThenExitsOne) {
  ASSERT_EQ(Run({"import", ExampleFile()}).exit_code, 0);
  ToolRun get = Run({"get", "ffffffffffffffffffffffffffffffff", kExampleHash});
  EXPECT_EQ(get.exit_code, 1);
  EXPECT_NE(get.out.find(kExampleHash), std::string::npos);
  EXPECT_EQ(get.err,
            "orderstore: get: order ffffffffffffffffffffffffffffffff not found\n");
}

TEST_F(ToolTest, MalformedHashIsAUsageError) {
  ToolRun get = Run({"get", "not-a-hash"});
  EXPECT_EQ(get.exit_code, 2);
  EXPECT_EQ(get.out, "");
  EXPECT_NE(get.err.find("orderstore: get: malformed order hash \"not-a-hash\""),
            std::string::npos)
      << get.err;
}

TEST_F(ToolTest, InvalidFileImportsNothingAndNamesLineAndField) {
  ASSERT_EQ(Run({"import", ExampleFile()}).exit_code, 0);
  std::string compact = testing::kExampleCompact;
  std::string other = compact;
  other.replace(other.find("602892b7"), 8, "702892b7");
  std::string bad = compact;
  bad.replace(bad.find("\"complete\""), 10, "\"finished\"");
  std::string file = WriteFile("orders.jsonl", other + "\n" + bad + "\n");

  ToolRun import = Run({"import", file});
  EXPECT_EQ(import.exit_code, 3);
  EXPECT_NE(import.err.find(file + ":2: data.status"), std::string::npos)
      << import.err;
  // The valid first line was not imported either.
  EXPECT_EQ(Run({"get", "702892b7b500000eed4190e932000000"}).exit_code, 1);

  ToolRun skip = Run({"import", "--skip-invalid", file});
  EXPECT_EQ(skip.exit_code, 0) << skip.err;
  EXPECT_NE(skip.out.find("skipped 1 invalid records"), std::string::npos);
  EXPECT_EQ(Run({"get", "702892b7b500000eed4190e932000000"}).exit_code, 0);
}

// A file is read in blocks of lines (4 MiB): an invalid line past the
// first block is named by its line in the file, and nothing of the file is
// imported, not even the blocks before it.
TEST_F(ToolTest, InvalidLineInALaterBlockIsNamedByItsLineInTheFile) {
  ToolRun generated = RunTool({"generate", "--count", "8000"});
  ASSERT_EQ(generated.exit_code, 0) << generated.err;
  ASSERT_GT(generated.out.size(), size_t{5} << 20);  // more than one block
  std::vector<std::string> lines = testing::Lines(generated.out);
  ASSERT_EQ(lines.size(), 8000u);
  const std::string first_hash = lines[0].substr(lines[0].find("\"order\":\"") + 9, 32);
  std::string& bad = lines[7899];
  bad.replace(bad.find("\"status\":\"") + 10, 0, "x");
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  const std::string file = WriteFile("orders.jsonl", text);

  ToolRun import = Run({"import", file});
  EXPECT_EQ(import.exit_code, 3);
  EXPECT_NE(import.err.find(file + ":7900: status"), std::string::npos) << import.err;
  EXPECT_EQ(Run({"get", first_hash}).exit_code, 1);

  ToolRun skip = Run({"import", "--skip-invalid", file});
  EXPECT_EQ(skip.exit_code, 0) << skip.err;
  EXPECT_NE(skip.out.find("imported 7999 orders"), std::string::npos) << skip.out;
  EXPECT_NE(skip.out.find("skipped 1 invalid records"), std::string::npos);
  EXPECT_EQ(Run({"get", first_hash}).exit_code, 0);
}

// Files below import's threshold go through one synced Store::Write each,
// not Store::Import: importing several small files adds no table files
// (Import would add one per column family for each; the write-ahead log is
// flushed into at most one per family at the next open), and each lands
// whole.
TEST_F(ToolTest, SmallFilesImportWithoutAddingTableFiles) {
  auto table_files = [this] {
    size_t count = 0;
    for (const auto& entry : std::filesystem::directory_iterator(Path("db"))) {
      if (entry.path().extension() == ".sst") ++count;
    }
    return count;
  };
  std::vector<std::string> args = {"import", ExampleFile()};
  for (const char* first : {"702892b7", "802892b7", "902892b7"}) {
    std::string order = testing::kExampleCompact;
    order.replace(order.find("602892b7"), 8, first);
    args.push_back(WriteFile(std::string(first) + ".json", order + "\n"));
  }
  ToolRun import = Run(args);
  ASSERT_EQ(import.exit_code, 0) << import.err;
  EXPECT_NE(import.out.find("imported 4 orders from 4 files"), std::string::npos)
      << import.out;
  EXPECT_EQ(table_files(), 0u);
  for (const char* hash : {"702892b7b500000eed4190e932000000",
                           "802892b7b500000eed4190e932000000",
                           "902892b7b500000eed4190e932000000", kExampleHash}) {
    EXPECT_EQ(Run({"get", hash}).exit_code, 0) << hash;
  }
  // A second import of the same files replaces the orders in place.
  ASSERT_EQ(Run(args).exit_code, 0);
  EXPECT_EQ(Run({"get", "802892b7b500000eed4190e932000000"}).exit_code, 0);
}

TEST_F(ToolTest, ImportReadsStandardInput) {
  ToolRun import = Run({"import", "-"}, testing::kExampleCompact);
  ASSERT_EQ(import.exit_code, 0) << import.err;
  EXPECT_EQ(Run({"get", kExampleHash}).exit_code, 0);
}

TEST_F(ToolTest, StoreFromEnvironmentAndDbAfterTheCommand) {
  ToolRun import = RunTool({"import", ExampleFile()}, "",
                           {"ORDERSTORE_DB=" + Path("envdb")});
  ASSERT_EQ(import.exit_code, 0) << import.err;
  ToolRun get = RunTool({"get", kExampleHash, "--db", Path("envdb")});
  EXPECT_EQ(get.exit_code, 0) << get.err;
}

TEST_F(ToolTest, MissingStoreIsAStoreError) {
  ToolRun get = Run({"get", kExampleHash});
  EXPECT_EQ(get.exit_code, 4);
  EXPECT_NE(get.err.find("orderstore: get: store " + Path("db")), std::string::npos)
      << get.err;
}

TEST_F(ToolTest, UsageErrorsAndHelp) {
  EXPECT_EQ(RunTool({}).exit_code, 2);
  ToolRun unknown = RunTool({"frobnicate"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("unknown command"), std::string::npos);
  EXPECT_EQ(Run({"get", "--bogus", kExampleHash}).exit_code, 2);
  EXPECT_EQ(Run({"import"}).exit_code, 2);

  ToolRun help = RunTool({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("import"), std::string::npos);
  ToolRun get_help = RunTool({"get", "--help"});
  EXPECT_EQ(get_help.exit_code, 0);
  EXPECT_NE(get_help.out.find("usage: orderstore [--db DIR] get"), std::string::npos);
}

// The subcommands that take no operands refuse one in the same words and
// with the same exit code, after checking the flags, before touching the
// store.
TEST_F(ToolTest, OperandsWhereNoneAreTaken) {
  for (const std::string command :
       {"generate", "stats", "verify", "dump", "list", "reconcile", "serve"}) {
    ToolRun run = Run({command, "extra"});
    EXPECT_EQ(run.exit_code, 2) << command;
    EXPECT_EQ(run.out, "") << command;
    EXPECT_EQ(run.err, "orderstore: " + command +
                           ": unexpected argument extra (see 'orderstore " +
                           command + " --help')\n");
    // The first of several operands is named.
    ToolRun two = Run({command, "one", "two"});
    EXPECT_EQ(two.exit_code, 2) << command;
    EXPECT_NE(two.err.find(": unexpected argument one ("), std::string::npos)
        << two.err;
    // An unknown flag is named first, wherever it stands.
    ToolRun unknown = Run({command, "extra", "--bogus"});
    EXPECT_EQ(unknown.exit_code, 2) << command;
    EXPECT_NE(unknown.err.find(": unknown option --bogus ("), std::string::npos)
        << unknown.err;
  }
  EXPECT_FALSE(std::filesystem::exists(Path("db")));
}

}  // namespace
}  // namespace orderstore
