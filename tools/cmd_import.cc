// orderstore import: JSON files into the store.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <iterator>
#include <string>
#include <map>
#include <utility>
#include <vector>

#include "orderstore/json_import.h"
#include "orderstore/store.h"
#include "cli.h"

namespace orderstore::tool {
namespace {

// Reads a whole file, or stdin for "-". A file is read straight into a
// string of its size: through a stringstream, the copies and the buffer's
// growth took a seventh of an import's CPU time.
Result<std::string> ReadInput(const std::string& name) {
  if (name == "-") {
    std::string text{std::istreambuf_iterator<char>(std::cin),
                     std::istreambuf_iterator<char>()};
    return text;
  }
  std::FILE* file = std::fopen(name.c_str(), "rb");
  if (file == nullptr) {
    return Status::IOError(name + ": " + std::strerror(errno));
  }
  std::string text;
  struct stat info {};
  if (fstat(fileno(file), &info) == 0 && S_ISREG(info.st_mode)) {
    text.resize(static_cast<size_t>(info.st_size));
  }
  text.resize(std::fread(text.data(), 1, text.size(), file));
  // Then whatever else there is: a file that grew meanwhile, a pipe.
  char chunk[1 << 16];
  for (size_t n; (n = std::fread(chunk, 1, sizeof(chunk), file)) > 0;) {
    text.append(chunk, n);
  }
  const bool failed = std::ferror(file) != 0;
  std::fclose(file);
  if (failed) return Status::IOError(name + ": read failed");
  return text;
}

// A progress line on stderr, drawn only when stderr is a terminal.
class Progress {
 public:
  explicit Progress(std::string label)
      : label_(std::move(label)), enabled_(isatty(STDERR_FILENO) == 1) {}
  ~Progress() { Done(); }

  void Update(size_t done, size_t total) {
    if (!enabled_ || total == 0) return;
    int percent = static_cast<int>(done * 100 / total);
    if (percent == last_percent_) return;
    last_percent_ = percent;
    constexpr int kWidth = 30;
    int filled = percent * kWidth / 100;
    std::fprintf(stderr, "\r%s [%s%s] %3d%%", label_.c_str(),
                 std::string(filled, '#').c_str(),
                 std::string(kWidth - filled, ' ').c_str(), percent);
    std::fflush(stderr);
    drawn_ = true;
  }

  void Done() {
    if (drawn_) std::fprintf(stderr, "\r\033[K");
    drawn_ = false;
  }

