// orderstore changes, history, trim-changes: the change feed and the order
// history (include/orderstore/changes.h, docs/changes.md).
#include <signal.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <thread>

#include "orderstore/changes.h"
#include "orderstore/json_export.h"
#include "orderstore/store.h"
#include "cli.h"

namespace orderstore::tool {
namespace {

#define ORDERSTORE_FEED_DB_FLAG \
  "  --db DIR    the store (default: $ORDERSTORE_DB, else ./orderstore.db)\n"

// A commit time as RFC 3339 UTC to the millisecond, as JavaScript's
// toISOString writes it: "2026-12-06T10:00:00.123Z".
std::string FormatMillis(int64_t micros) {
  int64_t seconds = micros / 1000000, rest = micros % 1000000;
  if (rest < 0) {
    rest += 1000000;
    --seconds;
  }
  Timestamp whole;
  whole.unix_seconds = seconds;
  whole.nanos = 0;
  whole.offset_minutes = 0;
  std::string text = FormatTimestamp(whole);  // "...T10:00:00Z"
  char millis[8];
  std::snprintf(millis, sizeof(millis), ".%03d", static_cast<int>(rest / 1000));
  text.insert(text.size() - 1, millis);
  return text;
}

void AppendLabels(std::string_view actor, std::string_view reason,
                  std::string* out) {
  if (!actor.empty()) {
    *out += ",\"actor\":";
    AppendJsonString(actor, out);
  }
  if (!reason.empty()) {
    *out += ",\"reason\":";
    AppendJsonString(reason, out);
  }
}

void AppendPadded(std::string_view text, size_t width, std::string* out) {
  out->append(text);
  out->append(text.size() < width ? width - text.size() : 1, ' ');
}

// One change: a JSON line, or a table row.
void AppendChange(const ChangeView& change, bool table, std::string* out) {
  const std::string at = FormatMillis(change.time_micros());
  if (table) {
    AppendPadded(std::to_string(change.seq()), 12, out);
    AppendPadded(at, 26, out);
    AppendPadded(ToString(change.op()), 8, out);
    AppendPadded(change.hash().ToHex(), 34, out);
    AppendPadded(change.op() == ChangeOp::kPut ? ToString(change.order().status())
                                               : "-",
                 10, out);
    AppendPadded(change.actor().empty() ? "-" : change.actor(), 16, out);
    out->append(change.reason());
    out->push_back('\n');
    return;
  }
  *out += "{\"seq\":";
  *out += std::to_string(change.seq());
  *out += ",\"at\":\"";
  *out += at;
  *out += "\",\"op\":\"";
  *out += ToString(change.op());
  *out += '"';
  AppendLabels(change.actor(), change.reason(), out);
  if (change.op() == ChangeOp::kPut) {
    *out += ",\"data\":";
    AppendOrderJson(change.order(), out);
  } else {
    *out += ",\"order\":\"";
    *out += change.hash().ToHex();
    *out += '"';
  }
  *out += "}\n";
}

std::atomic<bool> interrupted{false};
extern "C" void OnInterrupt(int) { interrupted.store(true); }

// "30s", "15m", "36h", "7d" as seconds; nothing when malformed.
std::optional<std::chrono::seconds> ParseDuration(std::string_view text) {
  if (text.size() < 2) return std::nullopt;
  uint64_t count = 0;
  const char* end = text.data() + text.size() - 1;
  auto [ptr, ec] = std::from_chars(text.data(), end, count);
  if (ec != std::errc() || ptr != end || count > (uint64_t{1} << 40)) {
    return std::nullopt;
  }
  switch (text.back()) {
    case 's':
      return std::chrono::seconds(count);
    case 'm':
      return std::chrono::seconds(count * 60);
    case 'h':
      return std::chrono::seconds(count * 3600);
    case 'd':
      return std::chrono::seconds(count * 86400);
  }
  return std::nullopt;
}

}  // namespace

// ---------------------------------------------------------------- changes

const char kChangesHelp[] =
    R"(usage: orderstore [--db DIR] changes [--after SEQ] [--limit N] [--follow]
                                [--format json|table]

Prints the change feed: every change committed to the store's orders after
change number SEQ (default 0: from the oldest kept), oldest first, one a
line. As JSON Lines:
  {"seq":1042,"at":"2026-12-06T10:00:00.123Z","op":"put","actor":"billing-7","data":{<the order>}}
  {"seq":1043,"at":"2026-12-06T10:00:01.004Z","op":"delete","order":"<hash>"}
("actor" and "reason" only when the write gave them; the order object is the
one 'dump' prints.) Then "next after: N" on stderr: pass it as --after to
resume where this run stopped.

  --after SEQ   start after change SEQ (a cursor a previous run printed)
  --limit N     stop after N changes
  --follow      keep printing changes as they are committed, until
                interrupted (Ctrl-C); also while another process has the
                store open for writing (seen within about a second)
  --format F    json (default) or table
  --verbose     say on stderr how the store was opened
)" ORDERSTORE_FEED_DB_FLAG R"(
Exit: 0 printed, 2 usage error, 4 store error, or changes after SEQ were
already trimmed (the error names the oldest change kept).
)";

