#include "tests/clickhouse_server.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "lib/clickhouse_http.h"

namespace orderstore::testing {
namespace {

// A port the kernel considers free on 127.0.0.1 now. Another process may
// take it before the server binds it; the start then fails visibly.
uint16_t FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    return 0;
  }
  close(fd);
  return ntohs(addr.sin_port);
}

void WriteFile(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path) << text;
}

}  // namespace

std::string ClickHouseServerBinary() {
  for (const char* path : {"/usr/bin/clickhouse-server", "/usr/sbin/clickhouse-server"}) {
    if (access(path, X_OK) == 0) return path;
  }
  return "";
}

std::unique_ptr<ClickHouseServer> ClickHouseServer::Start(const std::string& dir,
                                                          std::string* why) {
  const std::string binary = ClickHouseServerBinary();
  if (binary.empty()) {
    *why = "clickhouse-server is not installed (install-deps.sh installs it)";
    return nullptr;
  }
  const std::filesystem::path root = std::filesystem::path(dir) / "clickhouse";
  std::filesystem::create_directories(root / "data");
  std::filesystem::create_directories(root / "tmp");
  const uint16_t http = FreePort(), tcp = FreePort();
  const std::string r = root.string();
  std::string shards;
  for (const char* db : {"s1", "s2"}) {
    shards += "<shard><replica><host>127.0.0.1</host><port>" + std::to_string(tcp) +
              "</port><default_database>" + db +
              "</default_database></replica></shard>";
  }
  WriteFile(root / "config.xml",
            "<yandex><logger><level>warning</level><log>" + r +
                "/server.log</log><errorlog>" + r +
                "/error.log</errorlog><console>0</console></logger>"
                "<listen_host>127.0.0.1</listen_host><http_port>" +
                std::to_string(http) + "</http_port><tcp_port>" + std::to_string(tcp) +
                "</tcp_port><path>" + r + "/data/</path><tmp_path>" + r +
                "/tmp/</tmp_path><users_config>" + r +
                "/users.xml</users_config><default_profile>default</default_profile>"
                "<default_database>default</default_database>"
                "<mark_cache_size>53687091</mark_cache_size>"
                "<remote_servers><fleet>" + shards + "</fleet></remote_servers></yandex>\n");
  WriteFile(root / "users.xml",
            "<yandex><profiles><default></default></profiles><users><default>"
            "<password></password><networks><ip>127.0.0.1</ip></networks>"
            "<profile>default</profile><quota>default</quota></default></users>"
            "<quotas><default></default></quotas></yandex>\n");

  std::unique_ptr<ClickHouseServer> server(new ClickHouseServer);
  server->http_port_ = http;
  const std::string config = "--config-file=" + r + "/config.xml";
  server->pid_ = fork();
  if (server->pid_ == 0) {
    // Its own process group, so that a Ctrl-C to the test is not also one
    // to the server, which the destructor stops.
    setpgid(0, 0);
    freopen("/dev/null", "w", stdout);
    freopen((r + "/stderr.log").c_str(), "w", stderr);
    execl(binary.c_str(), binary.c_str(), config.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(server->pid_, &status, WNOHANG) == server->pid_) {
      server->pid_ = -1;
      ADD_FAILURE() << "clickhouse-server exited at start; see " << r << "/error.log";
      return nullptr;
    }
    if (server->Query("SELECT 1").ok()) return server;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ADD_FAILURE() << "clickhouse-server did not answer within 60 s";
  return nullptr;  // the destructor stops it
}

ClickHouseServer::~ClickHouseServer() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  for (int i = 0; i < 200; ++i) {  // 10 s
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
}

ShipOptions ClickHouseServer::Destination(std::string table) const {
  ShipOptions options;
  options.host = "127.0.0.1";
  options.port = http_port_;
  options.table = std::move(table);
  options.timeout = std::chrono::seconds(30);
  return options;
}

Result<std::string> ClickHouseServer::Query(std::string_view sql, std::string body,
                                            std::string_view database) const {
  return internal::ClickHousePost(Destination(""), sql, std::move(body), database);
}

Status ClickHouseServer::Execute(std::string_view ddl, std::string_view database) const {
  size_t begin = 0;
  while (begin < ddl.size()) {
    size_t end = ddl.find(";\n", begin);
    if (end == std::string_view::npos) end = ddl.size();
    const std::string_view statement = ddl.substr(begin, end - begin);
    if (statement.find_first_not_of(" \n") != std::string_view::npos) {
      Result<std::string> answer = Query(statement, "", database);
      if (!answer.ok()) return answer.status();
    }
    begin = end + 2;
  }
  return Status::OK();
}

Status ClickHouseServer::CreateFleetTables() const {
  Result<std::string> ddl = ShipSchema("orders", "fleet");
  if (!ddl.ok()) return ddl.status();
  for (const char* db : {"s1", "s2"}) {
    Result<std::string> made = Query(std::string("CREATE DATABASE IF NOT EXISTS ") + db);
    if (!made.ok()) return made.status();
    if (Status s = Execute(*ddl, db); !s.ok()) return s;
  }
  return Status::OK();
}

}  // namespace orderstore::testing
