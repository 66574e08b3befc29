// The detail endpoint as a plain function (docs/http.md): every status, header
// and body, without sockets.
#include "orderstore/http.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "orderstore/store.h"
#include "tests/raw_store.h"
#include "tests/test_util.h"

namespace orderstore {
namespace {

constexpr char kExampleHash[] = "602892b7b500000eed4190e932000000";

// The value of header `name` in `r` as AppendHttpResponse writes it; empty
// when absent.
std::string Header(const HttpResponse& r, const std::string& name) {
  std::string wire;
  AppendHttpResponse(r, "", /*head=*/true, &wire);
  std::string value;
  int found = 0;
  for (size_t at = wire.find("\r\n") + 2; at < wire.size();) {
    const size_t end = wire.find("\r\n", at);
    const std::string line = wire.substr(at, end - at);
    if (line.rfind(name + ": ", 0) == 0) {
      value = line.substr(name.size() + 2);
      ++found;
    }
    at = end + 2;
  }
  EXPECT_LE(found, 1) << name;
  return value;
}

bool IsRequestId(const std::string& id) {
  if (id.size() != 16) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// The body of an error response, with the response's own request id.
std::string ErrorBody(const HttpResponse& r, int code, const std::string& message) {
  return "{\"request_id\":\"" + r.request_id + "\",\"code\":" +
         std::to_string(code) + ",\"message\":\"" + message + "\"}";
}

class HttpTest : public testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    auto store = Store::Open(Options(), Path("db"));
    ASSERT_OK(store);
    store_ = std::move(*store);
    ASSERT_OK(store_->Put(WriteOptions(), testing::ExampleOrder()));
  }
  void TearDown() override {
    store_.reset();
    TempDirTest::TearDown();
  }
  HttpResponse Handle(std::string_view method, std::string_view target) {
    HttpResponse response;
    HandleHttpRequest(*store_, method, target, &response);
    EXPECT_TRUE(IsRequestId(response.request_id)) << response.request_id;
    EXPECT_EQ(Header(response, "X-Request-Id"), response.request_id);
    EXPECT_EQ(Header(response, "Content-Type"), "application/json");
    return response;
  }
  std::unique_ptr<Store> store_;
};

TEST_F(HttpTest, DetailIsTheDocumentedResponseByteForByte) {
  HttpResponse r = Handle("GET", std::string("/v1/order/detail/") + kExampleHash);
  EXPECT_EQ(r.status, 200);
  std::string expected = testing::kExampleCompact;
  expected.replace(expected.find("TRBUBYEtcQWEg18W"), 16, r.request_id);
  EXPECT_EQ(r.body, expected);
  EXPECT_EQ(Header(r, "Allow"), "");
  // Upper-case hashes and a query string are accepted; HEAD gets the same
  // headers (the server leaves the body out).
  HttpResponse upper =
      Handle("HEAD", "/v1/order/detail/602892B7B500000EED4190E932000000?x=1");
  EXPECT_EQ(upper.status, 200);
  EXPECT_EQ(upper.body.size(), r.body.size());
}

// The embedding server's decision in, the library's 401 out: whatever the
// method and target, the same envelope and WWW-Authenticate header.
TEST_F(HttpTest, AnUnauthenticatedRequestIs401WhateverItAsks) {
  const std::string detail = std::string("/v1/order/detail/") + kExampleHash;
  for (const auto& [method, target] :
       std::vector<std::pair<std::string, std::string>>{
           {"GET", detail}, {"HEAD", detail}, {"DELETE", detail},
           {"GET", "/nowhere"}, {"GET", "/v1/order/detail/xyz"}}) {
    HttpResponse r;
    HandleHttpRequest(*store_, method, target, HttpAuth::kMissing, &r);
    EXPECT_EQ(r.status, 401) << method << " " << target;
    EXPECT_EQ(r.body, ErrorBody(r, 401,
                                "authentication required: send an "
                                "Authorization: Bearer token"));
    EXPECT_EQ(Header(r, "WWW-Authenticate"), "Bearer");
    EXPECT_EQ(Header(r, "Allow"), "");
    HandleHttpRequest(*store_, method, target, HttpAuth::kRefused, &r);
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.body, ErrorBody(r, 401, "invalid bearer token"));
    EXPECT_EQ(Header(r, "WWW-Authenticate"), "Bearer error=\"invalid_token\"");
  }
  std::string wire;
  HttpResponse r;
  HandleHttpRequest(*store_, "GET", detail, HttpAuth::kMissing, &r);
  AppendHttpResponse(r, "", /*head=*/false, &wire);
  EXPECT_EQ(wire.rfind("HTTP/1.1 401 Unauthorized\r\n", 0), 0u) << wire;

