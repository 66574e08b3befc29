// Shipping a store's change feed into ClickHouse, so that a fleet of stores
// can be queried and reconciled as one (docs/fleet.md).
//
// Each change of the feed (include/orderstore/changes.h) becomes one row of
// a ClickHouse ReplacingMergeTree table (ShipSchema), sent over ClickHouse's
// HTTP interface as `INSERT INTO T FORMAT JSONEachRow`, one INSERT per
// batch. The row carries the change's sequence number as its `version` and
// the store's shard name, so the table keeps the latest version of every
// order and replays are harmless: delivery is at least once.
//
// The cursor (the last change ClickHouse holds for a shard) is kept by
// ClickHouse itself: `max(version)` of the shard's rows. A batch is one
// INSERT of fewer rows than ClickHouse's max_insert_block_size, which
// ClickHouse writes as one part, all or nothing; so the high-water mark is
// exactly what was acknowledged, and a shipper that reads a store another
// process writes (a secondary instance cannot write anything into the
// store) needs no state of its own.
//
// Thread safety: the functions here may be called from any thread; two
// shippers of one shard into one table at once are harmless (rows are
// versioned) but wasteful.
#ifndef ORDERSTORE_SHIP_H_
#define ORDERSTORE_SHIP_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "orderstore/changes.h"
#include "orderstore/export.h"
#include "orderstore/status.h"
#include "orderstore/store.h"

namespace orderstore {

// Where and how to ship.
struct ShipOptions {
  // ClickHouse's HTTP interface (see ParseShipUrl).
  std::string host = "127.0.0.1";
  uint16_t port = 8123;
  // The local table rows go to: "orders" or "database.orders".
  std::string table = "orders";
  // The shard name every row carries (see StoreShardName); required.
  std::string shard;
  // Credentials, sent as the X-ClickHouse-User / X-ClickHouse-Key headers;
  // an empty user sends neither (ClickHouse's "default" user). Never
  // written into any message.
  std::string user, key;
  // Changes per INSERT: 1 to kMaxShipBatch.
  size_t batch = 10000;
  // How long one request may take (connect, send, answer) before it fails.
  std::chrono::milliseconds timeout{30000};
};

// The largest batch: below ClickHouse's max_insert_block_size (1,048,576
// rows), so that an INSERT is one block, written all or nothing.
inline constexpr size_t kMaxShipBatch = 100000;

// Parses "http://HOST:PORT" (a trailing '/' allowed) into options->host
// and port. Anything else (https, a path, a user in the URL, no port) is
// InvalidArgument quoting the text.
ORDERSTORE_EXPORT Status ParseShipUrl(std::string_view url, ShipOptions* options);

// Reads credentials for options->user / key, never from the command line:
// from `path` when not empty (a file of one or two lines: the user, then
// the key), else from the environment (CLICKHOUSE_USER, CLICKHOUSE_PASSWORD)
// when set; otherwise leaves both empty. IOError naming the file when it
// cannot be read; the file's contents never appear in a message.
ORDERSTORE_EXPORT Status LoadShipCredentials(const std::string& path,
                                             ShipOptions* options);

// The DDL of the fleet's tables, as statements separated by ";\n": the local
// ReplacingMergeTree(version) table `table`, ordered by the order hash, and
// the Distributed table `table`_all over cluster `cluster` (whose shards
// each hold a `table` in their default database). InvalidArgument when a
// name is not a plain identifier (letters, digits, '_'; "db.table" for
// `table`).
ORDERSTORE_EXPORT Result<std::string> ShipSchema(std::string_view table,
                                                 std::string_view cluster);

// A shard name unique to the store: RocksDB's identity of its database (a
// UUID written when the store was created), as `store:` + the identity.
// IOError when the store has none.
ORDERSTORE_EXPORT Result<std::string> StoreShardName(const Store& store);

// Asks ClickHouse for the shard's cursor: the highest version of
// options.shard in options.table, 0 when it has none. IOError (one line:
// what, where, why) when ClickHouse is down, slow or refuses.
ORDERSTORE_EXPORT Result<uint64_t> ShippedCursor(const ShipOptions& options);

// Appends the JSONEachRow row of one change to `out` (what ShipChanges
// sends; exposed for tests and other transports).
ORDERSTORE_EXPORT void AppendShipRow(const ChangeView& change,
                                     std::string_view shard, std::string* out);

// Ships every change of `store` after *cursor, as seen by one ChangesAfter
// snapshot, in INSERTs of options.batch changes; after each batch
// ClickHouse acknowledged, sets *cursor to its last number and adds its
// size to *shipped (when not null). Returns at the first failure with
// *cursor at the last acknowledged change: OutOfRange when the changes
// after *cursor were trimmed, Corruption for a damaged change, IOError
// when ClickHouse is down, slow or refuses a batch (its message, one line).
// The store may be a secondary instance (see Store::WaitForChanges).
ORDERSTORE_EXPORT Status ShipChanges(const Store& store,
                                     const ShipOptions& options,
                                     uint64_t* cursor,
                                     uint64_t* shipped = nullptr);

}  // namespace orderstore

#endif  // ORDERSTORE_SHIP_H_
