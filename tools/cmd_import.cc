// orderstore import: JSON files into the store.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <map>
#include <utility>
#include <vector>

#include "orderstore/importer.h"
#include "orderstore/json_import.h"
#include "orderstore/store.h"
#include "cli.h"

namespace orderstore::tool {
namespace {

// Reads a file, or stdin for "-", in blocks of whole lines: an import
// holds one block of text at a time, whatever the file's size.
class BlockReader {
 public:
  static constexpr size_t kBlockBytes = size_t{4} << 20;

  static Result<std::unique_ptr<BlockReader>> Open(const std::string& name) {
    std::FILE* file = name == "-" ? stdin : std::fopen(name.c_str(), "rb");
    if (file == nullptr) {
      return Status::IOError(name + ": " + std::strerror(errno));
    }
    auto reader = std::unique_ptr<BlockReader>(new BlockReader(name, file));
    struct stat info {};
    if (fstat(fileno(file), &info) == 0 && S_ISREG(info.st_mode)) {
      reader->size_ = static_cast<size_t>(info.st_size);
    }
    return reader;
  }
  ~BlockReader() {
    if (file_ != stdin) std::fclose(file_);
  }

  // The next block of whole lines (the last block: whatever is left) and
  // the number of its first line; false at the end of the input.
  Result<bool> Next(std::string_view* block, size_t* first_line) {
    line_ += static_cast<size_t>(
        std::count(buffer_.data(), buffer_.data() + taken_, '\n'));
    buffer_.erase(0, taken_);
    taken_ = 0;
    while (!eof_) {
      Status s = Fill(kBlockBytes);
      if (!s.ok()) return s;
      if (eof_ || buffer_.find('\n') != std::string::npos) break;
    }
    if (buffer_.empty()) return false;
    taken_ = eof_ ? buffer_.size() : buffer_.rfind('\n') + 1;
    *block = std::string_view(buffer_.data(), taken_);
    *first_line = line_;
    return true;
  }

  // The block Next gave last and everything after it, for an input that is
  // not JSON Lines (an array, a pretty-printed record): read whole.
  Result<std::string_view> Rest() {
    while (!eof_) {
      Status s = Fill(kBlockBytes);
      if (!s.ok()) return s;
    }
    taken_ = buffer_.size();
    return std::string_view(buffer_);
  }

  // Bytes read so far, and the input's size (0 when unknown: a pipe).
  size_t done() const { return read_ - (buffer_.size() - taken_); }
  size_t size() const { return size_; }

 private:
  BlockReader(std::string name, std::FILE* file)
      : name_(std::move(name)), file_(file) {}

  Status Fill(size_t bytes) {
    const size_t kept = buffer_.size();
    buffer_.resize(kept + bytes);
    const size_t got = std::fread(buffer_.data() + kept, 1, bytes, file_);
    buffer_.resize(kept + got);
    read_ += got;
    if (got < bytes) {
      if (std::ferror(file_) != 0) return Status::IOError(name_ + ": read failed");
      eof_ = true;
    }
    return Status::OK();
  }

  std::string name_;
  std::FILE* file_;
  std::string buffer_;
  size_t taken_ = 0;  // bytes of buffer_ the last block took
  size_t line_ = 1;   // the number of buffer_'s first line
  size_t read_ = 0;
  size_t size_ = 0;
  bool eof_ = false;
};

// The records of an input, parsed block by block: JSON Lines a block of
// lines at a time (errors name lines of the whole input), a JSON array or
// one record spread over lines whole, as the first lines tell.
class ParsedBlocks {
 public:
  ParsedBlocks(BlockReader& reader, std::string name, bool keep_going)
      : reader_(reader), name_(std::move(name)) {
    options_.keep_going = keep_going;
  }

  // The next block's orders and errors; false at the end of the input.
  Result<bool> Next(ParseResult* parsed) {
    std::string_view block;
    size_t first_line = 0;
    Result<bool> more = reader_.Next(&block, &first_line);
    if (!more.ok() || !*more) return more;
    if (!first_) {
      options_.first_line = first_line;
      *parsed = parser_.Parse(block, name_, options_);
      return true;
    }
    first_ = false;
    *parsed = parser_.Parse(block, name_, options_);
    if (parsed->layout == ParseResult::Layout::kLines) return true;
    Result<std::string_view> all = reader_.Rest();
    if (!all.ok()) return all.status();
    *parsed = parser_.Parse(*all, name_, options_);
    return true;
  }

