// Private by default: the modes of a store's files whatever the umask, the
// warning about a store others can read, and `orderstore serve`'s loopback
// default, bearer tokens and HTTPS, against the real binary.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "orderstore/generate.h"
#include "orderstore/store.h"
#include "tests/serve_process.h"
#include "tests/test_util.h"

namespace orderstore {
namespace {

namespace fs = std::filesystem;
using testing::HttpConnection;
using testing::HttpReply;

constexpr char kExampleHash[] = "602892b7b500000eed4190e932000000";
constexpr char kTokenA[] = "token-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
constexpr char kTokenB[] = "token-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
constexpr char kTokenC[] = "token-cccccccccccccccccccccccccccccccc";

// The process umask for one scope. The tool inherits it when run as a
// child; the tests run one at a time, so nothing else creates files
// meanwhile.
class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t mask) : old_(::umask(mask)) {}
  ~ScopedUmask() { ::umask(old_); }

 private:
  mode_t old_;
};

mode_t ModeOf(const fs::path& path) {
  struct stat st;
  EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

std::string Octal(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", mode);
  return text;
}

// Every path under `dir` (itself included) whose mode is not `dir_mode`
// (directories) or `file_mode` (files), as "path mode"; and how many files
// there are.
std::vector<std::string> WrongModes(const fs::path& dir, mode_t dir_mode,
                                    mode_t file_mode, size_t* files) {
  std::vector<std::string> wrong;
  *files = 0;
  if (ModeOf(dir) != dir_mode) wrong.push_back(dir.string() + " " + Octal(ModeOf(dir)));
  for (const fs::directory_entry& e : fs::recursive_directory_iterator(dir)) {
    const mode_t want = e.is_directory() ? dir_mode : file_mode;
    if (!e.is_directory()) ++*files;
    if (ModeOf(e.path()) != want) {
      wrong.push_back(e.path().string() + " " + Octal(ModeOf(e.path())));
    }
  }
  return wrong;
}

void WriteFile(const std::string& path, const std::string& text, mode_t mode) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  ASSERT_EQ(::chmod(path.c_str(), mode), 0);
}

std::string ExampleBody(const std::string& request_id) {
  std::string expected = testing::kExampleCompact;
  expected.replace(expected.find("TRBUBYEtcQWEg18W"), 16, request_id);
  return expected;
}

// ------------------------------------------------------------ file modes

class StoreModesTest : public testing::TempDirTest {};

// Both roads a write takes: a small import goes through the write-ahead
// log and a flush, a large one through table files written beside the
// store (Store::Import) and moved in.
TEST_F(StoreModesTest, ANewStoreIsPrivateWhateverTheUmask) {
  const testing::ToolRun many =
      testing::RunTool({"generate", "--count", "10000", "--seed", "3"});
  ASSERT_EQ(many.exit_code, 0) << many.err;
  for (mode_t mask : {mode_t{0}, mode_t{022}}) {
    SCOPED_TRACE("umask " + Octal(mask));
    const std::string db = Path("db" + Octal(mask));
    {
      ScopedUmask scoped(mask);
      testing::ToolRun small = testing::RunTool(
          {"--db", db, "import",
           std::string(ORDERSTORE_SOURCE_DIR) + "/tests/data/example.json"});
      ASSERT_EQ(small.exit_code, 0) << small.err;
      // Once is enough for the slower road, under the umask that would
      // leave its files most open.
      if (mask == 0) {
        testing::ToolRun large =
            testing::RunTool({"--db", db, "import", "-"}, many.out);
        ASSERT_EQ(large.exit_code, 0) << large.err;
        EXPECT_EQ(large.err.find("open to"), std::string::npos) << large.err;
      }
    }
    size_t files = 0;
    EXPECT_EQ(WrongModes(db, 0700, 0600, &files), std::vector<std::string>());
    // What there is to check: the lock, RocksDB's LOG, table files.
    EXPECT_TRUE(fs::exists(fs::path(db) / "LOCK"));
    EXPECT_TRUE(fs::exists(fs::path(db) / "LOG"));
    size_t tables = 0;
    for (const fs::directory_entry& e : fs::directory_iterator(db)) {
      tables += e.path().extension() == ".sst";
    }
    if (mask == 0) {
      EXPECT_GE(tables, 4u);  // the orders' and the three indexes' files
    }
    EXPECT_GE(files, 7u);
  }
}

