// orderstore list and reconcile: the index-backed queries and the
// reconciliation scan (the library does the work: store.h, reconcile.h).
#include <cstdio>
#include <string>

#include "cli.h"
#include "orderstore/json_export.h"
#include "orderstore/query.h"
#include "orderstore/reconcile.h"

namespace orderstore::tool {
namespace {

// The exit code of reconcile when it found something: past the shared
// codes 0-4 (cli.h), so that a script tells findings from failures.
constexpr int kExitFindings = 5;

// Prints the orders of `it`, then the cursor of the next page on stderr when
// there may be one; returns the exit code. A damaged record is reported on
// stderr and the listing goes on (exit 4 at the end), as reconcile does.
int PrintOrders(QueryIterator& it, std::string_view command,
                OrderPrinter::Format format, bool print_cursor) {
  OrderPrinter printer(format);
  bool damaged = false;
  for (; it.Valid(); it.Next()) {
    Result<OrderView> order = it.view();
    if (!order.ok()) {
      PrintError(command, order.status().message());
      damaged = true;
      continue;
    }
    if (!printer.Print(*order)) return kExitOk;  // the reader went away
  }
  printer.Finish();
  if (!it.status().ok()) {
    PrintError(command, it.status().message());
    return kExitStoreError;
  }
  if (print_cursor && !it.cursor().empty()) {
    std::fprintf(stderr, "next cursor: %s\n", it.cursor().c_str());
  }
  return damaged ? kExitStoreError : kExitOk;
}

// The --format and --array flags.
std::optional<OrderPrinter::Format> PrinterFormat(const FlagParser& flags) {
  const std::string format = flags.Value("--format").value_or("json");
  if (format != "json" && format != "table") {
    flags.UsageError("--format is json or table, not \"" + format + "\"");
    return std::nullopt;
  }
  if (format == "table") {
    if (flags.Has("--array")) {
      flags.UsageError("--array writes JSON; it does not go with --format table");
      return std::nullopt;
    }
    return OrderPrinter::Format::kTable;
  }
  return flags.Has("--array") ? OrderPrinter::Format::kArray
                              : OrderPrinter::Format::kJsonLines;
}

// The --status, --created-* and --limit flags as a query.
std::optional<CreatedQuery> CreatedQueryFromFlags(const FlagParser& flags) {
  CreatedQuery query;
  for (const std::string& text : flags.Values("--status")) {
    Result<OrderStatus> status = ParseOrderStatus(text);
    if (!status.ok()) {
      flags.UsageError("--status: " + status.status().message());
      return std::nullopt;
    }
    query.statuses.push_back(*status);
  }
  for (const char* name : {"--created-after", "--created-before"}) {
    std::optional<std::string> text = flags.Value(name);
    if (!text) continue;
    Result<Timestamp> t = ParseTimestamp(*text);
    if (!t.ok()) {
      flags.UsageError(std::string(name) + ": " + t.status().message());
      return std::nullopt;
    }
    (std::string_view(name) == "--created-after" ? query.from : query.to) = *t;
  }
  std::optional<uint64_t> limit = flags.Count("--limit", 0);
  if (!limit) return std::nullopt;
  query.limit = *limit;
  return query;
}

}  // namespace

std::optional<Listing> ListingFromFlags(const FlagParser& flags) {
  std::optional<CreatedQuery> query = CreatedQueryFromFlags(flags);
  if (!query) return std::nullopt;
  std::optional<OrderPrinter::Format> format = PrinterFormat(flags);
  if (!format) return std::nullopt;
  return Listing{*std::move(query), *format};
}

int PrintQuery(const Args& args, const FlagParser& flags,
               std::string_view command, const CreatedQuery& query,
               OrderPrinter::Format format) {
  OpenedStore opened = OpenForReading(args.db, command, flags.Has("--verbose"));
  if (!opened.store) return opened.exit_code;
  auto it = opened.store->QueryCreated(ReadOptions(), query);
  if (!it.ok()) {
    PrintError(command, it.status().message());
    return it.status().IsInvalidArgument() ? kExitUsage : kExitStoreError;
  }
  return PrintOrders(**it, command, format, /*print_cursor=*/command == "list");
}

// ------------------------------------------------------------------ list

const char kListHelp[] = R"(usage: orderstore [--db DIR] list [--created-after T] [--created-before T]
                                  [--status S]... [--newest-first]
                                  [--resource ID] [--limit N] [--cursor C]
                                  [--format json|table] [--array] [--verbose]

Lists orders through the store's indexes, from one consistent snapshot:
by creation time (oldest first, or newest first), optionally only some
statuses; or, with --resource, every order with an item whose resource_id
is ID (in hash order). Prints JSON Lines of bare order objects.

  --created-after T    created at or after T (RFC 3339; compared as instants)
  --created-before T   created before T
  --status S           in status S; repeat for several
  --newest-first       newest first instead of oldest first
  --resource ID        orders touching resource ID (not with the options
                       above)
  --limit N            at most N orders (a page); 0: no limit (the default)
  --cursor C           continue after the previous page: C is the "next
                       cursor" that page printed on stderr (give the same
                       other options)
  --format table       an aligned table for a person instead of JSON
  --array              one response {"data":[...],"request_id":"..."}
  --verbose            say on stderr how the store was opened
  --db DIR             the store (default: $ORDERSTORE_DB, else ./orderstore.db)

After a page cut short by --limit, "next cursor: C" goes to stderr.

