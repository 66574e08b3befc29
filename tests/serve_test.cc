// `orderstore serve`: the real binary on a free port of 127.0.0.1, spoken to
// over real sockets.
#include <signal.h>

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "orderstore/generate.h"
#include "orderstore/json_export.h"
#include "orderstore/store.h"
#include "tests/serve_process.h"
#include "tests/test_util.h"

namespace orderstore {
namespace {

constexpr char kExampleHash[] = "602892b7b500000eed4190e932000000";
constexpr uint64_t kSeed = 77;
constexpr int kOrders = 200;

using testing::HttpReply;
using Connection = testing::HttpConnection;

// The real server over a store with the example and kOrders generated orders.
class ServeTest : public testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    {
      auto store = Store::Open(Options(), Path("db"));
      ASSERT_OK(store);
      WriteBatch batch;
      ASSERT_OK(batch.Put(testing::ExampleOrder()));
      for (int i = 0; i < kOrders; ++i) ASSERT_OK(batch.Put(GenerateOrder(kSeed, i)));
      ASSERT_OK((*store)->Write(WriteOptions(), batch));
    }
    Start({"--read-timeout", "1", "--access-log"});
  }
  void TearDown() override {
    server_.reset();  // before its directory goes
    TempDirTest::TearDown();
  }
  void Start(const std::vector<std::string>& extra) {
    server_ = std::make_unique<testing::ServeProcess>();
    ASSERT_TRUE(server_->Start(Path("db"), extra, Path("stderr")));
    pid_ = server_->pid();
    port_ = server_->port();
  }

  // Stops the server with `signal`; returns its exit code.
  int Stop(int signal) { return server_->Stop(signal); }

  std::string AccessLog() {
    std::ifstream in(Path("stderr"));
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  std::unique_ptr<testing::ServeProcess> server_;
  pid_t pid_ = -1;
  int port_ = 0;
};

std::string ExpectedBody(uint64_t i, const std::string& request_id) {
  std::string json = "{\"data\":";
  EXPECT_OK(AppendOrderJson(GenerateOrder(kSeed, i), &json));
  return json + ",\"request_id\":\"" + request_id + "\"}";
}

TEST_F(ServeTest, DetailIsTheDocumentedResponseWithItsRequestIdHeader) {
  Connection c(port_);
  ASSERT_TRUE(c.connected());
  HttpReply r = c.Get(std::string("/v1/order/detail/") + kExampleHash);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-type"], "application/json");
  const std::string id = r.headers["x-request-id"];
  ASSERT_EQ(id.size(), 16u);
  std::string expected = testing::kExampleCompact;
  expected.replace(expected.find("TRBUBYEtcQWEg18W"), 16, id);
  EXPECT_EQ(r.body, expected);

  // HEAD: the same headers, no body; the connection is still usable after.
  HttpReply head = c.Get(std::string("/v1/order/detail/") + kExampleHash, "HEAD");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.headers["content-length"], std::to_string(expected.size()));
  EXPECT_NE(head.headers["x-request-id"], id);
  HttpReply again = c.Get(std::string("/v1/order/detail/") + kExampleHash);
  EXPECT_EQ(again.status, 200);
}

TEST_F(ServeTest, ErrorStatusesBodiesAndHeaders) {
  Connection c(port_);
  struct Case {
    std::string method, target;
    int status;
    std::string message;
  };
  for (const Case& k : std::vector<Case>{
           {"GET", "/v1/order/detail/xyz", 400,
            "malformed order hash \\\"xyz\\\": want 32 hex digits"},
           {"GET", "/v1/order/detail/ffffffffffffffffffffffffffffffff", 404,
            "order ffffffffffffffffffffffffffffffff not found"},
           {"GET", "/v1/orders", 404, "no such endpoint: /v1/orders"},
           {"DELETE", std::string("/v1/order/detail/") + kExampleHash, 405,
            "method DELETE not allowed; use GET or HEAD"}}) {
    HttpReply r = c.Get(k.target, k.method);
    ASSERT_EQ(r.status, k.status) << k.target;
    const std::string id = r.headers["x-request-id"];
    EXPECT_EQ(r.body, "{\"request_id\":\"" + id + "\",\"code\":" +
                          std::to_string(k.status) + ",\"message\":\"" +
                          k.message + "\"}");
    EXPECT_EQ(r.headers["content-type"], "application/json");
    EXPECT_EQ(r.headers.count("allow"), k.status == 405 ? 1u : 0u);
    if (k.status == 405) {
      EXPECT_EQ(r.headers["allow"], "GET, HEAD");
    }
  }
}

