// Hostile input to `orderstore import` (the real binary): invalid JSON, valid
// JSON that is not an order, 100,000-deep nesting, a 100 MB line (made here,
// never committed), NUL bytes, invalid UTF-8, duplicate keys and numbers
// beyond float64. Each must exit 3, say what is wrong on a short line that
// names the file, and leave the store exactly as it was; the tool must not
// crash or echo the input. And `orderstore serve` under a run of random
// requests: every response well-formed, memory flat, still serving.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "orderstore/generate.h"
#include "orderstore/store.h"
#include "tests/test_util.h"

namespace orderstore {
namespace {

using testing::kExampleCompact;
using testing::RunTool;
using testing::ToolRun;

// The example response with `from` replaced by `to` (once).
std::string Example(std::string_view from, std::string_view to) {
  std::string text = kExampleCompact;
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

std::string Nested(size_t depth, std::string_view open, std::string_view close,
                   std::string_view inner) {
  std::string text;
  text.reserve(depth * (open.size() + close.size()) + inner.size());
  for (size_t i = 0; i < depth; ++i) text += open;
  text += inner;
  for (size_t i = 0; i < depth; ++i) text += close;
  return text;
}

struct Case {
  std::string name;
  std::string text;
};

std::vector<Case> HostileCases() {
  const std::string example = kExampleCompact;
  return {
      // Invalid JSON.
      {"truncated document", example.substr(0, example.size() / 2)},
      {"unclosed object", R"({"data":)"},
      {"stray comma", R"({,})"},
      {"bare word", "order"},
      {"single quotes", "{'data':1}"},
      {"trailing garbage", example + " x"},
      {"comment", "// an order\n" + example},
      {"unterminated string", R"({"data":{"order":"6028)"},
      {"raw newline in string", Example("i-xxxx", "i-x\nx")},
      // Valid JSON that is not an order.
      {"number", "42"},
      {"string", R"("602892b7b500000eed4190e932000000")"},
      {"null", "null"},
      {"true", "true"},
      {"empty object", "{}"},
      {"data null", R"({"data":null,"request_id":"x"})"},
      {"array of numbers", "[1,2,3]"},
      {"unrelated object", R"({"hello":"world"})"},
      {"fee as string", Example("\"fee\":29.55", "\"fee\":\"29.55\"")},
      {"missing items", Example(R"(,"items":[)", R"(,"itemz":[)")},
      {"hash too short",
       Example("602892b7b500000eed4190e932000000", "602892b7")},
      {"status unknown", Example("\"complete\"", "\"done\"")},
      {"negative price", Example("\"price\":16.25", "\"price\":-16.25")},
      {"impossible date",
       Example("2020-09-16T11:57:18Z", "2020-02-30T11:57:18Z")},
      // Deep nesting.
      {"100000 nested arrays", Nested(100000, "[", "]", "")},
      {"100000 nested objects", Nested(100000, R"({"a":)", "}", "1")},
      {"100000 nested in data",
       R"({"data":)" + Nested(100000, "[", "]", "") + "}"},
      // NUL bytes.
      {"NUL inside a string", Example("i-xxxx", std::string("i-\0xx", 5))},
      {"NUL between records", example + std::string("\n\0\n", 3) + example},
      {"NUL only", std::string(16, '\0')},
      // Invalid UTF-8.
      {"0xff in a string", Example("i-xxxx",
                                   "i-\xff"
                                   "xx")},
      {"overlong slash", Example("i-xxxx",
                                 "i-\xc0\xaf"
                                 "x")},
      {"UTF-16 surrogate", Example("i-xxxx",
                                   "i-\xed\xa0\x80"
                                   "x")},
      {"truncated sequence", Example("i-xxxx", "i-\xe4\xb8")},
      {"lone surrogate escape", Example("i-xxxx", "i-\\ud800x")},
      // Duplicate keys: an ambiguous amount of money is never guessed.
      {"duplicate fee", Example("\"fee\":29.55", "\"fee\":29.55,\"fee\":1")},
      {"duplicate price",
       Example("\"price\":16.25", "\"price\":16.25,\"price\":0")},
      {"duplicate data",
       Example(R"("request_id")", R"("data":{},"request_id")")},
      {"duplicate unknown key",
       Example(R"("order")", R"("x":1,"x":2,"order")")},
      // Numbers beyond float64, or not JSON numbers.
      {"fee 1e400", Example("\"fee\":29.55", "\"fee\":1e400")},
      {"price -1e400", Example("\"price\":16.25", "\"price\":-1e400")},
      {"fee NaN", Example("\"fee\":29.55", "\"fee\":NaN")},
      {"fee Infinity", Example("\"fee\":29.55", "\"fee\":Infinity")},
      {"fee hex", Example("\"fee\":29.55", "\"fee\":0x1d")},
      {"fee leading zero", Example("\"fee\":29.55", "\"fee\":029.55")},
      {"fee 1e400 in unknown field",
       Example(R"("order")", R"("x":1e400,"order")")},
  };
}

class HostileInputTest : public testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    ToolRun seed = Run({"import", "-"}, kExampleCompact);
    ASSERT_EQ(seed.exit_code, 0) << seed.err;
    before_ = Contents();
    ASSERT_EQ(before_.size(), 1u);
  }

