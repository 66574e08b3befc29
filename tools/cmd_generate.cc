// orderstore generate: synthetic orders as JSON Lines (the distribution is
// the library's, see orderstore/generate.h).
#include <cstdio>
#include <string>

#include "cli.h"
#include "orderstore/generate.h"
#include "orderstore/json_export.h"

namespace orderstore::tool {

const char kGenerateHelp[] = R"(usage: orderstore generate --count N [--seed S] [--start I]

Writes N realistic synthetic orders to standard output as JSON Lines (bare
order objects, as `dump` writes them), ready for `orderstore import -`.
Deterministic: the same seed gives the same orders on every machine. Order
number i of a seed is always the same order, so --start splits a large set
into parts (--start 0 --count 500 then --start 500 --count 500 equals
--count 1000). Does not touch the store.

  --count N   how many orders (required)
  --seed S    the sequence (default 1)
  --start I   the index of the first order (default 0)

The distribution:
  hash       16 random-looking bytes, unique within a seed
  items      1 (40%), 2 (30%), 3 (20%), 4 (10%); resource_type instance,
             disk, ip or bandwidth (ids i-, d-, eip-, bw-); order_type create,
             renew or upgrade; regions cn-qingdao, cn-beijing, cn-hangzhou,
             cn-shanghai, cn-shenzhen, cn-hongkong, ap-southeast-1, us-west-1;
             price 1.00 to 999.99 (whole cents)
  fee        the sum of the item prices; c_fee 0 for new and canceled
             orders, else fee or (30%) up to 20% less
  status     new 15% (items non_executable, not paid), paid 20% (items
             executable, processing, failed, fail_over or success, not all
             success), canceled 10% (items cancelled, cancel_time set, not
             paid), complete 40% (items all success), refund 15% (at least one
             item refunded, the rest success)
  times      create_time 2020-01-01 to 2025-12-31; expire_time 30 min, 1 day
             or 7 days later; pay_time set exactly for paid, complete and
             refund, cancel_time only for canceled, both before expire_time;
             an item's life_start_time/life_expire_time set exactly when it
             is success or refunded (1, 3 or 12 months of 30 days); unset
             times are 0001-01-01T00:00:00Z. Offsets Z 45%, +08:00 40%,
             +05:45, +09:00, -05:00 5% each; a quarter of the orders have
             fractional seconds.

Exit: 0 written, 2 usage error, 4 standard output could not be written.
)";

int Generate(const Args& args) {
  FlagParser flags("generate", args.words);
  if (!flags.Parse({}, {"--count", "--seed", "--start"},
                   FlagParser::Operands::kNone)) {
    return kExitUsage;
  }
  if (!flags.Has("--count")) return flags.UsageError("--count is required");
  std::optional<uint64_t> count = flags.Count("--count", 0);
  std::optional<uint64_t> seed = flags.Count("--seed", 1);
  std::optional<uint64_t> start = flags.Count("--start", 0);
  if (!count || !seed || !start) return kExitUsage;

  OrderGenerator generator(*seed, *start);
  std::string out;
  constexpr size_t kFlushBytes = 1 << 20;
  out.reserve(kFlushBytes + 4096);
  for (uint64_t i = 0; i < *count; ++i) {
    // Generated orders always pass validation, so this cannot fail.
    Status s = AppendOrderJson(generator.Next(), &out);
    if (!s.ok()) {
      PrintError("generate", s.message());
      return kExitStoreError;
    }
    out += '\n';
    if (out.size() >= kFlushBytes || i + 1 == *count) {
      if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size()) {
        PrintError("generate", "cannot write standard output");
        return kExitStoreError;
      }
      out.clear();
    }
  }
  if (std::fflush(stdout) != 0) {
    PrintError("generate", "cannot write standard output");
    return kExitStoreError;
  }
  return kExitOk;
}

}  // namespace orderstore::tool
