// A minimal client of ClickHouse's HTTP interface: one POST per call, on a
// connection of its own, with a deadline (Boost.Beast; no other process).
#ifndef ORDERSTORE_LIB_CLICKHOUSE_HTTP_H_
#define ORDERSTORE_LIB_CLICKHOUSE_HTTP_H_

#include <string>
#include <string_view>

#include "orderstore/ship.h"
#include "orderstore/status.h"

namespace orderstore::internal {

// POSTs `body` to http://options.host:options.port/?query=<query> (and
// &database=<database> when not empty) with the
// options' credentials as X-ClickHouse-User / X-ClickHouse-Key, and returns
// the answer's body when ClickHouse says 200. Anything else is IOError, one
// line: "ClickHouse at HOST:PORT: " + what failed (connect, timed out after
// the options' timeout, or the HTTP status and the first line of
// ClickHouse's message). Never names the credentials.
Result<std::string> ClickHousePost(const ShipOptions& options,
                                   std::string_view query,
                                   std::string body,
                                   std::string_view database = "");

}  // namespace orderstore::internal

#endif  // ORDERSTORE_LIB_CLICKHOUSE_HTTP_H_
