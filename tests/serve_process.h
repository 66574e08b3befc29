// The real `orderstore serve` as a child process on a free port of
// 127.0.0.1, and a client that speaks just enough HTTP/1.1 to test it.
#ifndef ORDERSTORE_TESTS_SERVE_PROCESS_H_
#define ORDERSTORE_TESTS_SERVE_PROCESS_H_

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace orderstore::testing {

struct HttpReply {
  int status = 0;  // 0: the connection closed before a whole response
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
};

// One client connection to 127.0.0.1:port.
class HttpConnection {
 public:
  explicit HttpConnection(int port);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;
  bool connected() const { return connected_; }

  bool Send(const std::string& bytes);

  // Reads one response. HEAD replies have no body whatever their
  // Content-Length says.
  HttpReply Receive(bool head = false);

  // Sends one request with `headers` (whole lines, each ending in "\r\n")
  // and reads its response.
  HttpReply Get(const std::string& target, const std::string& method = "GET",
                const std::string& headers = "");

  // Whether the server closes the connection within `ms` (what it sends
  // before, such as a TLS alert, is read and dropped).
  bool ClosedWithin(int ms);

 private:
  bool Fill();

  int fd_ = -1;
  bool connected_ = false;
  std::string buffer_;
};

// `orderstore --db DB serve --listen 127.0.0.1:0 --threads 2 EXTRA...`,
// stdout read until its "listening on" line, stderr into a file. Killed
// (SIGKILL) when destroyed if still running.
class ServeProcess {
 public:
  ServeProcess() = default;
  ~ServeProcess();
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  // Starts the server; false (with a test failure naming what it printed)
  // when it did not come up.
  bool Start(const std::string& db, const std::vector<std::string>& extra,
             const std::string& stderr_path);
  // Stops it with `signal`; returns its exit code (128 + signal when killed).
  int Stop(int signal);

  pid_t pid() const { return pid_; }
  int port() const { return port_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace orderstore::testing

#endif  // ORDERSTORE_TESTS_SERVE_PROCESS_H_