int Changes(const Args& args) {
  FlagParser flags("changes", args.words);
  if (!flags.Parse({"--follow", "--verbose"}, {"--after", "--limit", "--format"},
                   FlagParser::Operands::kNone)) {
    return kExitUsage;
  }
  std::optional<uint64_t> after = flags.Count("--after", 0);
  std::optional<uint64_t> limit = flags.Count("--limit", UINT64_MAX);
  if (!after || !limit) return kExitUsage;
  const std::string format = flags.Value("--format").value_or("json");
  if (format != "json" && format != "table") {
    return flags.UsageError("--format wants json or table, got \"" + format + "\"");
  }
  const bool table = format == "table", follow = flags.Has("--follow");
  if (follow) {
    struct sigaction action {};
    action.sa_handler = OnInterrupt;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
  }
  OpenedStore opened = OpenForReading(args.db, "changes", flags.Has("--verbose"));
  if (!opened.store) return opened.exit_code;
  bool secondary = Store::LockHolder(args.db) != 0;

  uint64_t cursor = *after, printed = 0;
  std::string out;
  if (table) {
    out = "SEQ         AT                        OP      ORDER                             "
          "STATUS    ACTOR           REASON\n";
  }
  int exit_code = kExitOk;
  while (printed < *limit) {
    Result<std::unique_ptr<ChangeIterator>> it =
        opened.store->ChangesAfter(ReadOptions(), cursor);
    if (!it.ok()) {
      PrintError("changes", it.status().message());
      exit_code = ExitCodeFor(it.status());
      break;
    }
    bool gone = false;
    for (; (*it)->Valid() && printed < *limit; (*it)->Next()) {
      Result<ChangeView> change = (*it)->change();
      if (!change.ok()) {
        PrintError("changes", change.status().message());
        exit_code = kExitStoreError;
        break;
      }
      AppendChange(*change, table, &out);
      cursor = change->seq();
      ++printed;
      if (out.size() >= (1 << 20)) {
        gone = !Emit(out);
        out.clear();
        if (gone) break;
      }
    }
    if (exit_code == kExitOk && !(*it)->status().ok()) {
      PrintError("changes", (*it)->status().message());
      exit_code = kExitStoreError;
    }
    it->reset();
    if (!out.empty()) gone = gone || !Emit(out);
    out.clear();
    std::fflush(stdout);
    if (gone || exit_code != kExitOk || !follow || interrupted.load()) break;
    // Follow: wait for the next change. A secondary instance catches up
    // with the writer while it waits; a read-only one never sees new
    // writes, so it is opened again (as a secondary once a writer holds
    // the store).
    if (secondary) {
      opened.store->WaitForChanges(cursor, std::chrono::milliseconds(500));
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      opened.store.reset();
      secondary = Store::LockHolder(args.db) != 0;
      opened = OpenForReading(args.db, "changes", false);
      if (!opened.store) return opened.exit_code;
    }
    if (interrupted.load()) break;
  }
  std::cerr << "next after: " << cursor << "\n";
  return exit_code;
}

// ---------------------------------------------------------------- history

const char kHistoryHelp[] =
    R"(usage: orderstore [--db DIR] history HASH... [--format json|table]

Prints each order's history, oldest first: one entry for each change of the
order (created, replaced, status, deleted), with its change number, commit
time, the order status before and after, the field groups the change
touched (status, money, items, other) and the writer's actor and reason.
As JSON Lines:
  {"order":"<hash>","seq":7,"at":"2026-12-06T10:00:00.123Z","op":"status","from":"new","to":"paid","changed":["status"],"actor":"billing-7"}

  --format F    json (default) or table
  --verbose     say on stderr how the store was opened
)" ORDERSTORE_FEED_DB_FLAG R"(
Exit: 0 printed, 1 some order has no history, 2 usage error, 3 a malformed
hash, 4 store error.
)";