TEST_F(ServeTest, AThousandRequestsOverEightKeepAliveConnections) {
  constexpr int kConnections = 8, kPerConnection = 125;
  std::vector<int> answered(kConnections, 0);
  std::vector<std::thread> clients;
  for (int t = 0; t < kConnections; ++t) {
    clients.emplace_back([this, t, &answered] {
      Connection c(port_);
      for (int i = 0; i < kPerConnection; ++i) {
        const uint64_t index = static_cast<uint64_t>(t * kPerConnection + i) % kOrders;
        HttpReply r = c.Get("/v1/order/detail/" + GenerateOrderHash(kSeed, index).ToHex());
        if (r.status == 200 && r.body == ExpectedBody(index, r.headers["x-request-id"])) {
          ++answered[t];
        }
      }
    });
  }
  for (std::thread& t : clients) t.join();
  for (int t = 0; t < kConnections; ++t) EXPECT_EQ(answered[t], kPerConnection) << t;
  // One access-log line per request, all on 8 client ports.
  const std::string log = AccessLog();
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), kConnections * kPerConnection);
  std::set<std::string> clients_seen;
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    EXPECT_NE(line.find("\"GET /v1/order/detail/"), std::string::npos) << line;
    EXPECT_NE(line.find("\" 200 "), std::string::npos) << line;
    clients_seen.insert(line.substr(0, line.find(' ')));
  }
  EXPECT_EQ(clients_seen.size(), static_cast<size_t>(kConnections));
}

TEST_F(ServeTest, AStalledHalfRequestDelaysNobodyAndIsDropped) {
  Connection stalled(port_);
  ASSERT_TRUE(stalled.Send("GET /v1/order/detail/6028"));  // and nothing more
  Connection other(port_);
  for (int i = 0; i < 50; ++i) {
    ASSERT_EQ(other.Get("/v1/order/detail/" + GenerateOrderHash(kSeed, i).ToHex()).status,
              200);
  }
  // Everyone else was served while the stalled client still held its
  // connection; the read timeout (1 s here) then drops it.
  EXPECT_FALSE(stalled.ClosedWithin(0));
  EXPECT_TRUE(stalled.ClosedWithin(5000));
  // (By now `other` has idled about as long, and may be dropped too.)
  EXPECT_EQ(Connection(port_).Get(std::string("/v1/order/detail/") + kExampleHash).status,
            200);
}

TEST_F(ServeTest, OversizedOrMalformedRequestsAreRefusedWith4xx) {
  {
    Connection c(port_);
    HttpReply r = c.Get("/v1/order/detail/" + std::string(20000, 'a'));
    EXPECT_EQ(r.status, 431);
    EXPECT_NE(r.body.find("\"code\":431"), std::string::npos);
    EXPECT_TRUE(c.ClosedWithin(2000));
  }
  {
    Connection c(port_);
    ASSERT_TRUE(c.Send(std::string("GET / HTTP/1.1\r\nX-Filler: ") +
                       std::string(9000, 'x') + "\r\n\r\n"));
    EXPECT_EQ(c.Receive().status, 431);
  }
  {
    Connection c(port_);
    ASSERT_TRUE(c.Send("NOT HTTP AT ALL\r\n\r\n"));
    HttpReply r = c.Receive();
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.body.find("\"code\":400"), std::string::npos);
  }
  // The server is unharmed.
  Connection c(port_);
  EXPECT_EQ(c.Get(std::string("/v1/order/detail/") + kExampleHash).status, 200);
}

TEST_F(ServeTest, PipelinedRequestsAreAnsweredInOrder) {
  Connection c(port_);
  std::string requests;
  for (int i = 0; i < 3; ++i) {
    requests += "GET /v1/order/detail/" + GenerateOrderHash(kSeed, i).ToHex() +
                " HTTP/1.1\r\nHost: x\r\n\r\n";
  }
  requests += "GET /nowhere HTTP/1.1\r\n\r\n";
  ASSERT_TRUE(c.Send(requests));  // one write: the server reads them together
  for (int i = 0; i < 3; ++i) {
    HttpReply r = c.Receive();
    ASSERT_EQ(r.status, 200) << i;
    EXPECT_EQ(r.body, ExpectedBody(i, r.headers["x-request-id"])) << i;
  }
  EXPECT_EQ(c.Receive().status, 404);
  EXPECT_EQ(c.Get(std::string("/v1/order/detail/") + kExampleHash).status, 200);
}

