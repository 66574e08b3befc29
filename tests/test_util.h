// Shared test helpers: status matchers, a fresh temporary directory per test,
// and the source document's example.
#ifndef ORDERSTORE_TESTS_TEST_UTIL_H_
#define ORDERSTORE_TESTS_TEST_UTIL_H_

#include <gtest/gtest.h>
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "orderstore/order.h"
#include "orderstore/store.h"
#include "orderstore/status.h"

namespace orderstore::testing {

// status() for both Status and Result<T>, so the macros take either.
inline const Status& StatusOf(const Status& s) { return s; }
template <typename T>
const Status& StatusOf(const Result<T>& r) {
  return r.status();
}

// A fixture giving each test its own empty directory, removed afterwards.
class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  // A path inside the test's directory (not created).
  std::string Path(const std::string& name) const {
    return (dir_ / name).string();
  }
  std::filesystem::path dir_;
};

// The source document's example response, compact, exactly as the document
// shows it (request id TRBUBYEtcQWEg18W).
inline constexpr char kExampleCompact[] =
    R"({"data":{"order":"602892b7b500000eed4190e932000000","fee":29.55,)"
    R"("c_fee":29.55,"create_time":"2020-09-16T11:57:18Z",)"
    R"("pay_time":"2020-09-17T14:58:22Z","cancel_time":"0001-01-01T00:00:00Z",)"
    R"("expire_time":"2020-09-23T19:57:18+08:00","status":"complete",)"
    R"("items":[{"order_type":"create","resource_type":"instance",)"
    R"("resource_id":"i-xxxx","region":"cn-qingdao","price":16.25,)"
    R"("status":"success","life_start_time":"2020-09-17T14:59:07Z",)"
    R"("life_expire_time":"2020-10-18T00:00:00Z"},{"order_type":"create",)"
    R"("resource_type":"disk","resource_id":"d-xxxx","region":"cn-qingdao",)"
    R"("price":13.3,"status":"success","life_start_time":"2020-09-17T14:59:07Z",)"
    R"("life_expire_time":"2020-10-18T00:00:00Z"}]},"request_id":"TRBUBYEtcQWEg18W"})";

// A TempDirTest with a store open in it ("db") and unsynced write options:
// these tests never crash the machine, so they need not pay for fsync.
class StoreTest : public TempDirTest {
 protected:
  void SetUp() override;
  void TearDown() override;
  std::unique_ptr<Store> store_;
  WriteOptions write_;
};

// What a run of the real `orderstore` binary printed and returned.
struct ToolRun {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs the built `orderstore` tool with `args` (each passed as one word),
// standard input from `stdin_text`, in the environment `env` ("NAME=value"
// entries added to the current one).
ToolRun RunTool(const std::vector<std::string>& args,
                const std::string& stdin_text = "",
                const std::vector<std::string>& env = {});

// Starts the program `argv[0]` with `argv`, stdin from /dev/null, stdout
// and stderr appended to the file `output`, in the environment `env` (as
// for RunTool). Returns the child's pid (the caller reaps it, e.g. with
// StopChild).
pid_t Spawn(const std::vector<std::string>& argv, const std::string& output,
            const std::vector<std::string>& env = {});

// Sends `signal` to the child `pid` and reaps it. Returns its exit code, or
// 128 + the signal that ended it; -1 (signalling nobody) when pid <= 0.
int StopChild(pid_t pid, int signal);

// The whole file at `path` ("" when it cannot be read).
std::string FileContents(const std::filesystem::path& path);

// The lines of `text`, without their '\n'.
std::vector<std::string> Lines(const std::string& text);

// A TempDirTest for the `orderstore` tool run on a store in its directory
// ("db"), which Load fills through the library.
class ToolStoreTest : public TempDirTest {
 protected:
  // Runs the tool on this test's store, `input` on its standard input.
  ToolRun Run(std::vector<std::string> args, const std::string& input = "");
  // Writes orders 0..n-1 of `seed`, `mutate` applied, to the store in one
  // batch and closes it again; appends them to orders_.
  void Load(uint64_t seed, uint64_t n,
            const std::function<void(uint64_t, Order*)>& mutate = {});
  std::vector<Order> orders_;  // what Load wrote, in order
};

// Imports orders 0..n-1 of `seed` (GenerateOrder) into `store` through
// Store::Import, so that they land as table files, not in the write-ahead
// log.
Status ImportGenerated(Store& store, uint64_t seed, uint64_t n);

// The source document's example order, as an owned Order.
Order ExampleOrder();

// A time parsed from RFC 3339; the test fails if it does not parse.
Timestamp Time(std::string_view rfc3339);

}  // namespace orderstore::testing

// ASSERT_OK / EXPECT_OK take a Status or a Result<T> and print the status.
#define ASSERT_OK(expr)                                              \
  do {                                                               \
    const auto& _result = (expr); /* keeps a temporary alive */      \
    const ::orderstore::Status& _st =                                \
        ::orderstore::testing::StatusOf(_result);                    \
    ASSERT_TRUE(_st.ok()) << #expr << ": " << _st.ToString();        \
  } while (0)
#define EXPECT_OK(expr)                                              \
  do {                                                               \
    const auto& _result = (expr); /* keeps a temporary alive */      \
    const ::orderstore::Status& _st =                                \
        ::orderstore::testing::StatusOf(_result);                    \
    EXPECT_TRUE(_st.ok()) << #expr << ": " << _st.ToString();        \
  } while (0)

#endif  // ORDERSTORE_TESTS_TEST_UTIL_H_