  ToolRun Run(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), {"--db", Path("db")});
    return RunTool(args, input);
  }

  // Every key and record in the store, in key order.
  std::vector<std::string> Contents() {
    Options options;
    options.read_only = true;
    Result<std::unique_ptr<Store>> store = Store::Open(options, Path("db"));
    EXPECT_OK(store);
    std::vector<std::string> contents;
    if (!store.ok()) return contents;
    std::unique_ptr<Iterator> it = (*store)->NewIterator(ReadOptions());
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      contents.emplace_back(it->hash().AsKey());
      Result<OrderView> view = it->view();
      contents.back() += view.ok() ? view->record() : "(corrupt)";
    }
    EXPECT_OK(it->status());
    return contents;
  }

  // Imports `text` from a file and expects the refusal the tool promises.
  void ExpectRefused(const std::string& name, const std::string& text) {
    SCOPED_TRACE(name);
    const std::string file = Path("input.json");
    {
      std::ofstream out(file, std::ios::binary | std::ios::trunc);
      out.write(text.data(), static_cast<std::streamsize>(text.size()));
    }
    ToolRun run = Run({"import", file});
    EXPECT_EQ(run.exit_code, 3) << run.err.substr(0, 500);
    // stdout carries only the tool's one-line summary, never the input.
    EXPECT_LE(run.out.size(), 200u) << run.out.substr(0, 200);
    // A short line that names the file; every line is one of the tool's
    // "orderstore: import: ..." lines, the last saying nothing came in.
    ASSERT_FALSE(run.err.empty());
    EXPECT_EQ(run.err.back(), '\n');
    std::istringstream lines(run.err);
    std::vector<std::string> all;
    for (std::string line; std::getline(lines, line);) all.push_back(line);
    EXPECT_LE(all.size(), 2u) << run.err.substr(0, 500);
    EXPECT_EQ(all.front().rfind("orderstore: import: " + file, 0), 0u)
        << all.front();
    for (const std::string& line : all) {
      EXPECT_LE(line.size(), 400u) << line.substr(0, 400);
      EXPECT_EQ(line.rfind("orderstore: import: ", 0), 0u)
          << line.substr(0, 400);
    }
    EXPECT_NE(all.back().find("nothing imported"), std::string::npos)
        << all.back();
    EXPECT_EQ(Contents(), before_) << "the store changed";
  }

  std::vector<std::string> before_;
};

TEST_F(HostileInputTest, EachCaseExitsThreeAndLeavesTheStoreUnchanged) {
  // Another valid order first: a file with any bad record imports nothing.
  const std::string valid_other = Example("602892b7b500000eed4190e932000000",
                                          "702892b7b500000eed4190e932000000");
  int cases = 0;
  for (const Case& c : HostileCases()) {
    ExpectRefused(c.name, c.text);
    ExpectRefused(c.name + ", after a valid line",
                  valid_other + "\n" + c.text + "\n");
    ++cases;
  }
  std::printf(
      "hostile_input_test: %d hostile inputs, each alone and after a "
      "valid line, refused with exit 3\n",
      cases);
}