 private:
  BlockReader& reader_;
  const std::string name_;
  OrderParser parser_;
  ParseOptions options_;
  bool first_ = true;
};

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

// Where each of `hashes` first appears in the input `name`, read again
// ("SOURCE:17"); only a conflicting create asks, so the import itself
// keeps no line numbers. Standard input cannot be read again: an order
// found there is named by the source alone.
std::map<OrderHash, std::string> FirstOrigins(const std::string& name,
                                              const std::vector<OrderHash>& hashes) {
  std::map<OrderHash, std::string> origins;
  if (name == "-") return origins;
  Result<std::unique_ptr<BlockReader>> reader = BlockReader::Open(name);
  if (!reader.ok()) return origins;
  ParsedBlocks blocks(**reader, name, /*keep_going=*/true);
  ParseResult parsed;
  for (Result<bool> more = blocks.Next(&parsed); more.ok() && *more;
       more = blocks.Next(&parsed)) {
    for (size_t i = 0; i < parsed.orders.size(); ++i) {
      const OrderHash& hash = parsed.orders[i].hash;
      if (std::binary_search(hashes.begin(), hashes.end(), hash) &&
          origins.count(hash) == 0) {
        origins[hash] = parsed.Origin(name, i);
      }
    }
  }
  return origins;
}

// Prints one line per create of file `name` that found a different order
// stored, naming its record (the first, when a file holds an order twice),
// then that nothing of the file was imported.
void ReportConflicts(const std::string& name,
                     const std::vector<CreateConflict>& conflicts) {
  std::vector<OrderHash> hashes;
  for (const CreateConflict& conflict : conflicts) hashes.push_back(conflict.hash);
  std::sort(hashes.begin(), hashes.end());
  const std::map<OrderHash, std::string> origins = FirstOrigins(name, hashes);
  // In the file's order, as a reader goes through it.
  std::vector<std::pair<std::string, const CreateConflict*>> found;
  for (const CreateConflict& conflict : conflicts) {
    auto origin = origins.find(conflict.hash);
    found.emplace_back(origin == origins.end() ? name : origin->second, &conflict);
  }
  auto line_of = [](const std::string& origin) {
    const size_t colon = origin.rfind(':');
    return colon == std::string::npos ? 0 : std::atoll(origin.c_str() + colon + 1);
  };
  std::stable_sort(found.begin(), found.end(), [&](const auto& a, const auto& b) {
    return line_of(a.first) < line_of(b.first);
  });
  for (const auto& [origin, conflict] : found) {
    PrintError("import", origin + ": order " + conflict->hash.ToHex() +
                             ": already exists with a different " +
                             conflict->field);
  }
  PrintError("import", name + ": " + std::to_string(conflicts.size()) +
                           (conflicts.size() == 1 ? " conflict" : " conflicts") +
                           ", nothing imported from this file");
}

// What importing one file did.
struct FileImport {
  int exit_code = kExitOk;  // kExitOk, or why nothing of it was imported
  bool fatal = false;       // a store error: stop importing
  size_t imported = 0, skipped = 0;
  WriteOutcome outcome;
};

// A store error while importing a file: reported, and no file after it is
// imported.
FileImport StoreError(const Status& s, FileImport* result) {
  PrintError("import", s.message());
  result->exit_code = ExitCodeFor(s);
  result->fatal = true;
  return *result;
}

// Imports one file through an Importer: block by block, each block's
// orders added as it is parsed, so that neither the text nor the orders of
// a large file are ever held whole. All or nothing: an invalid record (but
// with --skip-invalid), a conflicting create or a store error leaves the
// store as it was.
FileImport ImportFile(Store& store, const std::string& name, bool skip_invalid,
                      bool create_only) {
  FileImport result;
  Result<std::unique_ptr<BlockReader>> reader = BlockReader::Open(name);
  if (!reader.ok()) {
    PrintError("import", reader.status().message());
    result.exit_code = kExitInvalidInput;
    return result;
  }
  Progress progress("importing " + name);
  Importer importer(store);
  ParsedBlocks blocks(**reader, name, skip_invalid);
  ParseResult parsed;
  for (;;) {
    Result<bool> more = blocks.Next(&parsed);
    if (!more.ok()) {
      PrintError("import", more.status().message());
      result.exit_code = kExitInvalidInput;
      return result;
    }
    if (!*more) break;
    progress.Update((*reader)->done(), (*reader)->size());
    for (const Status& error : parsed.errors) {
      PrintError("import", error.message());
    }
    if (!parsed.errors.empty() && !skip_invalid) {
      progress.Done();
      PrintError("import", name + ": nothing imported from this file");
      result.exit_code = kExitInvalidInput;
      return result;
    }
    result.skipped += parsed.errors.size();
    for (const Order& order : parsed.orders) {
      Status s = create_only ? importer.Create(order) : importer.Put(order);
      if (s.IsInvalidArgument()) {
        // The parser validates; this is a second line of defence.
        PrintError("import", name + ": " + s.message());
        result.exit_code = kExitInvalidInput;
        return result;
      }
      if (!s.ok()) return StoreError(s, &result);
    }
    result.imported += parsed.orders.size();
  }
  progress.Done();
  Status written = importer.Finish(&result.outcome);
  if (written.IsAlreadyExists()) {
    ReportConflicts(name, result.outcome.conflicts);
    result.exit_code = kExitInvalidInput;
    return result;
  }
  if (!written.ok()) return StoreError(written, &result);
  return result;
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
  int exit_code = kExitOk;
  size_t imported = 0, skipped = 0, files = 0;
  size_t created = 0, existed = 0, conflicting = 0;
  for (const std::string& name : flags.operands()) {
    FileImport file = ImportFile(**store, name, skip_invalid, create_only);
    if (file.fatal) return file.exit_code;
    if (file.exit_code != kExitOk) {
      exit_code = file.exit_code;
      conflicting += file.outcome.conflicts.size();
      continue;
    }
    skipped += file.skipped;
    imported += file.imported;
    created += file.outcome.created;
    existed += file.outcome.existed;
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
