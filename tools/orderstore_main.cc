// orderstore: the command-line tool (SPEC §5). It parses argv around calls
// to the public library and prints their results; all logic lives in lib/.
//
// Exit codes: 0 success, 1 not found, 2 usage error, 3 invalid input data,
// 4 store error. Errors go to stderr as "orderstore: <what>: <why>".
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "orderstore/json_export.h"
#include "orderstore/json_import.h"
#include "orderstore/store.h"
#include "orderstore/version.h"

namespace orderstore::tool {
namespace {

enum ExitCode {
  kExitOk = 0,
  kExitNotFound = 1,
  kExitUsage = 2,
  kExitInvalidInput = 3,
  kExitStoreError = 4,
};

void PrintError(std::string_view what, std::string_view why) {
  std::cerr << "orderstore: " << what << ": " << why << "\n";
}

// The exit code for a failed library call.
int ExitCodeFor(const Status& s) {
  switch (s.code()) {
    case Status::Code::kOk:
      return kExitOk;
    case Status::Code::kNotFound:
      return kExitNotFound;
    case Status::Code::kInvalidArgument:
      return kExitInvalidInput;
    case Status::Code::kCorruption:
    case Status::Code::kIOError:
      return kExitStoreError;
  }
  return kExitStoreError;
}

// A subcommand's arguments after the global options are taken out.
struct Args {
  std::string db;
  std::vector<std::string> words;  // flags and operands, in order
};

// Parses the flags a subcommand accepts. `flags` names boolean flags,
// `valued` flags that take a value ("--x V" or "--x=V").
class FlagParser {
 public:
  FlagParser(std::string command, const std::vector<std::string>& words)
      : command_(std::move(command)), words_(words) {}

  // Returns false (and prints a usage error) on an unknown flag.
  bool Parse(const std::vector<std::string_view>& flags,
             const std::vector<std::string_view>& valued) {
    bool operands_only = false;
    for (size_t i = 0; i < words_.size(); ++i) {
      std::string_view word = words_[i];
      if (operands_only || word == "-" || word.size() < 2 ||
          word.substr(0, 2) != "--") {
        if (!operands_only && word.size() > 1 && word[0] == '-' &&
            word != "-") {
          return Fail("unknown option " + std::string(word));
        }
        operands_.emplace_back(word);
        continue;
      }
      if (word == "--") {
        operands_only = true;
        continue;
      }
      std::string_view name = word;
      std::optional<std::string> value;
      if (size_t eq = word.find('='); eq != std::string_view::npos) {
        name = word.substr(0, eq);
        value = std::string(word.substr(eq + 1));
      }
      if (std::find(flags.begin(), flags.end(), name) != flags.end()) {
        if (value) return Fail(std::string(name) + " takes no value");
        values_.emplace_back(std::string(name), "");
      } else if (std::find(valued.begin(), valued.end(), name) !=
                 valued.end()) {
        if (!value) {
          if (i + 1 == words_.size()) {
            return Fail(std::string(name) + " needs a value");
          }
          value = words_[++i];
        }
        values_.emplace_back(std::string(name), *value);
      } else {
        return Fail("unknown option " + std::string(name));
      }
    }
    return true;
  }

  bool Has(std::string_view name) const {
    for (const auto& [n, v] : values_) {
      if (n == name) return true;
    }
    return false;
  }
  // The last value given for `name`, if any.
  std::optional<std::string> Value(std::string_view name) const {
    std::optional<std::string> found;
    for (const auto& [n, v] : values_) {
      if (n == name) found = v;
    }
    return found;
  }
  const std::vector<std::string>& operands() const { return operands_; }

 private:
  bool Fail(const std::string& why) {
    PrintError(command_, why + " (see 'orderstore " + command_ + " --help')");
    return false;
  }

