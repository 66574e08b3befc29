// Shipping the change feed into a real ClickHouse (tests/clickhouse_server.h)
// and asking the fleet's questions of docs/fleet.md there.
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <simdjson.h>
#include <sstream>
#include <thread>

#include "orderstore/json_export.h"
#include "orderstore/json_import.h"
#include "orderstore/lifecycle.h"
#include "orderstore/ship.h"
#include "orderstore/store.h"
#include "tests/clickhouse_server.h"
#include "tests/test_util.h"

namespace orderstore::testing {
namespace {

using namespace std::chrono_literals;

// ----------------------------------------------------------- helpers

// The named queries of docs/fleet.md: each ```sql block whose first line is
// "-- query: NAME", without the trailing ';'.
std::map<std::string, std::string> DocQueries() {
  std::ifstream in(std::string(ORDERSTORE_SOURCE_DIR) + "/docs/fleet.md");
  std::map<std::string, std::string> queries;
  std::string line, name, sql;
  bool inside = false;
  while (std::getline(in, line)) {
    if (!inside && line == "```sql") {
      inside = true;
      name.clear();
      sql.clear();
    } else if (inside && line == "```") {
      inside = false;
      while (!sql.empty() && (sql.back() == '\n' || sql.back() == ';')) sql.pop_back();
      if (!name.empty()) queries[name] = sql;
    } else if (inside && line.starts_with("-- query: ")) {
      name = line.substr(10);
    } else if (inside) {
      sql += line + "\n";
    }
  }
  return queries;
}

// A process of the real tool, running beside the test.
pid_t Spawn(const std::vector<std::string>& args, const std::string& err_path,
            const std::vector<std::string>& env = {}) {
  pid_t child = fork();
  if (child == 0) {
    int out = open("/dev/null", O_WRONLY);
    int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(out, 1);
    dup2(err, 2);
    for (const std::string& entry : env) putenv(strdup(entry.c_str()));
    std::vector<char*> argv = {const_cast<char*>(ORDERSTORE_TOOL)};
    for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    execv(ORDERSTORE_TOOL, argv.data());
    _exit(127);
  }
  return child;
}

int Stop(pid_t pid, int signal) {
  kill(pid, signal);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A JSON value ClickHouse wrote as a number, or as a quoted one (its 64-bit
// integers).
template <typename T>
T Int(simdjson::dom::element e) {
  if (e.is_string()) {
    std::string_view text = e.get_string().value();
    T value{};
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
  }
  if constexpr (std::is_signed_v<T>) return static_cast<T>(e.get_int64().value());
  return static_cast<T>(e.get_uint64().value());
}

Timestamp TimeOf(simdjson::dom::element s, simdjson::dom::element ns,
                 simdjson::dom::element offset) {
  Timestamp t;
  t.unix_seconds = Int<int64_t>(s);
  t.nanos = Int<int32_t>(ns);
  t.offset_minutes = Int<int16_t>(offset);
  return t;
}

// The fleet's current orders, each exported as `orderstore dump` prints
// it, rebuilt from the shipped columns (amounts from their bits, times
// from their three parts).
std::vector<std::string> FleetDump(const ClickHouseServer& server) {
  Result<std::string> rows = server.Query(
      "SELECT * FROM orders_all FINAL WHERE deleted = 0 ORDER BY `order` "
      "FORMAT JSONEachRow", "", "s1");
  EXPECT_OK(rows);
  std::vector<std::string> lines;
  if (!rows.ok()) return lines;
  simdjson::dom::parser parser;
  for (const std::string& line : Lines(*rows)) {
    simdjson::dom::element r = parser.parse(line).value();
    Order o;
    o.hash = *OrderHash::Parse(r["order"].get_string().value());
    o.fee = std::bit_cast<double>(Int<uint64_t>(r["fee_bits"]));
    o.c_fee = std::bit_cast<double>(Int<uint64_t>(r["c_fee_bits"]));
    auto time = [&](const std::string& n) {
      return TimeOf(r[n], r[n + "_ns"], r[n + "_offset"]);
    };
    o.create_time = time("create_time");
    o.pay_time = time("pay_time");
    o.cancel_time = time("cancel_time");
    o.expire_time = time("expire_time");
    o.status = *ParseOrderStatus(r["status"].get_string().value());
    auto column = [&](const std::string& n) { return r["items." + n].get_array().value(); };
    const size_t count = column("order_type").size();
    for (size_t i = 0; i < count; ++i) {
      OrderItem item;
      item.order_type = column("order_type").at(i).get_string().value();
      item.resource_type = column("resource_type").at(i).get_string().value();
      item.resource_id = column("resource_id").at(i).get_string().value();
      item.region = column("region").at(i).get_string().value();
      item.price = std::bit_cast<double>(Int<uint64_t>(column("price_bits").at(i)));
      item.status = *ParseItemStatus(column("status").at(i).get_string().value());
      auto item_time = [&](const std::string& n) {
        return TimeOf(column(n).at(i), column(n + "_ns").at(i), column(n + "_offset").at(i));
      };
      item.life_start_time = item_time("life_start_time");
      item.life_expire_time = item_time("life_expire_time");
      o.items.push_back(std::move(item));
    }
    std::string json;
    EXPECT_OK(AppendOrderJson(o, &json));
    lines.push_back(json);
  }
  return lines;
}

// What `orderstore reconcile` prints, one finding a line, for a JSONEachRow
// answer of (order, rule, detail) rows.
std::vector<std::string> FindingLines(const std::string& rows) {
  std::vector<std::string> lines;
  simdjson::dom::parser parser;
  for (const std::string& line : Lines(rows)) {
    simdjson::dom::element r = parser.parse(line).value();
    std::string out = "{\"order\":\"" + std::string(r["order"].get_string().value()) +
                      "\",\"rule\":";
    AppendJsonString(r["rule"].get_string().value(), &out);
    out += ",\"detail\":";
    AppendJsonString(r["detail"].get_string().value(), &out);
    lines.push_back(out + "}");
  }
  return lines;
}

// An amount's exported text as a count of 10^-8 (every generated amount has
// at most 8 decimals).
__int128 Units(std::string_view text) {
  __int128 units = 0;
  int decimals = -1;
  for (char c : text) {
    if (c == '.') {
      decimals = 0;
      continue;
    }
    units = units * 10 + (c - '0');
    if (decimals >= 0) ++decimals;
  }
  for (int d = std::max(decimals, 0); d < 8; ++d) units *= 10;
  return units;
}

std::string AmountText(double x) {
  std::string text;
  AppendJsonNumber(x, &text);
  return text;
}

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

class ShipTest : public TempDirTest {};

// ------------------------------------------------------------- money

TEST_F(ShipTest, EveryAmountReadsBackExactly) {
  ORDERSTORE_START_CLICKHOUSE(server, dir_.string());
  ASSERT_OK(server->CreateFleetTables());
  auto store = Store::Open(Options(), Path("db"));
  ASSERT_OK(store);
  // Amounts Float64 text parsing gets wrong in 18.16, the extremes the
  // validator accepts, and generated orders' ordinary ones.
  const double tricky[] = {5.81, 0.1, 29.55, 16.25, 13.3, 0.3, 1e-7, 5e-324,
                           1.7976931348623157e308, 123456789.12345679, 0,
                           9007199254740993.0, 2.2250738585072014e-308};
  ToolRun generated = RunTool({"generate", "--count", "300", "--seed", "5"});
  ASSERT_EQ(generated.exit_code, 0);
  OrderParser parser;
  WriteBatch batch;
  std::vector<Order> written;
  size_t n = 0;
  for (const std::string& line : Lines(generated.out)) {
    Result<Order> order = parser.ParseOne(line);
    ASSERT_OK(order);
    if (n < std::size(tricky)) {
      order->fee = tricky[n];
      order->c_fee = tricky[(n + 1) % std::size(tricky)];
      for (size_t i = 0; i < order->items.size(); ++i) {
        order->items[i].price = tricky[(n + 2 + i) % std::size(tricky)];
      }
    }
    ++n;
    ASSERT_OK(batch.Put(*order));
    written.push_back(*order);
  }
  ASSERT_OK((*store)->Write(WriteOptions(), batch));
  ShipOptions options = server->Destination("s1.orders");
  options.shard = "money";
  options.batch = 64;
  uint64_t cursor = 0, shipped = 0;
  ASSERT_OK(ShipChanges(**store, options, &cursor, &shipped));
  EXPECT_EQ(shipped, written.size());

  // The Float64 columns as ClickHouse prints them, read back with a
  // correctly rounding parser: the store's doubles, bit for bit.
  Result<std::string> rows = server->Query(
      "SELECT `order`, toString(fee) AS f, toString(c_fee) AS c, "
      "arrayMap(x -> toString(x), `items.price`) AS p FROM orders FINAL "
      "FORMAT JSONEachRow", "", "s1");
  ASSERT_OK(rows);
  std::map<std::string, const Order*> by_hash;
  for (const Order& o : written) by_hash[o.hash.ToHex()] = &o;
  simdjson::dom::parser json;
  size_t seen = 0, amounts = 0;
  auto check = [&](std::string_view text, double want, const std::string& what) {
    const double got = std::strtod(std::string(text).c_str(), nullptr);
    EXPECT_EQ(std::bit_cast<uint64_t>(got), std::bit_cast<uint64_t>(want))
        << what << ": ClickHouse has " << text << ", the store " << AmountText(want);
    if (want >= 1e-6 && want < 1e21) {
      EXPECT_EQ(text, AmountText(want)) << what;
    }
    ++amounts;
  };
  for (const std::string& line : Lines(*rows)) {
    simdjson::dom::element r = json.parse(line).value();
    const std::string hash(r["order"].get_string().value());
    ASSERT_TRUE(by_hash.count(hash)) << hash;
    const Order& o = *by_hash[hash];
    check(r["f"].get_string().value(), o.fee, hash + " fee");
    check(r["c"].get_string().value(), o.c_fee, hash + " c_fee");
    simdjson::dom::array prices = r["p"].get_array().value();
    ASSERT_EQ(prices.size(), o.items.size());
    for (size_t i = 0; i < o.items.size(); ++i) {
      check(prices.at(i).get_string().value(), o.items[i].price,
            hash + " items[" + std::to_string(i) + "].price");
    }
    ++seen;
  }
  EXPECT_EQ(seen, written.size());
  EXPECT_GT(amounts, 3 * written.size());
}

// ------------------------------------------------------------ failures

TEST_F(ShipTest, FailuresAreOneLineAndLeaveTheCursor) {
  ORDERSTORE_START_CLICKHOUSE(server, dir_.string());
  ASSERT_OK(server->CreateFleetTables());
  ASSERT_EQ(RunTool({"--db", Path("db"), "import", "-"},
                    RunTool({"generate", "--count", "50"}).out).exit_code, 0);
  auto store = Store::Open(Options(), Path("db"));
  ASSERT_OK(store);

  ShipOptions refused = server->Destination("s1.no_such_table");
  refused.shard = "x";
  uint64_t cursor = 7;
  Status s = ShipChanges(**store, refused, &cursor);
  EXPECT_TRUE(s.IsIOError()) << s.ToString();
  EXPECT_NE(s.message().find("HTTP 404"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find('\n'), std::string::npos) << s.message();
  EXPECT_EQ(cursor, 7u);

  // Slow: a listener that accepts and never answers.
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(listener, 4), 0);
  getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
  ShipOptions slow = server->Destination("s1.orders");
  slow.port = ntohs(addr.sin_port);
  slow.shard = "x";
  slow.timeout = 300ms;
  s = ShipChanges(**store, slow, &cursor);
  EXPECT_NE(s.message().find("no answer within 300 ms"), std::string::npos) << s.message();
  EXPECT_EQ(cursor, 7u);
  close(listener);
  store->reset();

  // Down: nothing listens on the slow port any more.
  const std::string down = "http://127.0.0.1:" + std::to_string(slow.port);
  ToolRun run = RunTool({"--db", Path("db"), "ship", "--to", down});
  EXPECT_EQ(run.exit_code, 4);
  EXPECT_EQ(Lines(run.err).size(), 1u) << run.err;
  EXPECT_NE(run.err.find("connect: Connection refused"), std::string::npos) << run.err;

  // Refused credentials: one line, the password nowhere.
  run = RunTool({"--db", Path("db"), "ship", "--to", server->url(), "--table", "s1.orders"},
                "", {"CLICKHOUSE_USER=nobody", "CLICKHOUSE_PASSWORD=sekrit-4711"});
  EXPECT_EQ(run.exit_code, 4);
  EXPECT_EQ(Lines(run.err).size(), 1u) << run.err;
  EXPECT_EQ(run.err.find("sekrit-4711"), std::string::npos) << run.err;
  Result<std::string> count = server->Query("SELECT count() FROM s1.orders");
  ASSERT_OK(count);
  EXPECT_EQ(*count, "0\n");

  // --follow says it retries, and keeps its cursor: once the server is
  // reachable it ships everything.
  const std::string err = Path("follow.err");
  pid_t follower = Spawn({"--db", Path("db"), "ship", "--to", down, "--follow"}, err);
  std::this_thread::sleep_for(1200ms);
  EXPECT_EQ(Stop(follower, SIGTERM), 4) << Slurp(err);
  EXPECT_NE(Slurp(err).find("connect: Connection refused; retrying in 0.5 s"),
            std::string::npos) << Slurp(err);
  EXPECT_NE(Slurp(err).find("retrying in 1.0 s"), std::string::npos) << Slurp(err);
  run = RunTool({"--db", Path("db"), "ship", "--to", server->url(), "--table", "s1.orders"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  count = server->Query("SELECT count() FROM s1.orders");
  EXPECT_EQ(*count, "50\n");
}

}  // namespace
}  // namespace orderstore::testing