TEST_F(StoreModesTest, FileModeChoosesAGroupReadableStore) {
  ScopedUmask scoped(077);  // the mode is exact, not narrowed by the umask
  Options options;
  options.file_mode = 0640;
  {
    auto store = Store::Open(options, Path("db"));
    ASSERT_OK(store);
    ASSERT_OK(testing::ImportGenerated(**store, 5, 20000));
    ASSERT_OK((*store)->Put(WriteOptions(), testing::ExampleOrder()));
  }
  size_t files = 0;
  EXPECT_EQ(WrongModes(Path("db"), 0750, 0640, &files), std::vector<std::string>());
  EXPECT_GE(files, 8u);

  for (uint32_t bad : {0644u | 0100u, 0400u, 0604u | 01000u}) {
    options.file_mode = bad;
    Result<std::unique_ptr<Store>> refused = Store::Open(options, Path("other"));
    ASSERT_FALSE(refused.ok()) << Octal(bad);
    EXPECT_TRUE(refused.status().IsInvalidArgument());
    EXPECT_NE(refused.status().message().find("file_mode " + Octal(bad)),
              std::string::npos)
        << refused.status().message();
    EXPECT_FALSE(fs::exists(Path("other")));
  }
}

TEST_F(StoreModesTest, ANewStoreInAnExistingDirectoryMakesItPrivate) {
  fs::create_directory(Path("db"));
  ASSERT_EQ(::chmod(Path("db").c_str(), 0755), 0);
  ASSERT_OK(Store::Open(Options(), Path("db")));
  EXPECT_EQ(ModeOf(Path("db")), 0700u);
}

