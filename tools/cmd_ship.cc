// orderstore ship: the change feed into ClickHouse (include/orderstore/ship.h,
// docs/fleet.md).
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "orderstore/ship.h"
#include "orderstore/store.h"
#include "cli.h"

namespace orderstore::tool {
namespace {

std::atomic<bool> stopping{false};
extern "C" void OnStop(int) { stopping.store(true); }

// Sleeps `duration`, waking early when interrupted; false if interrupted.
bool Pause(std::chrono::milliseconds duration) {
  const auto until = std::chrono::steady_clock::now() + duration;
  while (!stopping.load()) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= until) return true;
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(until - now,
                                                      std::chrono::milliseconds(100)));
  }
  return false;
}

// Only a destination failure is worth retrying: a trimmed feed or a damaged
// change will be the same next time.
bool Retryable(const Status& s) { return s.code() == Status::Code::kIOError; }

}  // namespace

const char kShipHelp[] =
    R"(usage: orderstore [--db DIR] ship --to http://HOST:PORT [--table T]
                             [--batch N] [--follow] [--shard NAME]
                             [--credentials FILE] [--timeout MS]
       orderstore ship --print-schema [--table T] [--cluster C]

Sends the store's change feed into ClickHouse (docs/fleet.md): every change
after the last one ClickHouse holds for this store's shard, one row per
change, as INSERT INTO T FORMAT JSONEachRow over HTTP, N changes per INSERT.
The cursor is ClickHouse's own: max(version) of the shard's rows, so a
batch counts as shipped exactly when ClickHouse acknowledged it, and the
shipper keeps no state. Delivery is at least once; a replayed row is
harmless (the table keeps each order's highest version). Works while
another process has the store open for writing.

  --to URL            ClickHouse's HTTP interface, http://HOST:PORT
  --table T           the local table, NAME or DATABASE.NAME (default orders)
  --batch N           changes per INSERT, 1 to 100000 (default 10000)
  --follow            keep shipping changes as they are committed, until
                      interrupted; when ClickHouse is down, slow or refuses,
                      say so and retry, waiting 0.5 s, then twice as long
                      each time up to 30 s
  --shard NAME        the shard name rows carry (default: store:<the store's
                      RocksDB identity>, unique to the store)
  --credentials FILE  the ClickHouse user (first line) and password (second
                      line); otherwise $CLICKHOUSE_USER and
                      $CLICKHOUSE_PASSWORD when set; never on the command line
  --timeout MS        how long one request may take (default 30000)
  --print-schema      print the tables' DDL and exit: the local
                      ReplacingMergeTree table T and the Distributed table
                      T_all (feed it to clickhouse-client's multi-query mode)
  --cluster C         with --print-schema: the cluster of T_all (default fleet)
  --verbose           say how the store was opened and each batch shipped
  --db DIR            the store (default: $ORDERSTORE_DB, else ./orderstore.db)

Exit: 0 shipped (or interrupted while following), 2 usage error, 4 store or
ClickHouse error (the cursor stays at the last acknowledged change), or the
changes after the cursor were already trimmed (reload the shard from a dump).
)";

int Ship(const Args& args) {
  FlagParser flags("ship", args.words);
  if (!flags.Parse({"--follow", "--print-schema", "--verbose"},
                   {"--to", "--table", "--batch", "--shard", "--credentials",
                    "--timeout", "--cluster"},
                   FlagParser::Operands::kNone)) {
    return kExitUsage;
  }
  ShipOptions options;
  options.table = flags.Value("--table").value_or("orders");
  if (flags.Has("--print-schema")) {
    Result<std::string> ddl =
        ShipSchema(options.table, flags.Value("--cluster").value_or("fleet"));
    if (!ddl.ok()) return flags.UsageError(ddl.status().message());
    return Emit(*ddl) ? kExitOk : kExitStoreError;
  }
  if (flags.Has("--cluster")) return flags.UsageError("--cluster goes with --print-schema");
  if (!flags.Has("--to")) return flags.UsageError("--to is required");
  if (Status s = ParseShipUrl(*flags.Value("--to"), &options); !s.ok()) {
    return flags.UsageError(s.message());
  }
  if (Result<std::string> ddl = ShipSchema(options.table, "fleet"); !ddl.ok()) {
    return flags.UsageError(ddl.status().message());
  }
  std::optional<uint64_t> batch = flags.Count("--batch", 10000);
  std::optional<uint64_t> timeout = flags.Count("--timeout", 30000);
  if (!batch || !timeout) return kExitUsage;
  if (*batch == 0 || *batch > kMaxShipBatch) {
    return flags.UsageError("--batch wants 1 to " + std::to_string(kMaxShipBatch));
  }
  if (*timeout == 0) return flags.UsageError("--timeout wants a positive number");
  options.batch = *batch;
  options.timeout = std::chrono::milliseconds(*timeout);
  if (Status s = LoadShipCredentials(flags.Value("--credentials").value_or(""), &options);
      !s.ok()) {
    PrintError("ship", s.message());
    return ExitCodeFor(s);
  }
  const bool follow = flags.Has("--follow"), verbose = flags.Has("--verbose");
  struct sigaction action {};
  action.sa_handler = OnStop;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);

  // Following, the store is always a secondary instance: a read-only one
  // never sees a later write, and the writer may start (or restart, as
  // each `orderstore import` does) after the shipper.
  OpenedStore opened;
  if (follow) {
    Options open_options;
    open_options.read_only = true;
    open_options.secondary = true;
    Result<std::unique_ptr<Store>> secondary = Store::Open(open_options, args.db);
    if (!secondary.ok()) {
      PrintError("ship", secondary.status().message());
      return kExitStoreError;
    }
    opened.store = std::move(*secondary);
    if (verbose) {
      std::fprintf(stderr, "orderstore: ship: following store %s as a RocksDB "
                           "secondary instance\n", args.db.c_str());
    }
  } else {
    opened = OpenForReading(args.db, "ship", verbose);
    if (!opened.store) return opened.exit_code;
  }
  const Store& store = *opened.store;
  if (flags.Has("--shard")) {
    options.shard = *flags.Value("--shard");
    if (options.shard.empty()) return flags.UsageError("--shard wants a name");
  } else {
    Result<std::string> shard = StoreShardName(store);
    if (!shard.ok()) {
      PrintError("ship", shard.status().message());
      return ExitCodeFor(shard.status());
    }
    options.shard = *shard;
  }

  constexpr std::chrono::milliseconds kFirstWait{500}, kLongestWait{30000};
  std::chrono::milliseconds wait = kFirstWait;
  // Reports a failure; while following a retryable one, waits and returns
  // true (try again).
  auto retry = [&](const Status& s) {
    if (!follow || !Retryable(s)) {
      PrintError("ship", s.message());
      return false;
    }
    std::fprintf(stderr, "orderstore: ship: %s; retrying in %.1f s\n",
                 s.message().c_str(), wait.count() / 1000.0);
    const bool go_on = Pause(wait);
    wait = std::min(wait * 2, kLongestWait);
    return go_on;
  };

  std::optional<uint64_t> cursor;
  uint64_t shipped = 0;
  Status failure;
  while (!stopping.load()) {
    if (!cursor) {
      Result<uint64_t> high = ShippedCursor(options);
      if (!high.ok()) {
        if (retry(high.status())) continue;
        failure = high.status();
        break;
      }
      cursor = *high;
      if (verbose) {
        std::fprintf(stderr, "orderstore: ship: shard %s: ClickHouse holds up to change %llu\n",
                     options.shard.c_str(), static_cast<unsigned long long>(*cursor));
      }
    }
    const uint64_t before = shipped;
    Status s = ShipChanges(store, options, &*cursor, &shipped);
    if (verbose && shipped != before) {
      std::fprintf(stderr, "orderstore: ship: shipped %llu changes, up to change %llu\n",
                   static_cast<unsigned long long>(shipped - before),
                   static_cast<unsigned long long>(*cursor));
    }
    if (!s.ok()) {
      if (retry(s)) continue;
      failure = s;
      break;
    }
    wait = kFirstWait;
    if (!follow) break;
    // Waits in short steps so that an interrupt is seen promptly.
    store.WaitForChanges(*cursor, std::chrono::milliseconds(200));
  }
  if (!failure.ok()) return ExitCodeFor(failure);
  std::fprintf(stderr,
               "orderstore: ship: shard %s: %llu changes shipped; ClickHouse "
               "holds up to change %llu\n",
               options.shard.c_str(), static_cast<unsigned long long>(shipped),
               static_cast<unsigned long long>(cursor.value_or(0)));
  return kExitOk;
}

}  // namespace orderstore::tool