// One line of 100 MB: an order whose region is a string that never ends.
// Made here, never committed.
TEST_F(HostileInputTest, HundredMegabyteLineIsRefusedWithoutEchoingIt) {
  std::string line =
      R"({"data":{"order":"702892b7b500000eed4190e932000000","region":")";
  line.resize(size_t{100} << 20, 'a');
  ExpectRefused("100 MB line", line + "\n");
}

// ------------------------------------------------------- serve fuzzing

// Sends `request` on a fresh connection to 127.0.0.1:port (then, if
// `half_close`, shuts down writing) and returns every byte read until the
// server closes the connection (it does after "Connection: close", an
// error or our close), or a 5 s timeout.
std::string Exchange(int port, const std::string& request, bool half_close) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval timeout{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
  std::string got;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return "connect failed";
  }
  for (size_t sent = 0; sent < request.size();) {
    ssize_t n =
        send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may answer 431 and close mid-request
    sent += n;
  }
  if (half_close) shutdown(fd, SHUT_WR);
  char buffer[65536];
  for (ssize_t n; (n = recv(fd, buffer, sizeof(buffer), 0)) > 0;)
    got.append(buffer, n);
  close(fd);
  return got;
}

// Checks the first response of `*responses` and removes it: empty when it
// is well-formed, else what is wrong. `head`: it answers a HEAD request.
std::string CheckResponse(std::string* responses, bool head, int* code_out) {
  const std::string& response = *responses;
  static const std::regex kStatus("^HTTP/1\\.1 ([1-5][0-9][0-9]) [^\r\n]*\r\n");
  std::smatch status;
  if (!std::regex_search(response, status, kStatus)) return "no status line";
  const int code = *code_out = std::stoi(status[1]);
  const size_t end = response.find("\r\n\r\n");
  if (end == std::string::npos) return "headers never end";
  const std::string headers = response.substr(0, end + 2);
  std::smatch id, length;
  if (!std::regex_search(
          headers, id, std::regex("\r\nX-Request-Id: ([A-Za-z0-9]{16})\r\n"))) {
    return "no X-Request-Id of 16 letters and digits";
  }
  if (!std::regex_search(headers, length,
                         std::regex("\r\nContent-Length: ([0-9]+)\r\n"))) {
    return "no Content-Length";
  }
  for (size_t at = headers.find("\r\n") + 2; at < headers.size();) {
    size_t next = headers.find("\r\n", at);
    std::string line = headers.substr(at, next - at);
    if (!std::regex_match(line, std::regex("[A-Za-z0-9-]+: [ -~]*"))) {
      return "malformed header line: " + line;
    }
    at = next + 2;
  }
  // A HEAD answer has no body, except a 400 or 431 for a request too
  // malformed to parse (the server cannot know it was HEAD); every body is
  // a JSON object, every next response starts "HTTP/".
  size_t body_size = std::stoul(length[1]);
  const bool has_body = response.size() > end + 4 && response[end + 4] == '{';
  if (head && (code == 400 || code == 431) && has_body) head = false;
  if (head) body_size = 0;
  if (response.size() < end + 4 + body_size)
    return "body shorter than Content-Length";
  const std::string body = response.substr(end + 4, body_size);
  const std::string request_id = id[1].str();
  responses->erase(0, end + 4 + body_size);
  if (body.empty()) return head ? "" : "no body";
  if (code == 200) {
    if (body.rfind("{\"data\":{\"order\":\"", 0) != 0)
      return "200 without an order";
    if (body.find("\"request_id\":\"" + request_id + "\"}") ==
        std::string::npos) {
      return "200 body's request_id differs";
    }
    return "";
  }
  if (body.rfind("{\"request_id\":\"" + request_id +
                     "\",\"code\":" + std::to_string(code) + ",\"message\":\"",
                 0) != 0 ||
      body.back() != '}') {
    return "error body is not the documented shape: " + body.substr(0, 200);
  }
  if (code == 405 &&
      headers.find("\r\nAllow: GET, HEAD\r\n") == std::string::npos) {
    return "405 without Allow: GET, HEAD";
  }
  return "";
}