int History(const Args& args) {
  FlagParser flags("history", args.words);
  if (!flags.Parse({"--verbose"}, {"--format"})) return kExitUsage;
  const std::string format = flags.Value("--format").value_or("json");
  if (format != "json" && format != "table") {
    return flags.UsageError("--format wants json or table, got \"" + format + "\"");
  }
  if (flags.operands().empty()) return flags.UsageError("needs at least one HASH");
  std::vector<OrderHash> hashes;
  for (const std::string& text : flags.operands()) {
    Result<OrderHash> hash = OrderHash::Parse(text);
    if (!hash.ok()) {
      PrintError("history", "\"" + text + "\": " + hash.status().message());
      return kExitInvalidInput;
    }
    hashes.push_back(*hash);
  }
  OpenedStore opened = OpenForReading(args.db, "history", flags.Has("--verbose"));
  if (!opened.store) return opened.exit_code;
  const bool table = format == "table";
  std::string out;
  if (table) {
    out = "ORDER                             SEQ         AT                        "
          "OP        FROM      TO        CHANGED              ACTOR           REASON\n";
  }
  int exit_code = kExitOk;
  for (const OrderHash& hash : hashes) {
    Result<std::vector<HistoryEntry>> entries =
        opened.store->History(ReadOptions(), hash);
    if (!entries.ok()) {
      PrintError("history", entries.status().message());
      exit_code = kExitStoreError;
      break;
    }
    if (entries->empty()) {
      PrintError("history", "order " + hash.ToHex() + " has no history");
      exit_code = kExitNotFound;
      continue;
    }
    for (const HistoryEntry& e : *entries) {
      const std::string from = e.from ? std::string(ToString(*e.from)) : "";
      const std::string to = e.to ? std::string(ToString(*e.to)) : "";
      const std::string changed = FieldGroupNames(e.changed);
      if (table) {
        AppendPadded(hash.ToHex(), 34, &out);
        AppendPadded(std::to_string(e.seq), 12, &out);
        AppendPadded(FormatMillis(e.time_micros), 26, &out);
        AppendPadded(ToString(e.kind), 10, &out);
        AppendPadded(from.empty() ? "-" : from, 10, &out);
        AppendPadded(to.empty() ? "-" : to, 10, &out);
        AppendPadded(changed, 21, &out);
        AppendPadded(e.actor.empty() ? "-" : e.actor, 16, &out);
        out += e.reason;
        out += '\n';
        continue;
      }
      out += "{\"order\":\"" + hash.ToHex() + "\",\"seq\":" + std::to_string(e.seq) +
             ",\"at\":\"" + FormatMillis(e.time_micros) + "\",\"op\":\"";
      out += ToString(e.kind);
      out += '"';
      if (!from.empty()) out += ",\"from\":\"" + from + '"';
      if (!to.empty()) out += ",\"to\":\"" + to + '"';
      out += ",\"changed\":[";
      for (size_t i = 0, start = 0; start < changed.size(); ++i) {
        size_t comma = changed.find(',', start);
        if (comma == std::string::npos) comma = changed.size();
        if (i > 0) out += ',';
        out += '"' + changed.substr(start, comma - start) + '"';
        start = comma + 1;
      }
      out += ']';
      AppendLabels(e.actor, e.reason, &out);
      out += "}\n";
    }
  }
  Emit(out);
  std::fflush(stdout);
  return exit_code;
}

// ------------------------------------------------------------ trim-changes

const char kTrimChangesHelp[] =
    R"(usage: orderstore [--db DIR] trim-changes --before SEQ | --older-than DURATION

Removes changes from the change feed: every change numbered below SEQ, or
committed more than DURATION ago ("90m", "36h", "7d"). Orders and their
history are untouched. A consumer whose cursor falls in the removed range
gets an error naming the oldest change kept. Prints "oldest kept: N". The
store keeps Options::change_retention (7 days) by itself; this trims
earlier. Opens the store for writing (its writer must not be running).

  --before SEQ           remove the changes numbered below SEQ
  --older-than DURATION  remove the changes committed more than DURATION ago
)" ORDERSTORE_FEED_DB_FLAG R"(
Exit: 0 trimmed, 2 usage error, 4 store error (or locked).
)";

int TrimChanges(const Args& args) {
  FlagParser flags("trim-changes", args.words);
  if (!flags.Parse({}, {"--before", "--older-than"}, FlagParser::Operands::kNone)) {
    return kExitUsage;
  }
  const bool by_seq = flags.Has("--before"), by_age = flags.Has("--older-than");
  if (by_seq == by_age) {
    return flags.UsageError("needs exactly one of --before SEQ and --older-than DURATION");
  }
  std::optional<uint64_t> before = flags.Count("--before", 0);
  if (!before) return kExitUsage;
  std::optional<std::chrono::seconds> age;
  if (by_age) {
    age = ParseDuration(*flags.Value("--older-than"));
    if (!age) {
      return flags.UsageError("--older-than wants a duration like 90m, 36h or 7d, got \"" +
                              *flags.Value("--older-than") + "\"");
    }
  }
  Options options;
  options.create_if_missing = false;
  Result<std::unique_ptr<Store>> store = Store::Open(options, args.db);
  if (!store.ok()) {
    PrintError("trim-changes", store.status().message());
    return ExitCodeFor(store.status()) == kExitNotFound ? kExitStoreError
                                                        : ExitCodeFor(store.status());
  }
  Result<uint64_t> oldest = by_seq ? (*store)->TrimChanges(*before)
                                   : (*store)->TrimChangesOlderThan(*age);
  if (!oldest.ok()) {
    PrintError("trim-changes", oldest.status().message());
    return kExitStoreError;
  }
  std::printf("oldest kept: %llu\n", static_cast<unsigned long long>(*oldest));
  return kExitOk;
}

}  // namespace orderstore::tool
