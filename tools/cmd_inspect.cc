// orderstore dump, stats and verify: reading a whole store, also while
// another process writes it.
#include <array>
#include <cinttypes>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "cli.h"
#include "orderstore/json_export.h"
#include "orderstore/stats.h"
#include "orderstore/store.h"

namespace orderstore::tool {
namespace {

// The flags every reading command takes, spliced into their help texts.
#define ORDERSTORE_STORE_FLAGS                                              \
  "  --verbose   say on stderr how the store was opened (read-only, or as a\n" \
  "              secondary instance when another process has it open for\n"   \
  "              writing; either way every write made before the command\n"   \
  "              started is seen)\n"                                          \
  "  --db DIR    the store (default: $ORDERSTORE_DB, else ./orderstore.db)\n"

// Counts indexed by an enum's values, as a JSON object
// ({"new":3,"paid":1,...}) or as text ("new 3 paid 1 ...").
template <typename Enum, size_t N>
void AppendCounts(const std::array<uint64_t, N>& counts, bool json,
                  std::string* out) {
  if (json) *out += '{';
  for (size_t i = 0; i < N; ++i) {
    if (i > 0) *out += json ? "," : " ";
    const std::string_view name = ToString(static_cast<Enum>(i));
    if (json) {
      AppendJsonString(name, out);
      *out += ':';
    } else {
      *out += name;
      *out += ' ';
    }
    *out += std::to_string(counts[i]);
  }
  if (json) *out += '}';
}

}  // namespace

// ------------------------------------------------------------------ dump

const char kDumpHelp[] = R"(usage: orderstore [--db DIR] dump [--status S]... [--created-after T]
                                  [--created-before T] [--limit N]
                                  [--format json|table] [--array] [--verbose]

Prints every order in key order (the order of the hashes), as JSON Lines of
bare order objects (the "data" of a detail response), from one consistent
snapshot. Output of dump imports back with `orderstore import -`.
With --status or a --created-* filter, dump reads the creation-time indexes
instead of scanning, and prints the matching orders oldest first (as
`orderstore list` does).

  --status S           only orders in status S (new, paid, canceled,
                       complete, refund); repeat for several
  --created-after T    only orders created at or after T (RFC 3339, compared
                       as instants: 2020-09-16T19:57:18+08:00 equals
                       2020-09-16T11:57:18Z); an unset create_time is earlier
                       than every time
  --created-before T   only orders created before T
  --limit N            stop after N orders (0: no limit, the default)
  --format table       an aligned table for a person (hash, status, fee,
                       c_fee, created, items) instead of JSON
  --array              one response {"data":[...],"request_id":"..."} holding
                       every order, instead of JSON Lines
)" ORDERSTORE_STORE_FLAGS R"(
Exit: 0 printed (also when nothing matched), 2 usage error, 4 store error
(e.g. a damaged record: the orders before it are printed; run verify).
)";

int Dump(const Args& args) {
  FlagParser flags("dump", args.words);
  if (!flags.Parse({"--verbose", "--array"},
                   {"--status", "--created-after", "--created-before",
                    "--limit", "--format"},
                   FlagParser::Operands::kNone)) {
    return kExitUsage;
  }
  std::optional<Listing> listing = ListingFromFlags(flags);
  if (!listing) return kExitUsage;
  const CreatedQuery& query = listing->query;
  const OrderPrinter::Format format = listing->format;
  const bool filtered = !query.statuses.empty() || query.from || query.to;
  if (filtered) return PrintQuery(args, flags, "dump", query, format);

  OpenedStore opened = OpenForReading(args.db, "dump", flags.Has("--verbose"));
  if (!opened.store) return opened.exit_code;
  ReadOptions read;
  read.fill_cache = false;
  std::unique_ptr<Iterator> it = opened.store->NewIterator(read);
  OrderPrinter printer(format);
  uint64_t printed = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (query.limit != 0 && printed == query.limit) break;
    Result<OrderView> order = it->view();
    if (!order.ok()) {
      printer.Finish();
      PrintError("dump", order.status().message() +
                             " (run 'orderstore verify' for every problem)");
      return kExitStoreError;
    }
    if (!printer.Print(*order)) return kExitOk;  // the reader went away
    ++printed;
  }
  printer.Finish();
  if (Status s = it->status(); !s.ok()) {
    PrintError("dump", s.message());
    return kExitStoreError;
  }
  return kExitOk;
}