TEST_F(ServeTest, ConnectionHeaderFollowsTheRequestsVersion) {
  const std::string target = std::string("/v1/order/detail/") + kExampleHash;
  {
    // HTTP/1.0 closes unless asked to keep alive.
    Connection c(port_);
    ASSERT_TRUE(c.Send("GET " + target + " HTTP/1.0\r\n\r\n"));
    HttpReply r = c.Receive();
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.headers["connection"], "close");
    EXPECT_TRUE(c.ClosedWithin(2000));
  }
  {
    Connection c(port_);
    for (int i = 0; i < 2; ++i) {
      ASSERT_TRUE(
          c.Send("GET " + target + " HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
      HttpReply r = c.Receive();
      EXPECT_EQ(r.status, 200);
      EXPECT_EQ(r.headers["connection"], "keep-alive");
    }
  }
  {
    // HTTP/1.1 keeps alive without saying so, and closes when asked.
    Connection c(port_);
    HttpReply r = c.Get(target);
    EXPECT_EQ(r.headers.count("connection"), 0u);
    ASSERT_TRUE(c.Send("GET " + target + " HTTP/1.1\r\nConnection: close\r\n\r\n"));
    r = c.Receive();
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.headers["connection"], "close");
    EXPECT_TRUE(c.ClosedWithin(2000));
  }
}

TEST_F(ServeTest, ABodyOverTheLimitIs413AndASmallOneIsIgnored) {
  const std::string target = std::string("/v1/order/detail/") + kExampleHash;
  Connection small(port_);
  ASSERT_TRUE(small.Send("GET " + target +
                         " HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"));
  EXPECT_EQ(small.Receive().status, 200);
  EXPECT_EQ(small.Get(target).status, 200);  // the body was not a request
  Connection big(port_);
  ASSERT_TRUE(big.Send("GET " + target + " HTTP/1.1\r\nContent-Length: 5000\r\n\r\n"));
  HttpReply r = big.Receive();
  EXPECT_EQ(r.status, 413);
  EXPECT_NE(r.body.find("\"code\":413"), std::string::npos);
  EXPECT_TRUE(big.ClosedWithin(2000));
}

TEST_F(ServeTest, SigtermStopsAcceptingAndExitsCleanly) {
  Connection idle(port_);
  ASSERT_EQ(idle.Get(std::string("/v1/order/detail/") + kExampleHash).status, 200);
  EXPECT_EQ(Stop(SIGTERM), 0);
  EXPECT_FALSE(Connection(port_).connected());
  // The store was closed properly: it opens again (the lock is released).
  EXPECT_EQ(Store::LockHolder(Path("db")), 0);
  ASSERT_OK(Store::Open(Options(), Path("db")));
}

TEST_F(ServeTest, RowCacheSizeIsAFlag) {
  EXPECT_EQ(testing::RunTool({"--db", Path("db"), "serve", "--row-cache-mib", "x"})
                .exit_code,
            2);
  ASSERT_EQ(Stop(SIGTERM), 0);
  Start({"--row-cache-mib", "0"});  // no row cache: every get reads a block
  Connection c(port_);
  for (int i = 0; i < 3; ++i) {
    HttpReply r = c.Get("/v1/order/detail/" + GenerateOrderHash(kSeed, i).ToHex());
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, ExpectedBody(i, r.headers["x-request-id"]));
  }
}

TEST_F(ServeTest, ReadersWorkWhileServeHoldsTheStore) {
  testing::ToolRun get = testing::RunTool(
      {"--db", Path("db"), "get", "--verbose", kExampleHash});
  EXPECT_EQ(get.exit_code, 0) << get.err;
  EXPECT_NE(get.err.find("in process " + std::to_string(pid_)), std::string::npos)
      << get.err;
  testing::ToolRun import = testing::RunTool(
      {"--db", Path("db"), "import",
       std::string(ORDERSTORE_SOURCE_DIR) + "/tests/data/example.json"});
  EXPECT_EQ(import.exit_code, 4);
  EXPECT_NE(import.err.find("locked by another process"), std::string::npos);
}

}  // namespace
}  // namespace orderstore