  // Allowed: the documented response, and a response object reused after
  // a 401 carries no WWW-Authenticate.
  HandleHttpRequest(*store_, "GET", detail, HttpAuth::kAllowed, &r);
  EXPECT_EQ(r.status, 200);
  std::string expected = testing::kExampleCompact;
  expected.replace(expected.find("TRBUBYEtcQWEg18W"), 16, r.request_id);
  EXPECT_EQ(r.body, expected);
  EXPECT_EQ(Header(r, "WWW-Authenticate"), "");
}

TEST_F(HttpTest, EveryResponseHasAFreshRequestId) {
  std::set<std::string> ids;
  for (int i = 0; i < 100; ++i) {
    ids.insert(Handle("GET", std::string("/v1/order/detail/") + kExampleHash).request_id);
    ids.insert(Handle("GET", "/nowhere").request_id);
  }
  EXPECT_EQ(ids.size(), 200u);
}

TEST_F(HttpTest, MalformedHashIs400QuotingIt) {
  HttpResponse r = Handle("GET", "/v1/order/detail/602892b7");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, ErrorBody(r, 400,
                              "malformed order hash \\\"602892b7\\\": want 32 hex digits"));
  EXPECT_EQ(Handle("GET", "/v1/order/detail/").status, 400);
  EXPECT_EQ(Handle("GET", std::string("/v1/order/detail/") + kExampleHash + "/x").status,
            400);
}

TEST_F(HttpTest, UnknownOrderAndOtherPathsAre404) {
  HttpResponse r = Handle("GET", "/v1/order/detail/ffffffffffffffffffffffffffffffff");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body,
            ErrorBody(r, 404, "order ffffffffffffffffffffffffffffffff not found"));
  for (const char* path : {"/", "/v1/order", "/v1/order/detail", "/v2/order/detail/x"}) {
    HttpResponse other = Handle("GET", path);
    EXPECT_EQ(other.status, 404) << path;
    EXPECT_EQ(other.body,
              ErrorBody(other, 404, std::string("no such endpoint: ") + path));
  }
}

TEST_F(HttpTest, OtherMethodsAre405WithAllow) {
  for (const char* method : {"POST", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
    HttpResponse r = Handle(method, std::string("/v1/order/detail/") + kExampleHash);
    EXPECT_EQ(r.status, 405) << method;
    EXPECT_EQ(Header(r, "Allow"), "GET, HEAD");
    EXPECT_EQ(r.body, ErrorBody(r, 405, std::string("method ") + method +
                                            " not allowed; use GET or HEAD"));
  }
}

TEST_F(HttpTest, UnreadableRecordIs503) {
  store_.reset();
  // Damage the example's record behind the library's back.
  testing::WriteRawValue(Path("db"), *OrderHash::Parse(kExampleHash), "garbage");
  auto store = Store::Open(Options(), Path("db"));
  ASSERT_OK(store);
  store_ = std::move(*store);
  HttpResponse r = Handle("GET", std::string("/v1/order/detail/") + kExampleHash);
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body.rfind("{\"request_id\":\"" + r.request_id +
                             "\",\"code\":503,\"message\":\"the store cannot be "
                             "read: order " + kExampleHash,
                         0),
            0u)
      << r.body;
}

TEST(HttpErrorTest, ErrorBodiesEscapeTheMessage) {
  HttpResponse r;
  MakeHttpError(431, "too \"large\"\n", &r);
  EXPECT_EQ(r.status, 431);
  EXPECT_EQ(r.body, "{\"request_id\":\"" + r.request_id +
                        "\",\"code\":431,\"message\":\"too \\\"large\\\"\\n\"}");
}

TEST(HttpWireTest, AppendHttpResponseWritesHeadAndBody) {
  HttpResponse r;
  MakeHttpError(405, "no", &r);
  r.allow = "GET, HEAD";
  const std::string head =
      "HTTP/1.1 405 Method Not Allowed\r\nContent-Type: application/json\r\n"
      "X-Request-Id: " + r.request_id + "\r\nAllow: GET, HEAD\r\n";
  const std::string length =
      "Content-Length: " + std::to_string(r.body.size()) + "\r\n\r\n";
  std::string wire = "kept";
  AppendHttpResponse(r, "", /*head=*/false, &wire);
  EXPECT_EQ(wire, "kept" + head + length + r.body);
  // HEAD: the same Content-Length, no body; a Connection header when asked.
  wire.clear();
  AppendHttpResponse(r, "close", /*head=*/true, &wire);
  EXPECT_EQ(wire, head + "Connection: close\r\n" + length);
  HttpResponse ok;
  ok.body = "{}";
  ok.request_id = "0123456789abcdef";
  wire.clear();
  AppendHttpResponse(ok, "keep-alive", /*head=*/false, &wire);
  EXPECT_EQ(wire,
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            "X-Request-Id: 0123456789abcdef\r\nConnection: keep-alive\r\n"
            "Content-Length: 2\r\n\r\n{}");
}

}  // namespace
}  // namespace orderstore