 private:
  std::string label_;
  bool enabled_;
  bool drawn_ = false;
  int last_percent_ = -1;
};

// From this many orders a file is landed by Store::Import (sorted table
// files, ingested); a smaller one goes through Store::Write (one synced
// batch), which adds no table files of its own: every Import adds up to
// four, for compactions to merge. Import pays a fixed cost per call
// (writing, syncing and ingesting four files) that dominates small files,
// where Write costs several times less; Write's cost grows with its
// memtable's later flush, which Import has already done, so the two meet
// around 10,000 orders, from where Import is the cheaper road.
constexpr size_t kImportThreshold = 10000;

// Prints one line per create of file `name` that found a different order
// stored, naming its record (the first, when a file holds an order twice),
// then that nothing of the file was imported.
void ReportConflicts(const std::string& name, const ParseResult& parsed,
                     const std::vector<CreateConflict>& conflicts) {
  std::map<OrderHash, size_t> first_of;
  for (size_t i = parsed.orders.size(); i-- > 0;) {
    first_of[parsed.orders[i].hash] = i;
  }
  // In the file's order, as a reader goes through it.
  std::vector<std::pair<size_t, const CreateConflict*>> found;
  for (const CreateConflict& conflict : conflicts) {
    found.emplace_back(first_of.at(conflict.hash), &conflict);
  }
  std::sort(found.begin(), found.end());
  for (const auto& [i, conflict] : found) {
    PrintError("import", parsed.Origin(name, i) + ": order " +
                             conflict->hash.ToHex() +
                             ": already exists with a different " +
                             conflict->field);
  }
  PrintError("import", name + ": " + std::to_string(conflicts.size()) +
                           (conflicts.size() == 1 ? " conflict" : " conflicts") +
                           ", nothing imported from this file");
}

}  // namespace

const char kImportHelp[] = R"(usage: orderstore [--db DIR] import [--skip-invalid] [--create-only] FILE...

Reads orders from each FILE ("-" for standard input) into the store. A file
holds JSON Lines, a JSON array, or one JSON value; each record is a detail
response ({"data":...,"request_id":...}, data one order or an array of
orders) or a bare order object. Orders replace stored orders with the same
hash.

Each file is imported atomically: by default a file with any invalid record
imports nothing, and the error names the file, the line (or array element)
and the field. The other files are still imported.

With --create-only every order is a create: stored only if no order has its
hash. An identical stored order (every field equal) counts as already there
and is left as it is, so a file imported twice changes nothing the second
time. A different stored order is a conflict: the file imports nothing, and
the error names the line (or element), the order and the first differing
field ("orders.jsonl:17: order 6028...: already exists with a different
items[1].price"). The summary counts created, already there and conflicting
orders.

  --skip-invalid   import the valid records of each file; report the others
  --create-only    store only orders whose hash is not stored yet (above)
  --db DIR         the store (default: $ORDERSTORE_DB, else ./orderstore.db)

Exit: 0 all imported (or skipped with --skip-invalid), 2 usage error,
3 invalid input or, with --create-only, a conflicting order (nothing of that
file imported), 4 store error.
)";

int Import(const Args& args) {
  FlagParser flags("import", args.words);
  if (!flags.Parse({"--skip-invalid", "--create-only"}, {})) return kExitUsage;
  if (flags.operands().empty()) {
    return flags.UsageError("no input files");
  }
  const bool skip_invalid = flags.Has("--skip-invalid");
  const bool create_only = flags.Has("--create-only");
  auto store = Store::Open(ToolOptions("import"), args.db);
  if (!store.ok()) {
    PrintError("import", store.status().message());
    return ExitCodeFor(store.status());
  }

  auto started = std::chrono::steady_clock::now();
  OrderParser parser;
  int exit_code = kExitOk;
  size_t imported = 0, skipped = 0, files = 0;
  size_t created = 0, existed = 0, conflicting = 0;
  for (const std::string& name : flags.operands()) {
    Result<std::string> text = ReadInput(name);
    if (!text.ok()) {
      PrintError("import", text.status().message());
      exit_code = kExitInvalidInput;
      continue;
    }
    Progress progress("importing " + name);
    ParseOptions options;
    options.keep_going = skip_invalid;
    options.progress = [&progress](size_t done, size_t total) {
      progress.Update(done, total);
    };
    ParseResult parsed = parser.Parse(*text, name, options);
    progress.Done();
    for (const Status& error : parsed.errors) {
      PrintError("import", error.message());
    }
    if (!parsed.errors.empty() && !skip_invalid) {
      PrintError("import", name + ": nothing imported from this file");
      exit_code = kExitInvalidInput;
      continue;
    }
    skipped += parsed.errors.size();
    WriteBatch batch;
    for (const Order& order : parsed.orders) {
      Status s = create_only ? batch.Create(order) : batch.Put(order);
      if (!s.ok()) {  // the parser validates; this is a second line of defence
        PrintError("import", name + ": " + s.message());
        return kExitInvalidInput;
      }
    }
    // One file is one batch, landed in one atomic, durable step either way.
    WriteOutcome outcome;
    Status written = batch.size() < kImportThreshold
                         ? (*store)->Write(WriteOptions(), batch, &outcome)
                         : (*store)->Import(batch, &outcome);
    if (written.IsAlreadyExists()) {
      ReportConflicts(name, parsed, outcome.conflicts);
      conflicting += outcome.conflicts.size();
      exit_code = kExitInvalidInput;
      continue;
    }
    if (!written.ok()) {
      PrintError("import", written.message());
      return ExitCodeFor(written);
    }
    imported += parsed.orders.size();
    created += outcome.created;
    existed += outcome.existed;
    ++files;
  }
  double seconds = std::chrono::duration<double>(
                       std::chrono::steady_clock::now() - started)
                       .count();
  if (create_only) {
    std::printf("created %zu orders, %zu already there, %zu conflicting, "
                "from %zu file%s",
                created, existed, conflicting, files, files == 1 ? "" : "s");
  } else {
    std::printf("imported %zu orders from %zu file%s", imported, files,
                files == 1 ? "" : "s");
  }
  if (skipped > 0) std::printf(", skipped %zu invalid records", skipped);
  std::printf(" in %.2f s\n", seconds);
  return exit_code;
}

}  // namespace orderstore::tool
