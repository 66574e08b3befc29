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

// Writes `text` to stdout; false when stdout is gone (e.g. a closed pipe).
bool Emit(const std::string& text) {
  return std::fwrite(text.data(), 1, text.size(), stdout) == text.size();
}

// Which orders `dump` prints. Until dump uses the creation-time index (a
// later issue), it filters while scanning.
struct DumpFilter {
  std::vector<OrderStatus> statuses;  // empty: any
  std::optional<Timestamp> created_from;   // inclusive
  std::optional<Timestamp> created_until;  // exclusive

  bool Matches(OrderView order) const {
    if (!statuses.empty()) {
      bool found = false;
      for (OrderStatus s : statuses) found = found || s == order.status();
      if (!found) return false;
    }
    const Timestamp created = order.create_time();
    // An unset create_time counts as earlier than every set time.
    if (created_from &&
        (!created.is_set() || InstantBefore(created, *created_from))) {
      return false;
    }
    if (created_until && created.is_set() &&
        !InstantBefore(created, *created_until)) {
      return false;
    }
    return true;
  }
};

void AppendPadded(std::string_view text, size_t width, bool right,
                  std::string* out) {
  const size_t pad = text.size() < width ? width - text.size() : 0;
  if (right) out->append(pad, ' ');
  out->append(text);
  if (!right) out->append(pad, ' ');
}

// One aligned row of `dump --format table`.
void AppendTableRow(OrderView order, std::string* out) {
  std::string fee, c_fee;
  AppendJsonNumber(order.fee(), &fee);
  AppendJsonNumber(order.c_fee(), &c_fee);
  AppendPadded(order.hash().ToHex(), 34, false, out);
  AppendPadded(ToString(order.status()), 10, false, out);
  AppendPadded(fee, 12, true, out);
  out->append("  ");
  AppendPadded(c_fee, 12, true, out);
  out->append("  ");
  AppendPadded(FormatTimestamp(order.create_time()), 36, false, out);
  AppendPadded(std::to_string(order.items().size()), 5, true, out);
  out->append("\n");
}

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
                                  [--format json|table] [--verbose]

Prints every order in key order (the order of the hashes), as JSON Lines of
bare order objects (the "data" of a detail response), from one consistent
snapshot. Output of dump imports back with `orderstore import -`.

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
)" ORDERSTORE_STORE_FLAGS R"(
Exit: 0 printed (also when nothing matched), 2 usage error, 4 store error
(e.g. a damaged record: the orders before it are printed; run verify).
)";

int Dump(const Args& args) {
  FlagParser flags("dump", args.words);
  if (!flags.Parse({"--verbose"}, {"--status", "--created-after",
                                   "--created-before", "--limit", "--format"})) {
    return kExitUsage;
  }
  if (!flags.operands().empty()) {
    return flags.UsageError("unexpected argument " + flags.operands()[0]);
  }
  DumpFilter filter;
  for (const std::string& text : flags.Values("--status")) {
    Result<OrderStatus> status = ParseOrderStatus(text);
    if (!status.ok()) return flags.UsageError("--status: " + status.status().message());
    filter.statuses.push_back(*status);
  }
  for (const char* name : {"--created-after", "--created-before"}) {
    std::optional<std::string> text = flags.Value(name);
    if (!text) continue;
    Result<Timestamp> t = ParseTimestamp(*text);
    if (!t.ok()) return flags.UsageError(std::string(name) + ": " + t.status().message());
    (std::string_view(name) == "--created-after" ? filter.created_from
                                                 : filter.created_until) = *t;
  }
  std::optional<uint64_t> limit = flags.Count("--limit", 0);
  if (!limit) return kExitUsage;
  const std::string format = flags.Value("--format").value_or("json");
  if (format != "json" && format != "table") {
    return flags.UsageError("--format is json or table, not \"" + format + "\"");
  }
  const bool table = format == "table";

  OpenedStore opened = OpenForReading(args.db, "dump", flags.Has("--verbose"));
  if (!opened.store) return opened.exit_code;
  ReadOptions read;
  read.fill_cache = false;
  std::unique_ptr<Iterator> it = opened.store->NewIterator(read);

  std::string out;
  if (table) {
    AppendPadded("HASH", 34, false, &out);
    AppendPadded("STATUS", 10, false, &out);
    AppendPadded("FEE", 12, true, &out);
    out.append("  ");
    AppendPadded("C_FEE", 12, true, &out);
    out.append("  ");
    AppendPadded("CREATED", 36, false, &out);
    out.append("ITEMS\n");
  }
  uint64_t printed = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (*limit != 0 && printed == *limit) break;
    Result<OrderView> order = it->view();
    if (!order.ok()) {
      Emit(out);
      std::fflush(stdout);
      PrintError("dump", order.status().message() +
                             " (run 'orderstore verify' for every problem)");
      return kExitStoreError;
    }
    if (!filter.Matches(*order)) continue;
    if (table) {
      AppendTableRow(*order, &out);
    } else {
      AppendOrderJson(*order, &out);
      out += '\n';
    }
    ++printed;
    if (out.size() >= (1 << 20)) {
      if (!Emit(out)) return kExitOk;  // the reader went away: not an error
      out.clear();
    }
  }
  Emit(out);
  std::fflush(stdout);
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
  if (!flags.Parse({"--json", "--verbose"}, {})) return kExitUsage;
  if (!flags.operands().empty()) {
    return flags.UsageError("unexpected argument " + flags.operands()[0]);
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
finite and not negative). Prints one line per problem on stdout, starting
with the order's hash ("order <hash>: ..."), then how many records it
checked: "checked N records: M problems".
)" ORDERSTORE_STORE_FLAGS R"(
Exit: 0 no problem, 2 usage error, 4 some problem (or the store cannot be
read).
)";

int Verify(const Args& args) {
  FlagParser flags("verify", args.words);
  if (!flags.Parse({"--verbose"}, {})) return kExitUsage;
  if (!flags.operands().empty()) {
    return flags.UsageError("unexpected argument " + flags.operands()[0]);
  }
  OpenedStore opened = OpenForReading(args.db, "verify", flags.Has("--verbose"));
  if (!opened.store) return opened.exit_code;
  ReadOptions read;
  read.fill_cache = false;
  std::unique_ptr<Iterator> it = opened.store->NewIterator(read);
  uint64_t checked = 0, problems = 0;
  std::string out;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ++checked;
    Result<OrderView> order = it->view();
    if (order.ok()) continue;
    ++problems;
    out += order.status().message();
    out += '\n';
  }
  Status scan = it->status();
  out += "checked " + std::to_string(checked) + " records: " +
         std::to_string(problems) + (problems == 1 ? " problem\n" : " problems\n");
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
  return kExitOk;
}

}  // namespace orderstore::tool