  std::string command_;
  const std::vector<std::string>& words_;
  std::vector<std::pair<std::string, std::string>> values_;
  std::vector<std::string> operands_;
};

Result<std::unique_ptr<Store>> OpenStore(const std::string& db,
                                         bool read_only) {
  Options options;
  options.read_only = read_only;
  return Store::Open(options, db);
}

// Reads a whole file, or stdin for "-".
Result<std::string> ReadInput(const std::string& name) {
  if (name == "-") {
    std::string text{std::istreambuf_iterator<char>(std::cin),
                     std::istreambuf_iterator<char>()};
    return text;
  }
  std::ifstream in(name, std::ios::binary);
  if (!in) {
    return Status::IOError(name + ": " + std::strerror(errno));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Status::IOError(name + ": read failed");
  return std::move(text).str();
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

// ---------------------------------------------------------------- import

constexpr char kImportHelp[] = R"(usage: orderstore [--db DIR] import [--skip-invalid] FILE...

Reads orders from each FILE ("-" for standard input) into the store. A file
holds JSON Lines, a JSON array, or one JSON value; each record is a detail
response ({"data":...,"request_id":...}, data one order or an array of
orders) or a bare order object. Orders replace stored orders with the same
hash.

Each file is imported atomically: by default a file with any invalid record
imports nothing, and the error names the file, the line (or array element)
and the field. The other files are still imported.

  --skip-invalid   import the valid records of each file; report the others
  --db DIR         the store (default: $ORDERSTORE_DB, else ./orderstore.db)

Exit: 0 all imported (or skipped with --skip-invalid), 2 usage error,
3 invalid input (nothing of that file imported), 4 store error.
)";

int Import(const Args& args) {
  FlagParser flags("import", args.words);
  if (!flags.Parse({"--skip-invalid"}, {})) return kExitUsage;
  if (flags.operands().empty()) {
    PrintError("import", "no input files (see 'orderstore import --help')");
    return kExitUsage;
  }
  const bool skip_invalid = flags.Has("--skip-invalid");
  auto store = OpenStore(args.db, /*read_only=*/false);
  if (!store.ok()) {
    PrintError("import", store.status().message());
    return ExitCodeFor(store.status());
  }

  auto started = std::chrono::steady_clock::now();
  OrderParser parser;
  int exit_code = kExitOk;
  size_t imported = 0, skipped = 0, files = 0;
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
      Status s = batch.Put(order);
      if (!s.ok()) {  // the parser validates; this is a second line of defence
        PrintError("import", name + ": " + s.message());
        return kExitInvalidInput;
      }
    }
    Status written = (*store)->Write(WriteOptions(), batch);
    if (!written.ok()) {
      PrintError("import", written.message());
      return ExitCodeFor(written);
    }
    imported += parsed.orders.size();
    ++files;
  }
  double seconds = std::chrono::duration<double>(
                       std::chrono::steady_clock::now() - started)
                       .count();
  std::printf("imported %zu orders from %zu file%s", imported, files,
              files == 1 ? "" : "s");
  if (skipped > 0) std::printf(", skipped %zu invalid records", skipped);
  std::printf(" in %.2f s\n", seconds);
  return exit_code;
}

// ------------------------------------------------------------------- get

constexpr char kGetHelp[] = R"(usage: orderstore [--db DIR] get [--pretty] [--request-id ID] HASH...

Prints the documented detail response ({"data":{...},"request_id":"..."})
of each order, one compact JSON document per line, in the order asked.
HASH is 32 hex digits, either case. Works while another process has the
store open for writing.

  --pretty          indent the JSON (two spaces per level)
  --request-id ID   use ID as the request_id (default: a fresh random one
                    per response)
  --db DIR          the store (default: $ORDERSTORE_DB, else ./orderstore.db)

Exit: 0 all found, 1 some order not found (the others are still printed),
2 usage error (e.g. a malformed hash), 4 store error.
)";

