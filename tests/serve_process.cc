// See serve_process.h.
#include "tests/serve_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <sstream>

namespace orderstore::testing {

HttpConnection::HttpConnection(int port) {
  fd_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
}

HttpConnection::~HttpConnection() { close(fd_); }

bool HttpConnection::Send(const std::string& bytes) {
  return write(fd_, bytes.data(), bytes.size()) ==
         static_cast<ssize_t>(bytes.size());
}

HttpReply HttpConnection::Receive(bool head) {
  HttpReply reply;
  size_t end;
  while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!Fill()) return reply;
  }
  std::istringstream lines(buffer_.substr(0, end));
  std::string line;
  std::getline(lines, line);
  reply.status = std::atoi(line.substr(9, 3).c_str());
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t colon = line.find(':');
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(c));
    reply.headers[name] = line.substr(colon + 2);
  }
  buffer_.erase(0, end + 4);
  size_t length = head ? 0 : std::stoul(reply.headers["content-length"]);
  while (buffer_.size() < length) {
    if (!Fill()) return HttpReply();
  }
  reply.body = buffer_.substr(0, length);
  buffer_.erase(0, length);
  return reply;
}

HttpReply HttpConnection::Get(const std::string& target,
                              const std::string& method,
                              const std::string& headers) {
  if (!Send(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
            headers + "\r\n")) {
    return HttpReply();
  }
  return Receive(method == "HEAD");
}

bool HttpConnection::ClosedWithin(int ms) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, std::max<int>(0, static_cast<int>(left.count()))) <= 0) {
      return false;
    }
    char chunk[4096];
    if (read(fd_, chunk, sizeof chunk) <= 0) return true;
  }
}

bool HttpConnection::Fill() {
  char chunk[16384];
  ssize_t n = read(fd_, chunk, sizeof chunk);
  if (n <= 0) return false;
  buffer_.append(chunk, static_cast<size_t>(n));
  return true;
}

ServeProcess::~ServeProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

bool ServeProcess::Start(const std::string& db,
                         const std::vector<std::string>& extra,
                         const std::string& stderr_path) {
  int out[2];
  if (pipe(out) != 0) return false;
  pid_ = fork();
  if (pid_ == 0) {
    dup2(out[1], 1);
    int err = open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(err, 2);
    std::vector<std::string> args = {ORDERSTORE_TOOL, "--db", db, "serve",
                                     "--listen", "127.0.0.1:0", "--threads", "2"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(ORDERSTORE_TOOL, argv.data());
    _exit(127);
  }
  close(out[1]);
  std::string line;
  char c;
  while (read(out[0], &c, 1) == 1 && c != '\n') line += c;
  close(out[0]);
  constexpr char kListening[] = "listening on 127.0.0.1:";
  if (line.rfind(kListening, 0) != 0) {
    ADD_FAILURE() << "serve did not start: \"" << line << "\"";
    return false;
  }
  port_ = std::atoi(line.c_str() + std::strlen(kListening));
  return port_ > 0;
}

int ServeProcess::Stop(int signal) {
  // Never kill(-1, ...) (every process the user may signal) or kill(0, ...)
  // (this process group): a second Stop, or one after a failed Start, has
  // no server to stop.
  if (pid_ <= 0) {
    ADD_FAILURE() << "ServeProcess::Stop without a running server";
    return -1;
  }
  kill(pid_, signal);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace orderstore::testing
