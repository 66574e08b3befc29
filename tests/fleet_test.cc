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
#include <cmath>
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
#include "orderstore/reconcile.h"
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

// A process of the real tool, running beside the test; its output goes to
// the file `log`.
pid_t SpawnTool(std::vector<std::string> args, const std::string& log,
                const std::vector<std::string>& env = {}) {
  args.insert(args.begin(), ORDERSTORE_TOOL);
  return Spawn(args, log, env);
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
  pid_t follower = SpawnTool({"--db", Path("db"), "ship", "--to", down, "--follow"}, err);
  std::this_thread::sleep_for(1200ms);
  EXPECT_EQ(StopChild(follower, SIGTERM), 4) << FileContents(err);
  EXPECT_NE(FileContents(err).find("connect: Connection refused; retrying in 0.5 s"),
            std::string::npos) << FileContents(err);
  EXPECT_NE(FileContents(err).find("retrying in 1.0 s"), std::string::npos) << FileContents(err);
  run = RunTool({"--db", Path("db"), "ship", "--to", server->url(), "--table", "s1.orders"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  count = server->Query("SELECT count() FROM s1.orders");
  EXPECT_EQ(*count, "50\n");

  // A follower started while no process writes the store still sees a
  // writer that starts later (each import is one).
  follower = SpawnTool({"--db", Path("db"), "ship", "--to", server->url(), "--table",
                    "s1.orders", "--follow"},
                   err);
  std::this_thread::sleep_for(500ms);
  ASSERT_EQ(RunTool({"--db", Path("db"), "import", "-"},
                    RunTool({"generate", "--count", "20", "--seed", "9"}).out).exit_code, 0);
  for (int i = 0; i < 200 && *count != "70\n"; ++i) {
    std::this_thread::sleep_for(100ms);
    count = server->Query("SELECT count() FROM s1.orders");
    ASSERT_OK(count);
  }
  EXPECT_EQ(*count, "70\n") << FileContents(err);
  EXPECT_EQ(StopChild(follower, SIGTERM), 0) << FileContents(err);
}


// ------------------------------------------------------------- the fleet

// Breaks rule number `rule` of ReconcileRules() in `o` (so that the fleet's
// reconcile has something of every kind to find).
// Amounts stay in cents, as billing amounts are, so that the totals
// query's Decimal conversion holds them (docs/fleet.md, Money).
double Cents(double x) { return std::round(x * 100) / 100; }

void BreakRule(int rule, Order* o) {
  const Timestamp before = [&] {
    Timestamp t = o->create_time;
    t.unix_seconds -= 3600;
    t.nanos = 250000000;
    return t;
  }();
  switch (rule) {
    case 0: o->fee = Cents(o->fee + 1.25); break;
    case 1: o->c_fee = Cents(o->fee + 0.5); break;
    case 2:
      o->status = OrderStatus::kComplete;
      o->items.back().status = ItemStatus::kFailed;
      break;
    case 3:
      o->status = OrderStatus::kCanceled;
      o->pay_time = before;
      break;
    case 4:
      o->status = OrderStatus::kRefund;
      o->items.front().status = ItemStatus::kSuccess;
      break;
    case 5: o->pay_time = before; break;
    case 6: o->expire_time = before; break;
    case 7: {
      OrderItem& item = o->items.front();
      if (!item.life_start_time.is_set()) item.life_start_time = o->create_time;
      item.life_expire_time = item.life_start_time;
      item.life_expire_time.unix_seconds -= 86400;
      item.life_expire_time.nanos = 5000;
      break;
    }
  }
}

// One shard of the fleet: a store, open for writing in this process (the
// daemon), and `orderstore ship --follow` beside it.
struct Shard {
  std::string db, table, err;
  std::unique_ptr<Store> store;
  pid_t shipper = -1;
  std::vector<OrderHash> hashes;  // what was generated into it
  uint64_t round = 0;

  void StartShipper(const ClickHouseServer& server) {
    shipper = SpawnTool({"--db", db, "ship", "--to", server.url(), "--table", table,
                     "--follow", "--batch", "150"},
                    err);
  }

  // Status updates, replacements (some breaking a rule) and deletes of a
  // few orders, in one batch or one UpdateStatus each.
  void Change(size_t count) {
    WriteBatch batch;
    WriteOptions write;
    write.actor = "fleet_test";
    for (size_t k = 0; k < count; ++k) {
      const OrderHash hash = hashes[(round * 7919 + k * 104729) % hashes.size()];
      Result<PinnedOrder> got = store->Get(ReadOptions(), hash);
      if (!got.ok()) continue;  // deleted earlier
      Order o = got->view().ToOwned();
      switch ((round + k) % 5) {
        case 0: {  // a status update the lifecycle allows, if any
          StatusUpdate update;
          update.order_status = o.status == OrderStatus::kNew ? OrderStatus::kPaid
                                                              : OrderStatus::kRefund;
          (void)store->UpdateStatus(write, got->view(), update);
          break;
        }
        case 1:
        case 2:
          if (o.items.empty()) break;
          BreakRule(static_cast<int>((round + k) % 8), &o);
          EXPECT_OK(batch.Put(o));
          break;
        case 3:
          o.fee = Cents(o.fee + 0.01);
          o.c_fee = std::min(o.c_fee, o.fee);
          EXPECT_OK(batch.Put(o));
          break;
        case 4:
          batch.Delete(hash);
          break;
      }
    }
    if (batch.size() > 0) EXPECT_OK(store->Write(write, batch));
    ++round;
  }
};

TEST_F(ShipTest, FleetOfTwoStoresEqualsTheirDumpsAndReconcile) {
  ORDERSTORE_START_CLICKHOUSE(server, dir_.string());
  ASSERT_OK(server->CreateFleetTables());
  Shard shards[2];
  for (int i = 0; i < 2; ++i) {
    Shard& s = shards[i];
    s.db = Path("store" + std::to_string(i));
    s.table = "s" + std::to_string(i + 1) + ".orders";
    s.err = Path("ship" + std::to_string(i) + ".err");
    ToolRun generated =
        RunTool({"generate", "--count", "4000", "--seed", std::to_string(31 + i)});
    ASSERT_EQ(generated.exit_code, 0);
    ASSERT_EQ(RunTool({"--db", s.db, "import", "-"}, generated.out).exit_code, 0);
    OrderParser parser;
    for (const std::string& line : Lines(generated.out)) {
      s.hashes.push_back(parser.ParseOne(line)->hash);
    }
    auto store = Store::Open(Options(), s.db);
    ASSERT_OK(store);
    s.store = std::move(*store);
    s.StartShipper(*server);
  }
  for (int r = 0; r < 5; ++r) {
    for (Shard& s : shards) s.Change(120);
    std::this_thread::sleep_for(100ms);
  }

  // A burst on shard 0, its shipper killed while ClickHouse holds part of
  // it: strictly after the burst's first change, before its last.
  Shard& a = shards[0];
  ShipOptions a_options = server->Destination(a.table);
  a_options.shard = *StoreShardName(*a.store);
  const uint64_t burst_start = a.store->ChangeFeed().latest;
  for (int r = 0; r < 10; ++r) a.Change(300);
  const uint64_t burst_end = a.store->ChangeFeed().latest;
  uint64_t high = 0;
  for (int i = 0; i < 3000; ++i) {
    Result<uint64_t> h = ShippedCursor(a_options);
    high = h.ok() ? *h : 0;
    if (high > burst_start + 150) break;
    std::this_thread::sleep_for(2ms);
  }
  EXPECT_EQ(StopChild(a.shipper, SIGKILL), 128 + SIGKILL);
  EXPECT_GT(high, burst_start) << "the shipper had not started on the burst";
  EXPECT_LT(high, burst_end) << "the shipper had finished the burst before the kill";
  a.StartShipper(*server);

  for (int r = 0; r < 5; ++r) {
    for (Shard& s : shards) s.Change(120);
    std::this_thread::sleep_for(100ms);
  }
  // Every change committed, ClickHouse holds every change.
  for (Shard& s : shards) {
    ShipOptions options = server->Destination(s.table);
    options.shard = *StoreShardName(*s.store);
    const uint64_t latest = s.store->ChangeFeed().latest;
    uint64_t shipped = 0;
    for (int i = 0; i < 300 && shipped < latest; ++i) {
      std::this_thread::sleep_for(100ms);
      Result<uint64_t> h = ShippedCursor(options);
      shipped = h.ok() ? *h : 0;
    }
    EXPECT_EQ(shipped, latest) << FileContents(s.err);
    EXPECT_EQ(StopChild(s.shipper, SIGTERM), 0) << FileContents(s.err);
    s.store.reset();
  }

  // SELECT ... FINAL over the Distributed table is the union of the dumps.
  std::vector<std::string> dumps, findings, window, totals_input;
  const auto queries = DocQueries();
  for (Shard& s : shards) {
    ToolRun dump = RunTool({"--db", s.db, "dump"});
    ASSERT_EQ(dump.exit_code, 0) << dump.err;
    for (std::string& line : Lines(dump.out)) dumps.push_back(line);
    ToolRun reconcile = RunTool({"--db", s.db, "reconcile"});
    ASSERT_EQ(reconcile.exit_code, 5) << reconcile.err;
    for (std::string& line : Lines(reconcile.out)) findings.push_back(line);
    ToolRun list = RunTool({"--db", s.db, "list", "--created-after", "2020-10-01T00:00:00Z",
                            "--created-before", "2020-11-01T00:00:00Z", "--status", "paid",
                            "--status", "complete"});
    ASSERT_EQ(list.exit_code, 0) << list.err;
    for (std::string& line : Lines(list.out)) window.push_back(line);
  }
  const std::vector<std::string> fleet = FleetDump(*server);
  EXPECT_GT(dumps.size(), 7000u);
  EXPECT_EQ(fleet.size(), dumps.size());
  EXPECT_TRUE(Sorted(fleet) == Sorted(dumps)) << "the fleet's orders differ from the dumps";

  // Every rule's query of docs/fleet.md finds what the stores find, detail
  // text included; the one-scan query the same (order, rule) pairs.
  std::vector<std::string> fleet_findings;
  std::set<std::string> rules_found;
  for (const ReconcileRule& rule : ReconcileRules()) {
    ASSERT_TRUE(queries.count(std::string(rule.name))) << rule.name;
    Result<std::string> rows = server->Query(
        queries.at(std::string(rule.name)) + " FORMAT JSONEachRow", "", "s1");
    ASSERT_OK(rows);
    for (std::string& line : FindingLines(*rows)) {
      fleet_findings.push_back(line);
      rules_found.insert(std::string(rule.name));
    }
  }
  EXPECT_EQ(rules_found.size(), ReconcileRules().size()) << "a rule found nothing";
  EXPECT_EQ(fleet_findings.size(), findings.size());
  EXPECT_TRUE(Sorted(fleet_findings) == Sorted(findings)) << "the findings differ";
  Result<std::string> pairs =
      server->Query(queries.at("reconcile") + " FORMAT TabSeparated", "", "s1");
  ASSERT_OK(pairs);
  std::vector<std::string> want_pairs;
  simdjson::dom::parser json;
  for (const std::string& line : findings) {
    simdjson::dom::element f = json.parse(line).value();
    want_pairs.push_back(std::string(f["order"].get_string().value()) + "\t" +
                         std::string(f["rule"].get_string().value()));
  }
  EXPECT_TRUE(Lines(*pairs) == Sorted(want_pairs)) << "the one-scan reconcile differs";

  // The created-time window with statuses: the stores' `list`.
  Result<std::string> rows = server->Query(queries.at("window") + " FORMAT TabSeparated", "", "s1");
  ASSERT_OK(rows);
  std::vector<std::string> want_window;
  OrderParser parser;
  for (const std::string& line : window) {
    Result<Order> o = parser.ParseOne(line);
    ASSERT_OK(o);
    want_window.push_back(o->hash.ToHex() + "\t" + FormatTimestamp(o->create_time) + "\t" +
                          std::string(ToString(o->status)));
  }
  EXPECT_FALSE(want_window.empty());
  EXPECT_TRUE(Sorted(Lines(*rows)) == Sorted(want_window)) << *rows;

  // Totals per status, to the unit of 10^-8: the dumps' amounts added up.
  std::map<std::string, std::tuple<size_t, __int128, __int128>> want_totals;
  std::map<std::string, Order> by_hash;
  for (const std::string& line : dumps) {
    Result<Order> o = parser.ParseOne(line);
    ASSERT_OK(o);
    auto& [count, fee, c_fee] = want_totals[std::string(ToString(o->status))];
    ++count;
    fee += Units(AmountText(o->fee));
    c_fee += Units(AmountText(o->c_fee));
    by_hash[o->hash.ToHex()] = *o;
  }
  rows = server->Query(queries.at("totals") + " FORMAT TabSeparated", "", "s1");
  ASSERT_OK(rows);
  size_t statuses = 0;
  for (const std::string& line : Lines(*rows)) {
    std::vector<std::string> f;
    std::stringstream cells(line);
    for (std::string cell; std::getline(cells, cell, '\t');) f.push_back(cell);
    ASSERT_EQ(f.size(), 4u) << line;
    ASSERT_TRUE(want_totals.count(f[0])) << line;
    const auto& [count, fee, c_fee] = want_totals[f[0]];
    EXPECT_EQ(std::stoul(f[1]), count) << line;
    EXPECT_TRUE(Units(f[2]) == fee && Units(f[3]) == c_fee) << line;
    ++statuses;
  }
  EXPECT_EQ(statuses, want_totals.size());

  // One order's detail, from anywhere: the order `orderstore get` gives,
  // times rebuilt as strings by the documented expression.
  for (const std::string& hash : {by_hash.begin()->first, by_hash.rbegin()->first}) {
    std::string sql = queries.at("detail");
    sql.replace(sql.find("602892b7b500000eed4190e932000000"), 32, hash);
    rows = server->Query(sql + " FORMAT JSONEachRow", "", "s1");
    ASSERT_OK(rows);
    ASSERT_EQ(Lines(*rows).size(), 1u) << *rows;
    simdjson::dom::element r = json.parse(Lines(*rows)[0]).value();
    Order o;
    o.hash = *OrderHash::Parse(r["order"].get_string().value());
    o.fee = r["fee"].get_double().value();
    o.c_fee = r["c_fee"].get_double().value();
    o.create_time = Time(r["create_time"].get_string().value());
    o.pay_time = Time(r["pay_time"].get_string().value());
    o.cancel_time = Time(r["cancel_time"].get_string().value());
    o.expire_time = Time(r["expire_time"].get_string().value());
    o.status = *ParseOrderStatus(r["status"].get_string().value());
    auto column = [&](const std::string& n) { return r["items." + n].get_array().value(); };
    for (size_t i = 0; i < column("order_type").size(); ++i) {
      OrderItem item;
      item.order_type = column("order_type").at(i).get_string().value();
      item.resource_type = column("resource_type").at(i).get_string().value();
      item.resource_id = column("resource_id").at(i).get_string().value();
      item.region = column("region").at(i).get_string().value();
      item.price = column("price").at(i).get_double().value();
      item.status = *ParseItemStatus(column("status").at(i).get_string().value());
      item.life_start_time = Time(column("life_start_time").at(i).get_string().value());
      item.life_expire_time = Time(column("life_expire_time").at(i).get_string().value());
      o.items.push_back(item);
    }
    EXPECT_TRUE(o == by_hash[hash]) << hash << ": " << Lines(*rows)[0];
  }
}

}  // namespace
}  // namespace orderstore::testing
