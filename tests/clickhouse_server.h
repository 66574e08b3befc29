// A real clickhouse-server for tests: started from a temporary configuration
// in the test's directory, on 127.0.0.1 and free ports, stopped when the
// object goes away. Never the system service.
//
// Its remote_servers name one cluster, "fleet", of two shards that are both
// this server: shard 1 reads database s1, shard 2 database s2 (each
// replica's default_database). So one server stands in for a fleet of two
// ClickHouse nodes, each store shipping into its own database, and a
// Distributed table over "fleet" reads both as it would read two hosts.
#ifndef ORDERSTORE_TESTS_CLICKHOUSE_SERVER_H_
#define ORDERSTORE_TESTS_CLICKHOUSE_SERVER_H_

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "orderstore/ship.h"
#include "orderstore/status.h"

namespace orderstore::testing {

class ClickHouseServer {
 public:
  // Starts a server with its configuration and data under `dir` (created)
  // and waits until it answers (up to 60 s). Nothing, with *why set, when
  // the binary is not installed (the caller skips); a failed start fails
  // the calling test.
  static std::unique_ptr<ClickHouseServer> Start(const std::string& dir,
                                                 std::string* why);
  ~ClickHouseServer();  // stops the server (SIGTERM, then SIGKILL)

  uint16_t http_port() const { return http_port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(http_port_); }
  // ShipOptions aimed at this server.
  ShipOptions Destination(std::string table) const;

  // Runs one statement (with `body` as its data) in `database`; the
  // answer, or IOError with ClickHouse's message.
  Result<std::string> Query(std::string_view sql, std::string body = "",
                            std::string_view database = "default") const;
  // Runs the statements of `ddl`, separated by ";\n", in `database`.
  Status Execute(std::string_view ddl, std::string_view database) const;
  // Creates databases s1 and s2, and in each the tables of ShipSchema
  // ("orders", cluster "fleet").
  Status CreateFleetTables() const;

 private:
  ClickHouseServer() = default;
  pid_t pid_ = -1;
  uint16_t http_port_ = 0;
};

// The path of the clickhouse-server binary, empty when not installed.
std::string ClickHouseServerBinary();

// Skips the test (with a clear message) when the binary is missing;
// otherwise starts a server in the fixture's directory.
#define ORDERSTORE_START_CLICKHOUSE(server, dir)                       \
  std::string _why;                                                    \
  auto server = ::orderstore::testing::ClickHouseServer::Start(dir, &_why); \
  if (!server) {                                                       \
    if (!_why.empty()) GTEST_SKIP() << _why;                           \
    FAIL() << "clickhouse-server did not start";                       \
  }

}  // namespace orderstore::testing

#endif  // ORDERSTORE_TESTS_CLICKHOUSE_SERVER_H_
