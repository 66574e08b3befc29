// orderstore get: orders as the documented detail response.
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "orderstore/json_export.h"
#include "orderstore/store.h"
#include "cli.h"

namespace orderstore::tool {

const char kGetHelp[] = R"(usage: orderstore [--db DIR] get [--pretty] [--request-id ID] HASH...

Prints the documented detail response ({"data":{...},"request_id":"..."})
of each order, one compact JSON document per line, in the order asked.
HASH is 32 hex digits, either case. Works while another process has the
store open for writing.

  --pretty          indent the JSON (two spaces per level)
  --verbose         say on stderr how the store was opened (read-only, or as
                    a secondary instance when another process writes it)
  --request-id ID   use ID as the request_id (default: a fresh random one
                    per response)
  --db DIR          the store (default: $ORDERSTORE_DB, else ./orderstore.db)

Exit: 0 all found, 1 some order not found (the others are still printed),
2 usage error (e.g. a malformed hash), 4 store error.
)";

int Get(const Args& args) {
  FlagParser flags("get", args.words);
  if (!flags.Parse({"--pretty", "--verbose"}, {"--request-id"})) {
    return kExitUsage;
  }
  if (flags.operands().empty()) {
    return flags.UsageError("no order hash given");
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
  OpenedStore store = OpenForReading(args.db, "get", flags.Has("--verbose"));
  if (!store.store) return store.exit_code;
  ExportOptions export_options;
  export_options.pretty = flags.Has("--pretty");
  std::optional<std::string> request_id = flags.Value("--request-id");

  int exit_code = kExitOk;
  std::string out;
  for (const OrderHash& hash : hashes) {
    Result<PinnedOrder> order = store.store->Get(ReadOptions(), hash);
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

}  // namespace orderstore::tool