long RssKib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

// A random request: methods, paths, headers, truncated and oversized.
struct FuzzRequest {
  std::string text;
  bool half_close = false;  // send it, then close our side
  bool head = false;
  bool expect_response = true;
};

FuzzRequest RandomRequest(std::mt19937_64& random,
                          const std::vector<std::string>& known) {
  auto pick = [&](const std::vector<std::string>& from) {
    return from[random() % from.size()];
  };
  auto bytes = [&](size_t n, int lo, int hi) {
    std::string text(n, ' ');
    for (char& c : text) c = static_cast<char>(lo + random() % (hi - lo + 1));
    return text;
  };
  FuzzRequest r;
  std::string method =
      pick({"GET", "GET", "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS",
            "PATCH", "TRACE", "CONNECT", "get", "BREW", "G\x01T", ""});
  std::string path;
  switch (random() % 8) {
    case 0:
    case 1:
      path = "/v1/order/detail/" + pick(known);
      break;
    case 2:
      path = "/v1/order/detail/" + bytes(32, '0', 'f');
      break;
    case 3:
      path = "/v1/order/detail/" + bytes(random() % 80, '!', '~');
      break;
    case 4:
      path = pick({"/", "*", "/v1/order/detail/", "/v1/order/detail",
                   "/../../etc/passwd", "/v1/order/detail/%00",
                   "http://x/v1/order/detail/" + known[0],
                   "/v1/order/detail/" + known[0] + "?x=1", "//v1//order"});
      break;
    case 5:
      path = "/" + std::string(1000 + random() % 12000, 'a');
      break;  // oversized
    case 6:
      path = "/" + bytes(random() % 200, 0, 255);
      break;
    default:
      path = "/v1/order/detail/" + known[0] + "/extra";
      break;
  }
  std::string version = pick({"HTTP/1.1", "HTTP/1.1", "HTTP/1.1", "HTTP/1.0",
                              "HTTP/2.0", "HTTP/x", ""});
  std::string headers = "Host: 127.0.0.1\r\n";
  for (int n = random() % 6; n > 0; --n) {
    headers += pick({"X-A: b\r\n", "Accept: */*\r\n", "No colon here\r\n",
                     ": empty name\r\n",
                     "X-Long: " + std::string(random() % 10000, 'v') + "\r\n",
                     "Content-Length: 5\r\n\r\nhello", "Content-Length: -1\r\n",
                     "Content-Length: 99999999999999999999\r\n",
                     "Transfer-Encoding: chunked\r\n\r\nzz\r\n",
                     "X-Bin: " + bytes(20, 0, 255) + "\r\n"});
  }
  r.head = method == "HEAD";
  r.text = method + " " + path + " " + version + "\r\n" + headers +
           "Connection: close\r\n\r\n";
  switch (random() % 10) {
    case 0:  // truncated: a prefix, then our side closed
      r.text.resize(random() % r.text.size());
      r.half_close = true;
      r.expect_response = false;  // the server may just close
      break;
    case 1:  // oversized body
      r.text = method + " /v1/order/detail/" + known[0] +
               " HTTP/1.1\r\nContent-Length: 2000000\r\n"
               "Connection: close\r\n\r\n" +
               std::string(2000000, 'b');
      r.expect_response = false;  // closing early is fine too
      break;
    case 2:  // garbage
      r.text = bytes(1 + random() % 3000, 0, 255);
      r.half_close = true;
      r.expect_response = false;
      r.head = false;
      break;
    default:
      break;
  }
  return r;
}