// ----------------------------------------------------------------- stats

const char kStatsHelp[] = R"(usage: orderstore [--db DIR] stats [--json] [--verbose]

Prints, from one consistent snapshot: the number of orders and items, the
orders by status and the items by status, the totals of fee and c_fee, the
range of create_time (earliest and latest instant, each as written; orders
with an unset create_time are counted apart), and the size of the store's
files on disk.

  --json      one JSON object instead of text: {"orders":N,"items":N,
              "orders_by_status":{"new":N,...},"items_by_status":{...},
              "fee_total":X,"c_fee_total":X,"created_min":"T"|null,
              "created_max":"T"|null,"created_unset":N,"corrupt":N,
              "bytes_on_disk":N}
)" ORDERSTORE_STORE_FLAGS R"(
Exit: 0 printed, 2 usage error, 4 store error (also when some records are
damaged: they are counted as "corrupt" and the figures cover the others; run
verify).
)";

int Stats(const Args& args) {
  FlagParser flags("stats", args.words);
  if (!flags.Parse({"--json", "--verbose"}, {}, FlagParser::Operands::kNone)) {
    return kExitUsage;
  }
  OpenedStore opened = OpenForReading(args.db, "stats", flags.Has("--verbose"));
  if (!opened.store) return opened.exit_code;
  Result<StoreStats> stats = ComputeStats(*opened.store);
  if (!stats.ok()) {
    PrintError("stats", stats.status().message());
    return kExitStoreError;
  }

  std::string out;
  auto count = [&out](uint64_t n) { out += std::to_string(n); };
  auto time = [&out](const std::optional<Timestamp>& t, bool json) {
    if (!t) {
      out += json ? "null" : "-";
      return;
    }
    if (json) out += '"';
    out += FormatTimestamp(*t);
    if (json) out += '"';
  };
  if (flags.Has("--json")) {
    out += "{\"orders\":";
    count(stats->orders);
    out += ",\"items\":";
    count(stats->items);
    out += ",\"orders_by_status\":";
    AppendCounts<OrderStatus>(stats->by_status, /*json=*/true, &out);
    out += ",\"items_by_status\":";
    AppendCounts<ItemStatus>(stats->by_item_status, /*json=*/true, &out);
    out += ",\"fee_total\":";
    AppendJsonNumber(stats->fee_total, &out);
    out += ",\"c_fee_total\":";
    AppendJsonNumber(stats->c_fee_total, &out);
    out += ",\"created_min\":";
    time(stats->created_min, true);
    out += ",\"created_max\":";
    time(stats->created_max, true);
    out += ",\"created_unset\":";
    count(stats->created_unset);
    out += ",\"corrupt\":";
    count(stats->corrupt);
    out += ",\"bytes_on_disk\":";
    count(stats->bytes_on_disk);
    out += "}\n";
  } else {
    char line[128];
    out += "orders          ";
    count(stats->orders);
    out += "\nitems           ";
    count(stats->items);
    out += "\norder status    ";
    AppendCounts<OrderStatus>(stats->by_status, /*json=*/false, &out);
    out += "\nitem status     ";
    AppendCounts<ItemStatus>(stats->by_item_status, /*json=*/false, &out);
    std::snprintf(line, sizeof line, "\nfee total       %.2f\nc_fee total     %.2f",
                  stats->fee_total, stats->c_fee_total);
    out += line;
    out += "\ncreated         ";
    time(stats->created_min, false);
    out += " to ";
    time(stats->created_max, false);
    out += "\ncreated unset   ";
    count(stats->created_unset);
    std::snprintf(line, sizeof line, "\nsize on disk    %" PRIu64 " bytes (%.1f MiB)\n",
                  stats->bytes_on_disk,
                  static_cast<double>(stats->bytes_on_disk) / (1 << 20));
    out += line;
    if (stats->corrupt > 0) {
      out += "corrupt         ";
      count(stats->corrupt);
      out += '\n';
    }
  }
  Emit(out);
  std::fflush(stdout);
  if (stats->corrupt > 0) {
    PrintError("stats", std::to_string(stats->corrupt) +
                            " damaged records not counted (run 'orderstore "
                            "verify' to name them)");
    return kExitStoreError;
  }
  return kExitOk;
}