TEST_F(StoreModesTest, AStoreOthersCanReadWarnsOnceAndVerifyReportsIt) {
  {
    auto store = Store::Open(Options(), Path("db"));
    ASSERT_OK(store);
    WriteBatch batch;
    ASSERT_OK(batch.Put(testing::ExampleOrder()));
    ASSERT_OK((*store)->Import(batch));  // table files
  }
  // As an older release under umask 022 left it.
  ASSERT_EQ(std::system(("chmod -R go+r " + Path("db") + " && chmod 0755 " +
                         Path("db")).c_str()),
            0);
  const std::string expected_start =
      "store " + Path("db") + ": " + Path("db") + " has mode 0755, more open "
      "than the store's 0600 (directories 0700), as are ";
  const std::string expected_end =
      " more paths; others may read its orders: chmod -R go-rwx " + Path("db");

  // The tool: one line on stderr, and the command works.
  testing::ToolRun get = testing::RunTool({"--db", Path("db"), "get", kExampleHash});
  EXPECT_EQ(get.exit_code, 0) << get.err;
  std::vector<std::string> lines = testing::Lines(get.err);
  ASSERT_EQ(lines.size(), 1u) << get.err;
  EXPECT_EQ(lines[0].rfind("orderstore: get: " + expected_start, 0), 0u) << lines[0];
  EXPECT_EQ(lines[0].substr(lines[0].size() - expected_end.size()), expected_end);

  // verify: a problem, listed with the others.
  testing::ToolRun verify = testing::RunTool({"--db", Path("db"), "verify"});
  EXPECT_EQ(verify.exit_code, 4);
  lines = testing::Lines(verify.out);
  ASSERT_EQ(lines.size(), 2u) << verify.out;
  EXPECT_EQ(lines[0].rfind(expected_start, 0), 0u) << lines[0];
  EXPECT_EQ(lines[1], "checked 1 records: 1 problem");
  EXPECT_NE(verify.err.find("orderstore: verify: the store is open to others"),
            std::string::npos)
      << verify.err;

  // The library: once per Open, through the hook and into the LOG.
  std::vector<std::string> warnings;
  Options options;
  options.warning = [&](const std::string& line) { warnings.push_back(line); };
  ASSERT_OK(Store::Open(options, Path("db")));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].rfind(expected_start, 0), 0u) << warnings[0];
  EXPECT_NE(testing::FileContents(Path("db/LOG")).find(warnings[0]), std::string::npos);

  // Closed again, all is quiet.
  ASSERT_EQ(std::system(("chmod -R go-rwx " + Path("db")).c_str()), 0);
  warnings.clear();
  ASSERT_OK(Store::Open(options, Path("db")));
  EXPECT_EQ(warnings.size(), 0u);
  verify = testing::RunTool({"--db", Path("db"), "verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
  EXPECT_EQ(verify.err, "");
}

// ------------------------------------------------------------ the endpoint

// A store holding the example order, and files for tokens and TLS.
class EndpointTest : public testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    auto store = Store::Open(Options(), Path("db"));
    ASSERT_OK(store);
    ASSERT_OK((*store)->Put(WriteOptions(), testing::ExampleOrder()));
  }
  void TearDown() override {
    server_.reset();
    TempDirTest::TearDown();
  }

  void Start(const std::vector<std::string>& extra) {
    server_ = std::make_unique<testing::ServeProcess>();
    ASSERT_TRUE(server_->Start(Path("db"), extra, Path("stderr")));
  }
  int port() const { return server_->port(); }

  // Waits (up to 10 s) until the server's stderr holds `text`.
  bool StderrShows(const std::string& text) {
    for (int i = 0; i < 1000; ++i) {
      if (testing::FileContents(Path("stderr")).find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  // Every error has this body (the error envelope).
  static void ExpectEnvelope(const HttpReply& r, int status,
                             const std::string& message) {
    EXPECT_EQ(r.status, status);
    EXPECT_EQ(r.headers.at("content-type"), "application/json");
    const std::string id = r.headers.at("x-request-id");
    EXPECT_EQ(r.body, "{\"request_id\":\"" + id + "\",\"code\":" +
                          std::to_string(status) + ",\"message\":\"" + message +
                          "\"}");
  }

  std::unique_ptr<testing::ServeProcess> server_;
};

const std::string kDetail = std::string("/v1/order/detail/") + kExampleHash;

std::string Bearer(const std::string& token) {
  return "Authorization: Bearer " + token + "\r\n";
}

TEST_F(EndpointTest, ANonLoopbackListenWithoutATokenIsRefused) {
  for (const char* listen : {"0.0.0.0:0", "[::]:0"}) {
    testing::ToolRun run =
        testing::RunTool({"--db", Path("db"), "serve", "--listen", listen});
    EXPECT_EQ(run.exit_code, 2) << listen;
    EXPECT_EQ(testing::Lines(run.err).size(), 1u) << run.err;
    EXPECT_NE(run.err.find("is not a loopback address"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("give --token-file FILE"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("--allow-unauthenticated"), std::string::npos) << run.err;
  }
}

TEST_F(EndpointTest, SecretFilesOthersCanReadAreRefused) {
  WriteFile(Path("tokens"), std::string(kTokenA) + "\n", 0644);
  testing::ToolRun run = testing::RunTool(
      {"--db", Path("db"), "serve", "--listen", "127.0.0.1:0", "--token-file",
       Path("tokens")});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, "orderstore: serve: token file " + Path("tokens") +
                         " has mode 0644: a secret must not be open to its "
                         "group or others (chmod 600 " +
                         Path("tokens") + ")\n");
  ASSERT_EQ(::chmod(Path("tokens").c_str(), 0640), 0);
  run = testing::RunTool({"--db", Path("db"), "serve", "--listen", "127.0.0.1:0",
                          "--token-file", Path("tokens")});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("has mode 0640"), std::string::npos) << run.err;

  // A token too short to be secret, named by its line and never shown.
  WriteFile(Path("tokens"), "# ours\n\nshort-token\n", 0600);
  run = testing::RunTool({"--db", Path("db"), "serve", "--listen", "127.0.0.1:0",
                          "--token-file", Path("tokens")});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find(Path("tokens") + " line 3: a token has 16 to 512"),
            std::string::npos)
      << run.err;
  EXPECT_EQ(run.err.find("short-token"), std::string::npos) << run.err;

  WriteFile(Path("key.pem"), "-----BEGIN PRIVATE KEY-----\n", 0644);
  WriteFile(Path("cert.pem"), "-----BEGIN CERTIFICATE-----\n", 0644);
  run = testing::RunTool({"--db", Path("db"), "serve", "--listen", "127.0.0.1:0",
                          "--tls-cert", Path("cert.pem"), "--tls-key",
                          Path("key.pem")});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, "orderstore: serve: TLS key " + Path("key.pem") +
                         " has mode 0644: a secret must not be open to its "
                         "group or others (chmod 600 " +
                         Path("key.pem") + ")\n");
}

