#include "tests/test_util.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "orderstore/generate.h"

namespace orderstore::testing {

void TempDirTest::SetUp() {
  const ::testing::TestInfo* info =
      ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string(info->test_suite_name()) + "." + info->name();
  for (char& c : name) {
    if (c == '/') c = '_';
  }
  dir_ = std::filesystem::temp_directory_path() /
         ("orderstore_test_" + std::to_string(getpid()) + "_" + name);
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
}

void TempDirTest::TearDown() { std::filesystem::remove_all(dir_); }

void StoreTest::SetUp() {
  TempDirTest::SetUp();
  write_.sync = false;
  Result<std::unique_ptr<Store>> store = Store::Open(Options(), Path("db"));
  ASSERT_OK(store);
  store_ = std::move(store).value();
}

// The store closes before its directory goes: RocksDB may still be deleting
// obsolete files in the background, and remove_all then fails on a file
// that vanished under it.
void StoreTest::TearDown() {
  store_.reset();
  TempDirTest::TearDown();
}

namespace {

// In a forked child: makes `in`, `out` and `err` its standard streams, adds
// `env` to its environment and runs argv[0]; exits 127 if that fails.
[[noreturn]] void ExecChild(const std::vector<std::string>& argv, int in,
                            int out, int err,
                            const std::vector<std::string>& env) {
  dup2(in, 0);
  dup2(out, 1);
  dup2(err, 2);
  for (const std::string& entry : env) putenv(strdup(entry.c_str()));
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  execv(args[0], args.data());
  _exit(127);
}

}  // namespace

ToolRun RunTool(const std::vector<std::string>& args,
                const std::string& stdin_text,
                const std::vector<std::string>& env) {
  const std::filesystem::path scratch =
      std::filesystem::temp_directory_path() /
      ("orderstore_run_" + std::to_string(getpid()));
  std::filesystem::create_directories(scratch);
  const auto in_path = scratch / "stdin", out_path = scratch / "stdout",
             err_path = scratch / "stderr";
  std::ofstream(in_path, std::ios::binary) << stdin_text;

  ToolRun run;
  std::vector<std::string> argv = {ORDERSTORE_TOOL};
  argv.insert(argv.end(), args.begin(), args.end());
  pid_t child = fork();
  if (child == 0) {
    ExecChild(argv, open(in_path.c_str(), O_RDONLY),
              open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644),
              open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644), env);
  }
  int status = 0;
  waitpid(child, &status, 0);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.out = FileContents(out_path);
  run.err = FileContents(err_path);
  std::filesystem::remove_all(scratch);
  return run;
}

Timestamp Time(std::string_view rfc3339) {
  Result<Timestamp> t = ParseTimestamp(rfc3339);
  EXPECT_TRUE(t.ok()) << rfc3339 << ": " << t.status().ToString();
  return t.ok() ? *t : Timestamp::Unset();
}

Order ExampleOrder() {
  Order order;
  order.hash = *OrderHash::Parse("602892b7b500000eed4190e932000000");
  order.fee = 29.55;
  order.c_fee = 29.55;
  order.create_time = Time("2020-09-16T11:57:18Z");
  order.pay_time = Time("2020-09-17T14:58:22Z");
  order.cancel_time = Timestamp::Unset();
  order.expire_time = Time("2020-09-23T19:57:18+08:00");
  order.status = OrderStatus::kComplete;
  OrderItem item;
  item.order_type = "create";
  item.resource_type = "instance";
  item.resource_id = "i-xxxx";
  item.region = "cn-qingdao";
  item.price = 16.25;
  item.status = ItemStatus::kSuccess;
  item.life_start_time = Time("2020-09-17T14:59:07Z");
  item.life_expire_time = Time("2020-10-18T00:00:00Z");
  order.items.push_back(item);
  item.resource_type = "disk";
  item.resource_id = "d-xxxx";
  item.price = 13.3;
  order.items.push_back(item);
  return order;
}

std::string FileContents(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

pid_t Spawn(const std::vector<std::string>& argv, const std::string& output,
            const std::vector<std::string>& env) {
  pid_t child = fork();
  if (child == 0) {
    int out = open(output.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    ExecChild(argv, open("/dev/null", O_RDONLY), out, out, env);
  }
  return child;
}

int StopChild(pid_t pid, int signal) {
  if (pid <= 0) return -1;  // never kill(-1, ...): every process we may signal
  kill(pid, signal);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

ToolRun ToolStoreTest::Run(std::vector<std::string> args,
                           const std::string& input) {
  args.insert(args.begin(), {"--db", Path("db")});
  return RunTool(args, input);
}

Status ImportGenerated(Store& store, uint64_t seed, uint64_t n) {
  WriteBatch batch;
  for (uint64_t i = 0; i < n; ++i) {
    Status s = batch.Put(GenerateOrder(seed, i));
    if (!s.ok()) return s;
  }
  return store.Import(batch);
}

void ToolStoreTest::Load(uint64_t seed, uint64_t n,
                         const std::function<void(uint64_t, Order*)>& mutate) {
  auto store = Store::Open(Options(), Path("db"));
  ASSERT_OK(store);
  WriteBatch batch;
  for (uint64_t i = 0; i < n; ++i) {
    Order order = GenerateOrder(seed, i);
    if (mutate) mutate(i, &order);
    orders_.push_back(order);
    ASSERT_OK(batch.Put(order));
  }
  ASSERT_OK((*store)->Write(WriteOptions(), batch));
}

}  // namespace orderstore::testing