TEST_F(HostileInputTest, ServeSurvivesRequestFuzzingWithFlatMemory) {
  std::vector<std::string> known = {"602892b7b500000eed4190e932000000"};
  {
    Result<std::unique_ptr<Store>> store = Store::Open(Options(), Path("db"));
    ASSERT_OK(store);
    WriteBatch batch;
    for (uint64_t i = 0; i < 100; ++i) {
      Order order = GenerateOrder(3, i);
      ASSERT_OK(batch.Put(order));
      known.push_back(order.hash.ToHex());
    }
    ASSERT_OK((*store)->Write(WriteOptions(), batch));
  }
  const std::string out = Path("serve.out");
  pid_t server = fork();
  if (server == 0) {
    int fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    execl(ORDERSTORE_TOOL, ORDERSTORE_TOOL, "--db", Path("db").c_str(), "serve",
          "--listen", "127.0.0.1:0", "--threads", "2", "--read-timeout", "2",
          nullptr);
    _exit(127);
  }
  int port = 0;
  for (int i = 0; i < 500 && port == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::ifstream in(out);
    std::string text((std::istreambuf_iterator<char>(in)),
                     std::istreambuf_iterator<char>());
    std::smatch m;
    if (std::regex_search(
            text, m, std::regex("listening on 127\\.0\\.0\\.1:([0-9]+)"))) {
      port = std::stoi(m[1]);
    }
  }
  ASSERT_NE(port, 0) << "serve did not start";

  std::mt19937_64 random(std::random_device{}());
  const int kRequests = 3000, kWarmUp = 300;
  long rss_after_warm_up = 0;
  int answered = 0, closed_silently = 0;
  std::map<int, int> by_status;
  for (int i = 0; i < kRequests; ++i) {
    if (i == kWarmUp) rss_after_warm_up = RssKib(server);
    FuzzRequest request = RandomRequest(random, known);
    std::string responses = Exchange(port, request.text, request.half_close);
    if (responses.empty() && !request.expect_response) {
      ++closed_silently;
      continue;
    }
    // One response per request the bytes held (a body sent with a
    // Content-Length makes the bytes after it a second request).
    for (bool first = true; !responses.empty(); first = false) {
      const std::string all = responses;
      int code = 0;
      std::string wrong =
          CheckResponse(&responses, first && request.head, &code);
      ASSERT_EQ(wrong, "") << "request " << i << ": "
                           << ::testing::PrintToString(
                                  request.text.substr(0, 300))
                           << "\nresponse: "
                           << ::testing::PrintToString(all.substr(0, 400));
      by_status[code]++;
      ++answered;
    }
  }
  const long rss_end = RssKib(server);
  // Still serving the real thing.
  std::string last = Exchange(port,
                              "GET /v1/order/detail/" + known[1] +
                                  " HTTP/1.1\r\nConnection: close\r\n\r\n",
                              false);
  std::string rest = last;
  int last_code = 0;
  EXPECT_EQ(CheckResponse(&rest, false, &last_code), "");
  EXPECT_EQ(last.rfind("HTTP/1.1 200 ", 0), 0u) << last.substr(0, 200);

  kill(server, SIGTERM);
  int status = 0;
  waitpid(server, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;

  std::string statuses;
  for (const auto& [code, count] : by_status) {
    statuses += " " + std::to_string(code) + ":" + std::to_string(count);
  }
  std::printf(
      "hostile_input_test: serve took %d random requests: %d "
      "well-formed responses (%s), %d closed without an answer (truncated, "
      "garbage or oversized); RSS %ld KiB after %d, %ld KiB at the end\n",
      kRequests, answered, statuses.c_str() + 1, closed_silently,
      rss_after_warm_up, kWarmUp, rss_end);
  // Memory flat: allow for allocator noise, not for a leak per request.
  EXPECT_LT(rss_end, rss_after_warm_up + 16 * 1024);
  EXPECT_GT(by_status[200], 0);
  EXPECT_GT(by_status[404] + by_status[400] + by_status[405] + by_status[431],
            0);
}

}  // namespace
}  // namespace orderstore
