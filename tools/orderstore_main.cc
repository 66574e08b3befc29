// orderstore: the command-line tool (docs/cli.md). Parses the global options
// and dispatches to a subcommand (tools/cmd_*.cc), each of which parses argv
// around calls to the public library; all order logic lives in lib/.
//
// Exit codes: 0 success, 1 not found, 2 usage error, 3 invalid input data
// (or a create that conflicts with a stored order),
// 4 store error. Errors go to stderr as "orderstore: <what>: <why>".
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "orderstore/version.h"
#include "cli.h"

namespace orderstore::tool {
namespace {

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
    {"dump", "print every order (or a filtered few) in key order", kDumpHelp,
     Dump},
    {"stats", "count orders by status, total the money, size on disk",
     kStatsHelp, Stats},
    {"list", "list orders by creation time, status or resource (indexed)",
     kListHelp, List},
    {"verify", "check every record and the indexes; report each problem",
     kVerifyHelp, Verify},
    {"reconcile", "check every order against the billing rules", kReconcileHelp,
     Reconcile},
    {"generate", "write realistic synthetic orders as JSON Lines",
     kGenerateHelp, Generate},
    {"serve", "answer GET /v1/order/detail/<hash> over HTTP", kServeHelp,
     Serve},
    {"changes", "print the change feed: what changed, in commit order",
     kChangesHelp, Changes},
    {"history", "print orders' histories: each change, who and why",
     kHistoryHelp, History},
    {"trim-changes", "remove old changes from the feed", kTrimChangesHelp,
     TrimChanges},
    {"backup", "copy the store into a backup directory (also while written)",
     kBackupHelp, Backup},
    {"restore", "restore a backup as a new store", kRestoreHelp, Restore},
    {"ship", "send the change feed into ClickHouse (a fleet's tables)",
     kShipHelp, Ship},
};

void PrintUsage(std::FILE* out) {
  std::fprintf(out,
               "usage: orderstore [--db DIR] COMMAND [OPTIONS] [ARGS]\n\n"
               "An embedded store for cloud-billing orders (version %s).\n\n"
               "Commands:\n",
               ORDERSTORE_VERSION_STRING);
  for (const Command& command : kCommands) {
    std::fprintf(out, "  %-12.*s %.*s\n", static_cast<int>(command.name.size()),
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
               "input data (or a conflicting create), 4 store error.\n");
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
