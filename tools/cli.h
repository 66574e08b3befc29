// What the orderstore subcommands share: exit codes, the error line, flag
// parsing and opening the store. Each subcommand lives in tools/cmd_*.cc;
// orderstore_main.cc dispatches. All order logic lives in the library.
#ifndef ORDERSTORE_TOOLS_CLI_H_
#define ORDERSTORE_TOOLS_CLI_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "orderstore/json_export.h"
#include "orderstore/query.h"
#include "orderstore/status.h"
#include "orderstore/store.h"

namespace orderstore::tool {

// The exit codes every subcommand shares (docs/cli.md); reconcile adds its
// own for findings.
enum ExitCode {
  kExitOk = 0,
  kExitNotFound = 1,
  kExitUsage = 2,
  kExitInvalidInput = 3,
  kExitStoreError = 4,
};

// Writes "orderstore: <what>: <why>" to stderr.
void PrintError(std::string_view what, std::string_view why);

// The exit code for a failed library call.
int ExitCodeFor(const Status& s);

// A subcommand's arguments after the global options are taken out.
struct Args {
  std::string db;
  std::vector<std::string> words;  // flags and operands, in order
};

// Parses the flags a subcommand accepts. `flags` names boolean flags,
// `valued` flags that take a value ("--x V" or "--x=V"; may repeat).
class FlagParser {
 public:
  // Whether the subcommand takes operands (the words that are not flags).
  enum class Operands { kAllowed, kNone };

  FlagParser(std::string command, const std::vector<std::string>& words)
      : command_(std::move(command)), words_(words) {}

  // Returns false (and prints a usage error) on an unknown flag, or, with
  // Operands::kNone, on an operand ("unexpected argument X", for the first
  // one, once every flag has passed).
  bool Parse(const std::vector<std::string_view>& flags,
             const std::vector<std::string_view>& valued,
             Operands operands = Operands::kAllowed);

  bool Has(std::string_view name) const;
  // The last value given for `name`, if any.
  std::optional<std::string> Value(std::string_view name) const;
  // Every value given for `name`, in order.
  std::vector<std::string> Values(std::string_view name) const;
  const std::vector<std::string>& operands() const { return operands_; }

  // Prints a usage error for this command ("... (see 'orderstore CMD
  // --help')") and returns kExitUsage.
  int UsageError(const std::string& why) const;

  // The value of `name` as an unsigned decimal integer, `fallback` when
  // absent; a usage error (printed) otherwise.
  std::optional<uint64_t> Count(std::string_view name, uint64_t fallback) const;

 private:
  std::string command_;
  const std::vector<std::string>& words_;
  std::vector<std::pair<std::string, std::string>> values_;
  std::vector<std::string> operands_;
};

// The Options every command opens the store with: the store's warnings
// (Options::warning: a store more open than it should be) are printed on
// stderr as "orderstore: <command>: <line>", then passed to `also` if set.
Options ToolOptions(std::string_view command,
                    std::function<void(const std::string&)> also = {});

// Reads the whole file at `path`, which holds a secret (`what` names it:
// "token file", "TLS key"). InvalidArgument (one line naming the file)
// unless it is a regular file that neither its group nor others may read,
// write or run (mode 0600 or 0400; checked on the opened file, so it cannot
// change in between), or when it cannot be read.
Result<std::string> ReadSecretFile(const std::string& path,
                                   std::string_view what);

// Opens the store for a command that only reads. When another process has
// the store open for writing it is opened as a RocksDB secondary instance
// (which sees everything that process wrote before now), otherwise
// read-only; either way no lock is taken. With `verbose`, says which on
// stderr. On failure prints the error line and returns the exit code.
// Warnings are printed and passed to `warned` as ToolOptions says.
struct OpenedStore {
  std::unique_ptr<Store> store;
  int exit_code = kExitOk;
};
OpenedStore OpenForReading(
    const std::string& db, std::string_view command, bool verbose,
    std::function<void(const std::string&)> warned = {});

// Writes `text` to stdout; false when stdout is gone (e.g. a closed pipe).
bool Emit(const std::string& text);

// Prints orders to stdout as JSON Lines of bare order objects, an aligned
// table for a person, or one multi-order response {"data":[...],
// "request_id":"..."}, streaming in constant memory.
class OrderPrinter {
 public:
  enum class Format { kJsonLines, kTable, kArray };
  explicit OrderPrinter(Format format);
  // False when stdout went away (the reader stopped: not an error).
  bool Print(OrderView order);
  // Writes what is buffered (and the array's end). Call once, at the end,
  // also after an error, so that what was printed before it is complete.
  bool Finish();

 private:
  Format format_;
  std::string out_;
  std::optional<ListResponseWriter> list_;
};

// What dump and list share: the creation-time query (--status, repeatable,
// --created-after, --created-before, --limit) and the output format
// (--format json|table, --array). Prints a usage error and returns nothing
// when one is malformed. (Dump and list parse with Operands::kNone.)
struct Listing {
  CreatedQuery query;
  OrderPrinter::Format format;
};
std::optional<Listing> ListingFromFlags(const FlagParser& flags);

// Runs `query` over the store in args.db (opened for reading, honouring
// --verbose) and prints its orders; returns the exit code.
int PrintQuery(const Args& args, const FlagParser& flags,
               std::string_view command, const CreatedQuery& query,
               OrderPrinter::Format format);

// The subcommands: each takes its arguments and returns the exit code.
int Import(const Args& args);
int Get(const Args& args);
int Dump(const Args& args);
int Stats(const Args& args);
int Verify(const Args& args);
int Generate(const Args& args);
int Serve(const Args& args);
int List(const Args& args);
int Reconcile(const Args& args);
int Changes(const Args& args);
int History(const Args& args);
int TrimChanges(const Args& args);
int Backup(const Args& args);
int Restore(const Args& args);
int Ship(const Args& args);

extern const char kImportHelp[];
extern const char kGetHelp[];
extern const char kDumpHelp[];
extern const char kStatsHelp[];
extern const char kVerifyHelp[];
extern const char kGenerateHelp[];
extern const char kServeHelp[];
extern const char kListHelp[];
extern const char kReconcileHelp[];
extern const char kChangesHelp[];
extern const char kHistoryHelp[];
extern const char kTrimChangesHelp[];
extern const char kBackupHelp[];
extern const char kRestoreHelp[];
extern const char kShipHelp[];

}  // namespace orderstore::tool

#endif  // ORDERSTORE_TOOLS_CLI_H_