// ---------------------------------------------------------------- verify

const char kVerifyHelp[] = R"(usage: orderstore [--db DIR] verify [--verbose]

Reads every stored record from one consistent snapshot and checks it: the
FlatBuffers verifier, the key equals the record's "order" field, and the
rules every valid order obeys (every time valid, statuses known, money
finite and not negative). Then checks the secondary indexes both ways: every
order has each index entry it derives, and every entry points at an order
that derives it. Then checks the change feed and the order history: every
change verifies, the latest kept change of each order is its stored record
(or a delete of an order not stored), and each order's latest history entry
agrees with the store. Prints one line per problem on stdout, naming the order's
hash ("order <hash>: ...", "idx_created entry points at missing order
<hash>"), then how many records it checked: "checked N records: M
problems". A store whose directory or files others may read or write (more
open than 0700/0600) is a problem too, named by its first such path.
)" ORDERSTORE_STORE_FLAGS R"(
Exit: 0 no problem, 2 usage error, 4 some problem (or the store cannot be
read).
)";

int Verify(const Args& args) {
  FlagParser flags("verify", args.words);
  if (!flags.Parse({"--verbose"}, {}, FlagParser::Operands::kNone)) {
    return kExitUsage;
  }
  uint64_t checked = 0, problems = 0;
  std::string out;
  // A store others can read is a problem of its own, listed with the rest.
  bool open_to_others = false;
  OpenedStore opened = OpenForReading(args.db, "verify", flags.Has("--verbose"),
                                      [&](const std::string& line) {
                                        open_to_others = true;
                                        out += line;
                                        out += '\n';
                                      });
  if (!opened.store) return opened.exit_code;
  ReadOptions read;
  read.fill_cache = false;
  std::unique_ptr<Iterator> it = opened.store->NewIterator(read);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ++checked;
    Result<OrderView> order = it->view();
    if (order.ok()) continue;
    ++problems;
    out += order.status().message();
    out += '\n';
  }
  Status scan = it->status();
  // The indexes, both ways: every order has its entries, every entry
  // points at an order that derives it.
  if (scan.ok()) {
    Result<size_t> indexed = opened.store->CheckIndexes([&](const Status& s) {
      ++problems;
      out += s.message();
      out += '\n';
    });
    if (!indexed.ok()) scan = indexed.status();
  }
  // The change feed and the history against the orders.
  if (scan.ok()) {
    Result<size_t> changes = opened.store->CheckChanges([&](const Status& s) {
      ++problems;
      out += s.message();
      out += '\n';
    });
    if (!changes.ok()) scan = changes.status();
  }
  const uint64_t all = problems + (open_to_others ? 1 : 0);
  out += "checked " + std::to_string(checked) + " records: " +
         std::to_string(all) + (all == 1 ? " problem\n" : " problems\n");
  Emit(out);
  std::fflush(stdout);
  if (!scan.ok()) {
    PrintError("verify", scan.message() + " (stopped after " +
                             std::to_string(checked) + " records)");
    return kExitStoreError;
  }
  if (problems > 0) {
    PrintError("verify", std::to_string(problems) + " of " +
                             std::to_string(checked) + " records have problems");
    return kExitStoreError;
  }
  if (open_to_others) {
    PrintError("verify", "the store is open to others (see above)");
    return kExitStoreError;
  }
  return kExitOk;
}

}  // namespace orderstore::tool