Exit: 0 listed (also when nothing matched), 2 usage error (also a malformed
cursor), 4 store error (also a damaged record, reported on stderr; the
listing goes on).
)";

int List(const Args& args) {
  FlagParser flags("list", args.words);
  if (!flags.Parse({"--verbose", "--array", "--newest-first"},
                   {"--status", "--created-after", "--created-before",
                    "--limit", "--format", "--resource", "--cursor"},
                   FlagParser::Operands::kNone)) {
    return kExitUsage;
  }
  std::optional<Listing> listing = ListingFromFlags(flags);
  if (!listing) return kExitUsage;
  CreatedQuery& query = listing->query;
  const OrderPrinter::Format format = listing->format;
  query.newest_first = flags.Has("--newest-first");
  query.cursor = flags.Value("--cursor").value_or("");

  std::optional<std::string> resource = flags.Value("--resource");
  if (!resource) return PrintQuery(args, flags, "list", query, format);
  if (!query.statuses.empty() || query.from || query.to ||
      query.newest_first) {
    return flags.UsageError(
        "--resource does not go with --status, --created-* or --newest-first");
  }
  OpenedStore opened = OpenForReading(args.db, "list", flags.Has("--verbose"));
  if (!opened.store) return opened.exit_code;
  ResourceQuery by_resource{*resource, query.limit, query.cursor};
  auto it = opened.store->QueryResource(ReadOptions(), by_resource);
  if (!it.ok()) {
    PrintError("list", it.status().message());
    return it.status().IsInvalidArgument() ? kExitUsage : kExitStoreError;
  }
  return PrintOrders(**it, "list", format, /*print_cursor=*/true);
}

// ------------------------------------------------------------- reconcile

const char kReconcileHelp[] = R"(usage: orderstore [--db DIR] reconcile [--rule NAME]... [--threads N] [--verbose]

Checks every order, from one consistent snapshot and on all cores (the key
space is split among the threads), against the rules a consistent billing
record obeys. Prints each finding as one JSON object per line on stdout,
in key order: {"order":"<hash>","rule":"<name>","detail":"..."}; then a
summary per rule on stderr.

Rules:
)"
    "  fee_mismatch            fee differs from the sum of item prices by more\n"
    "                          than 0.005\n"
    "  c_fee_over_fee          c_fee > fee\n"
    "  complete_undelivered    complete with an item not success\n"
    "  canceled_delivered      canceled with pay_time set or an item delivered\n"
    "  refund_unrefunded       refund with an item not refunded\n"
    "  paid_before_created     pay_time before create_time\n"
    "  expires_before_created  expire_time before create_time\n"
    "  item_life_reversed      an item's life_expire_time before its\n"
    "                          life_start_time\n"
R"(
  --rule NAME   check only rule NAME; repeat for several (default: all)
  --threads N   worker threads (default: one per core)
  --verbose     say on stderr how the store was opened
  --db DIR      the store (default: $ORDERSTORE_DB, else ./orderstore.db)

Exit: 0 no finding, 5 some finding, 2 usage error (e.g. an unknown rule),
4 store error (also a damaged record, reported on stderr; the scan goes on).
)";

int Reconcile(const Args& args) {
  FlagParser flags("reconcile", args.words);
  if (!flags.Parse({"--verbose"}, {"--rule", "--threads"},
                   FlagParser::Operands::kNone)) {
    return kExitUsage;
  }
  ReconcileOptions options;
  const std::vector<std::string> names = flags.Values("--rule");
  if (!names.empty()) {
    Result<ReconcileRuleSet> rules = ReconcileRuleSet::FromNames(names);
    if (!rules.ok()) return flags.UsageError(rules.status().message());
    options.rules = *rules;
  }
  std::optional<uint64_t> threads = flags.Count("--threads", 0);
  if (!threads) return kExitUsage;
  options.threads = static_cast<unsigned>(*threads);

  OpenedStore opened =
      OpenForReading(args.db, "reconcile", flags.Has("--verbose"));
  if (!opened.store) return opened.exit_code;
  std::string out;
  bool stdout_open = true;
  auto summary = orderstore::Reconcile(
      *opened.store, options,
      [&](const Finding& f) {
        out += "{\"order\":\"";
        out += f.order.ToHex();
        out += "\",\"rule\":";
        AppendJsonString(f.rule, &out);
        out += ",\"detail\":";
        AppendJsonString(f.detail, &out);
        out += "}\n";
        if (out.size() >= (1 << 20) && stdout_open) {
          stdout_open = Emit(out);
          out.clear();
        }
      },
      [](const Status& error) { PrintError("reconcile", error.message()); });
  if (stdout_open) Emit(out);
  std::fflush(stdout);
  if (!summary.ok()) {
    PrintError("reconcile", summary.status().message());
    return kExitStoreError;
  }
  size_t findings = 0;
  std::fprintf(stderr, "checked %zu orders\n", summary->orders_checked);
  for (size_t i = 0; i < ReconcileRules().size(); ++i) {
    std::fprintf(stderr, "  %-24.*s %zu\n",
                 static_cast<int>(ReconcileRules()[i].name.size()),
                 ReconcileRules()[i].name.data(), summary->findings_per_rule[i]);
    findings += summary->findings_per_rule[i];
  }
  if (summary->corrupt_records > 0) return kExitStoreError;
  return findings > 0 ? kExitFindings : kExitOk;
}

}  // namespace orderstore::tool