TEST_F(EndpointTest, EveryRequestNeedsATokenFromTheFile) {
  WriteFile(Path("tokens"),
            std::string("# rotated monthly\n") + kTokenA + "\n  " + kTokenB + "  \n",
            0600);
  Start({"--token-file", Path("tokens"), "--access-log"});
  HttpConnection c(port());
  ASSERT_TRUE(c.connected());

  // No token, another scheme, a wrong token, two headers: 401, the
  // envelope, WWW-Authenticate; the connection stays usable.
  HttpReply r = c.Get(kDetail);
  ExpectEnvelope(r, 401, "authentication required: send an Authorization: Bearer token");
  EXPECT_EQ(r.headers["www-authenticate"], "Bearer");
  r = c.Get(kDetail, "GET", "Authorization: Basic dXNlcjpwYXNz\r\n");
  ExpectEnvelope(r, 401, "authentication required: send an Authorization: Bearer token");
  r = c.Get(kDetail, "GET", Bearer(kTokenC));
  ExpectEnvelope(r, 401, "invalid bearer token");
  EXPECT_EQ(r.headers["www-authenticate"], "Bearer error=\"invalid_token\"");
  r = c.Get(kDetail, "GET", Bearer(std::string(kTokenA).substr(0, 20)));
  ExpectEnvelope(r, 401, "invalid bearer token");
  r = c.Get(kDetail, "GET", Bearer(kTokenA) + Bearer(kTokenA));
  ExpectEnvelope(r, 401, "invalid bearer token");
  // Not even which paths exist.
  r = c.Get("/v1/orders");
  ExpectEnvelope(r, 401, "authentication required: send an Authorization: Bearer token");
  HttpReply head = c.Get(kDetail, "HEAD");
  EXPECT_EQ(head.status, 401);
  EXPECT_EQ(head.body, "");

  // Either token: the documented response, byte for byte.
  for (const char* token : {kTokenA, kTokenB}) {
    r = c.Get(kDetail, "GET", Bearer(token));
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.body, ExampleBody(r.headers["x-request-id"]));
    EXPECT_EQ(r.headers.count("www-authenticate"), 0u);
  }
  r = c.Get(kDetail, "GET", "authorization: bearer " + std::string(kTokenB) + "\r\n");
  EXPECT_EQ(r.status, 200);

  // The access log names tokens by fingerprint, never the tokens.
  server_->Stop(SIGTERM);
  const std::string log = testing::FileContents(Path("stderr"));
  EXPECT_EQ(log.find("token-"), std::string::npos) << log;
  std::vector<std::string> lines = testing::Lines(log);
  ASSERT_EQ(lines.size(), 10u) << log;
  const std::string a = lines[7].substr(lines[7].find(' ') + 1, 8);
  const std::string b = lines[8].substr(lines[8].find(' ') + 1, 8);
  EXPECT_EQ(lines[0].substr(lines[0].find(' ') + 1, 2), "- ") << lines[0];
  EXPECT_NE(lines[7].find("\" 200 "), std::string::npos) << lines[7];
  EXPECT_NE(a, b);
  // The fingerprint is where sha256sum of the token starts.
  ASSERT_EQ(std::system(("printf %s " + std::string(kTokenA) + " | sha256sum > " +
                         Path("sum")).c_str()),
            0);
  EXPECT_EQ(testing::FileContents(Path("sum")).substr(0, 8), a);
}

TEST_F(EndpointTest, SighupRotatesTokensWithoutDroppingConnections) {
  WriteFile(Path("tokens"), std::string(kTokenA) + "\n", 0600);
  Start({"--token-file", Path("tokens")});
  HttpConnection idle(port());
  ASSERT_EQ(idle.Get(kDetail, "GET", Bearer(kTokenA)).status, 200);
  // A request half sent when the tokens change; finished after.
  HttpConnection half(port());
  ASSERT_TRUE(half.Send("GET " + kDetail + " HTTP/1.1\r\nHost: x\r\n" + Bearer(kTokenB)));

  // A file that does not load keeps the old tokens.
  WriteFile(Path("tokens"), std::string(kTokenB) + "\n", 0644);
  ASSERT_EQ(kill(server_->pid(), SIGHUP), 0);
  ASSERT_TRUE(StderrShows("token file not reloaded, the old tokens stay"));
  EXPECT_EQ(idle.Get(kDetail, "GET", Bearer(kTokenA)).status, 200);

  ASSERT_EQ(::chmod(Path("tokens").c_str(), 0600), 0);
  ASSERT_EQ(kill(server_->pid(), SIGHUP), 0);
  ASSERT_TRUE(StderrShows("reloaded 1 token from " + Path("tokens")));
  // The workers take the new set between requests: give them a moment.
  HttpReply r;
  for (int i = 0; i < 100; ++i) {
    r = idle.Get(kDetail, "GET", Bearer(kTokenA));
    if (r.status != 200) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(r.status, 401);  // on the connection opened before
  r = idle.Get(kDetail, "GET", Bearer(kTokenB));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, ExampleBody(r.headers["x-request-id"]));
  ASSERT_TRUE(half.Send("\r\n"));
  r = half.Receive();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, ExampleBody(r.headers["x-request-id"]));
  EXPECT_EQ(server_->Stop(SIGTERM), 0);
}