int Get(const Args& args) {
  FlagParser flags("get", args.words);
  if (!flags.Parse({"--pretty"}, {"--request-id"})) return kExitUsage;
  if (flags.operands().empty()) {
    PrintError("get", "no order hash given (see 'orderstore get --help')");
    return kExitUsage;
  }
  std::vector<OrderHash> hashes;
  for (const std::string& text : flags.operands()) {
    Result<OrderHash> hash = OrderHash::Parse(text);
    if (!hash.ok()) {
      PrintError("get", hash.status().message());
      return kExitUsage;
    }
    hashes.push_back(*hash);
  }
  auto store = OpenStore(args.db, /*read_only=*/true);
  if (!store.ok()) {
    PrintError("get", store.status().message());
    return kExitStoreError;
  }
  ExportOptions export_options;
  export_options.pretty = flags.Has("--pretty");
  std::optional<std::string> request_id = flags.Value("--request-id");

  int exit_code = kExitOk;
  std::string out;
  for (const OrderHash& hash : hashes) {
    Result<PinnedOrder> order = (*store)->Get(ReadOptions(), hash);
    if (!order.ok()) {
      std::cout << std::flush;
      PrintError("get", order.status().message());
      int code = ExitCodeFor(order.status());
      if (exit_code == kExitOk || code > exit_code) exit_code = code;
      continue;
    }
    out.clear();
    AppendDetailResponse(order->view(),
                         request_id ? *request_id : NewRequestId(), &out,
                         export_options);
    out += '\n';
    std::cout << out;
  }
  std::cout << std::flush;
  return exit_code;
}

// ------------------------------------------------------------- dispatch

struct Command {
  std::string_view name;
  std::string_view summary;
  const char* help;
  int (*run)(const Args&);
};

constexpr Command kCommands[] = {
    {"import", "read orders from JSON files into the store", kImportHelp,
     Import},
    {"get", "print orders as the documented detail response", kGetHelp, Get},
};

void PrintUsage(std::FILE* out) {
  std::fprintf(out,
               "usage: orderstore [--db DIR] COMMAND [OPTIONS] [ARGS]\n\n"
               "An embedded store for cloud-billing orders (version %s).\n\n"
               "Commands:\n",
               ORDERSTORE_VERSION_STRING);
  for (const Command& command : kCommands) {
    std::fprintf(out, "  %-10.*s %.*s\n", static_cast<int>(command.name.size()),
                 command.name.data(), static_cast<int>(command.summary.size()),
                 command.summary.data());
  }
  std::fprintf(out,
               "\nGlobal options (before or after the command):\n"
               "  --db DIR    the store directory (default: $ORDERSTORE_DB, "
               "else ./orderstore.db)\n"
               "  --help      this text; 'orderstore COMMAND --help' "
               "describes a command\n"
               "  --version   print the version\n\n"
               "Exit codes: 0 success, 1 not found, 2 usage error, 3 invalid "
               "input data, 4 store error.\n");
}

int Main(int argc, char** argv) {
  Args args;
  if (const char* env = std::getenv("ORDERSTORE_DB"); env && *env) {
    args.db = env;
  } else {
    args.db = "./orderstore.db";
  }
  const Command* command = nullptr;
  bool help = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view word = argv[i];
    if (word == "--") {  // everything after is the command's
      for (++i; i < argc; ++i) args.words.emplace_back(argv[i]);
      break;
    }
    if (word == "--db" || word.substr(0, 5) == "--db=") {
      if (word == "--db") {
        if (i + 1 == argc) {
          PrintError("usage", "--db needs a directory");
          return kExitUsage;
        }
        args.db = argv[++i];
      } else {
        args.db = std::string(word.substr(5));
      }
    } else if (word == "--help" || word == "-h") {
      help = true;
    } else if (word == "--version" && command == nullptr) {
      std::printf("orderstore %s\n", ORDERSTORE_VERSION_STRING);
      return kExitOk;
    } else if (command == nullptr && !word.empty() && word[0] != '-') {
      for (const Command& c : kCommands) {
        if (c.name == word) command = &c;
      }
      if (command == nullptr) {
        PrintError("usage", "unknown command '" + std::string(word) +
                                "' (see 'orderstore --help')");
        return kExitUsage;
      }
    } else {
      args.words.emplace_back(word);
    }
  }
  if (help) {
    if (command != nullptr) {
      std::fputs(command->help, stdout);
    } else {
      PrintUsage(stdout);
    }
    return kExitOk;
  }
  if (command == nullptr) {
    PrintUsage(stderr);
    return kExitUsage;
  }
  return command->run(args);
}

}  // namespace
}  // namespace orderstore::tool

int main(int argc, char** argv) { return orderstore::tool::Main(argc, argv); }