class HttpsTest : public EndpointTest {
 protected:
  void SetUp() override {
    EndpointTest::SetUp();
    // A self-signed certificate for 127.0.0.1, made now.
    const std::string make =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
        "-nodes -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 "
        "-keyout " + Path("key.pem") + " -out " + Path("cert.pem") + " 2>" +
        Path("openssl.err");
    ASSERT_EQ(std::system(make.c_str()), 0) << testing::FileContents(Path("openssl.err"));
    ASSERT_EQ(::chmod(Path("key.pem").c_str(), 0600), 0);
    WriteFile(Path("tokens"), std::string(kTokenA) + "\n", 0600);
    Start({"--tls-cert", Path("cert.pem"), "--tls-key", Path("key.pem"),
           "--token-file", Path("tokens")});
  }

  // curl's exit code; its headers and body in files.
  int Curl(const std::string& extra) {
    const std::string command =
        "curl -sS --cacert " + Path("cert.pem") + " -D " + Path("headers") +
        " -o " + Path("body") + " " + extra + " https://127.0.0.1:" +
        std::to_string(port()) + kDetail + " 2>" + Path("curl.err");
    return WEXITSTATUS(std::system(command.c_str()));
  }

  std::string Header(const std::string& name) {
    for (std::string line : testing::Lines(testing::FileContents(Path("headers")))) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.rfind(name + ": ", 0) == 0) return line.substr(name.size() + 2);
    }
    return "";
  }
};

TEST_F(HttpsTest, CurlGetsTheDocumentedResponse) {
  ASSERT_EQ(Curl("-H 'Authorization: Bearer " + std::string(kTokenA) + "'"), 0)
      << testing::FileContents(Path("curl.err"));
  EXPECT_EQ(testing::FileContents(Path("headers")).rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  EXPECT_EQ(testing::FileContents(Path("body")), ExampleBody(Header("X-Request-Id")));
  // TLS 1.2 is still spoken.
  ASSERT_EQ(Curl("--tlsv1.2 --tls-max 1.2 -H 'Authorization: Bearer " +
                 std::string(kTokenA) + "'"),
            0)
      << testing::FileContents(Path("curl.err"));
  EXPECT_EQ(testing::FileContents(Path("body")), ExampleBody(Header("X-Request-Id")));
  // Without the token: the same 401 as over plain HTTP.
  ASSERT_EQ(Curl(""), 0) << testing::FileContents(Path("curl.err"));
  EXPECT_EQ(testing::FileContents(Path("headers")).rfind("HTTP/1.1 401 Unauthorized\r\n", 0), 0u);
  EXPECT_EQ(Header("WWW-Authenticate"), "Bearer");
}

TEST_F(HttpsTest, PlainHttpToTheTlsPortFailsCleanly) {
  HttpConnection plain(port());
  HttpReply r = plain.Get(kDetail, "GET", Bearer(kTokenA));
  ExpectEnvelope(r, 400, "this port speaks HTTPS: plain HTTP is not served here");
  EXPECT_EQ(r.headers["connection"], "close");
  EXPECT_TRUE(plain.ClosedWithin(2000));
  // Bytes that are not even HTTP: closed all the same.
  HttpConnection junk(port());
  // (a handshake record holding a ClientHello of length 0)
  ASSERT_TRUE(junk.Send(std::string("\x16\x03\x01\x00\x04\x01\x00\x00\x00", 9)));
  EXPECT_TRUE(junk.ClosedWithin(5000));
  // The server is unharmed.
  ASSERT_EQ(Curl("-H 'Authorization: Bearer " + std::string(kTokenA) + "'"), 0)
      << testing::FileContents(Path("curl.err"));
  EXPECT_EQ(testing::FileContents(Path("body")), ExampleBody(Header("X-Request-Id")));
}

}  // namespace
}  // namespace orderstore
