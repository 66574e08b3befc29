// orderstore serve: the detail endpoint (SPEC §6) over HTTP/1.1 with
// Boost.Beast. The answer to each request comes from the library's
// HandleHttpRequest; this file only moves bytes: accept, read with a bound
// and a timeout, write, keep alive, stop gracefully.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cli.h"
#include "orderstore/http.h"
#include "orderstore/store.h"

namespace orderstore::tool {

const char kServeHelp[] = R"(usage: orderstore [--db DIR] serve [--listen HOST:PORT] [--threads N]
                                   [--read-timeout SECONDS] [--access-log]

Answers GET /v1/order/detail/<order_hash> over HTTP/1.1 with the documented
detail response (SPEC §6). HEAD is answered like GET without the body.
Errors have the body {"request_id":"...","code":N,"message":"..."}: 400 for
a malformed hash, 404 for an unknown order or any other path, 405 (with
"Allow: GET, HEAD") for other methods, 503 when the store cannot be read;
431 for a request whose request line and headers exceed 8 KiB, 400 for one
that is not HTTP. Every response has a fresh request id, also sent as the
X-Request-Id header. Connections are kept alive as HTTP/1.1 says.

Serve opens the store for writing (it holds the store's lock), so other
commands read it as a secondary instance meanwhile; it prints
"listening on HOST:PORT" on stdout once it accepts connections.

  --listen HOST:PORT      where to listen (default 127.0.0.1:8080; port 0
                          picks a free port, printed at start)
  --threads N             worker threads (default: one per core)
  --read-timeout SECONDS  drop a connection that takes longer than this to
                          send a request, or idles this long between
                          requests (default 10)
  --access-log            one line per request on stderr: client, method,
                          target, status, body bytes, microseconds, request id
  --db DIR                the store (default: $ORDERSTORE_DB, else
                          ./orderstore.db)

SIGINT or SIGTERM: stop accepting, finish the requests in flight (up to 5
seconds), exit 0.

Exit: 0 stopped by a signal, 2 usage error (e.g. a bad --listen), 4 store
error or the address cannot be bound.
)";

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// Request line plus headers; a request larger than this is refused with 431
// (GET requests have no body worth more than a few bytes).
constexpr size_t kHeaderLimit = 8 * 1024;
constexpr size_t kBodyLimit = 1024;

struct ServerState {
  const Store* store = nullptr;
  std::chrono::steady_clock::duration read_timeout;
  bool access_log = false;
  std::atomic<bool> stopping{false};
  // Requests read and not yet answered (their write pending).
  std::atomic<int> in_flight{0};
};

void LogAccess(const std::string& client, std::string_view method,
               std::string_view target, const HttpResponse& response,
               std::chrono::steady_clock::time_point started) {
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - started)
                          .count();
  std::string line = client;
  line += " \"";
  line.append(method);
  line += ' ';
  // The target is the client's text: keep the log one line per request.
  for (char c : target) line += (c < 0x20 || c == 0x7f) ? '?' : c;
  line += "\" " + std::to_string(response.status) + ' ' +
          std::to_string(response.body.size()) + ' ' + std::to_string(micros) +
          "us " + response.request_id + '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);  // stderr: unbuffered
}

// One connection: read a request, answer it, repeat while kept alive.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, ServerState* state)
      : stream_(std::move(socket)), state_(state) {
    beast::error_code ec;
    tcp::endpoint remote = stream_.socket().remote_endpoint(ec);
    if (!ec) {
      client_ = remote.address().to_string() + ":" + std::to_string(remote.port());
    }
  }

  void Start() { Read(); }

 private:
  void Read() {
    if (state_->stopping) return Close();
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(kBodyLimit);
    stream_.expires_after(state_->read_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::OnRead,
                                               shared_from_this()));
  }

  void OnRead(beast::error_code ec, size_t /*bytes*/) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted ||
        ec == asio::error::connection_reset || ec == asio::error::eof) {
      return Close();
    }
    started_ = std::chrono::steady_clock::now();
    ++state_->in_flight;
    if (ec) {
      // Too large, or not HTTP: answer once, then close the connection (its
      // framing can no longer be trusted).
      const bool too_large = ec == http::error::header_limit ||
                             ec == http::error::body_limit ||
                             ec == http::error::buffer_overflow;
      MakeHttpError(too_large ? 431 : 400,
                    too_large ? "request too large (request line and headers "
                                "are limited to 8192 bytes)"
                              : "malformed HTTP request: " + ec.message(),
                    &response_);
      return Send(/*keep_alive=*/false, /*head=*/false, "-", "-");
    }
    const auto& request = parser_->get();
    const beast::string_view beast_method = request.method_string();
    const beast::string_view beast_target = request.target();
    const std::string_view method(beast_method.data(), beast_method.size());
    const std::string_view target(beast_target.data(), beast_target.size());
    HandleHttpRequest(*state_->store, method, target, &response_);
    Send(request.keep_alive(), request.method() == http::verb::head, method,
         target);
  }

  void Send(bool keep_alive, bool head, std::string_view method,
            std::string_view target) {
    if (state_->access_log) {
      LogAccess(client_, method, target, response_, started_);
    }
    reply_ = {};
    reply_.version(11);
    reply_.result(static_cast<unsigned>(response_.status));
    for (const auto& [name, value] : response_.headers) {
      reply_.set(name, value);
    }
    reply_.keep_alive(keep_alive && !state_->stopping);
    reply_.content_length(response_.body.size());
    if (!head) reply_.body() = std::move(response_.body);
    stream_.expires_after(state_->read_timeout);  // a client that never reads
    http::async_write(stream_, reply_,
                      beast::bind_front_handler(&Session::OnWrite,
                                                shared_from_this()));
  }

  void OnWrite(beast::error_code ec, size_t /*bytes*/) {
    --state_->in_flight;
    if (ec || !reply_.keep_alive()) return Close();
    Read();
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  ServerState* state_;
  std::string client_ = "-";
  beast::flat_buffer buffer_{kHeaderLimit + kBodyLimit};
  std::optional<http::request_parser<http::string_body>> parser_;
  HttpResponse response_;
  http::response<http::string_body> reply_;
  std::chrono::steady_clock::time_point started_;
};

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(asio::io_context* io, tcp::acceptor acceptor, ServerState* state)
      : io_(io), acceptor_(std::move(acceptor)), state_(state) {}

  void Accept() {
    // Each connection gets its own strand: its handlers never run at once.
    acceptor_.async_accept(
        asio::make_strand(*io_),
        beast::bind_front_handler(&Listener::OnAccept, shared_from_this()));
  }

  void Stop() {
    beast::error_code ignored;
    acceptor_.close(ignored);
  }

 private:
  void OnAccept(beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) {
      socket.set_option(tcp::no_delay(true), ec);
      std::make_shared<Session>(std::move(socket), state_)->Start();
    }
    Accept();
  }

  asio::io_context* io_;
  tcp::acceptor acceptor_;
  ServerState* state_;
};

// Splits "HOST:PORT" ("[v6]:PORT" for IPv6).
bool ParseListen(const std::string& text, asio::ip::address* address,
                 unsigned short* port) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos) return false;
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host == "localhost") host = "127.0.0.1";
  beast::error_code ec;
  *address = asio::ip::make_address(host, ec);
  if (ec) return false;
  const char* begin = text.data() + colon + 1;
  const char* end = text.data() + text.size();
  auto [ptr, err] = std::from_chars(begin, end, *port);
  return begin != end && err == std::errc() && ptr == end;
}

}  // namespace

int Serve(const Args& args) {
  FlagParser flags("serve", args.words);
  if (!flags.Parse({"--access-log"},
                   {"--listen", "--threads", "--read-timeout"})) {
    return kExitUsage;
  }
  if (!flags.operands().empty()) {
    return flags.UsageError("unexpected argument " + flags.operands()[0]);
  }
  const std::string listen = flags.Value("--listen").value_or("127.0.0.1:8080");
  asio::ip::address address;
  unsigned short port = 0;
  if (!ParseListen(listen, &address, &port)) {
    return flags.UsageError("--listen wants HOST:PORT, got \"" + listen + "\"");
  }
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  std::optional<uint64_t> threads = flags.Count("--threads", cores);
  std::optional<uint64_t> timeout = flags.Count("--read-timeout", 10);
  if (!threads || !timeout) return kExitUsage;
  if (*threads == 0 || *threads > 256) {
    return flags.UsageError("--threads wants 1 to 256");
  }
  if (*timeout == 0) return flags.UsageError("--read-timeout wants at least 1");

  Result<std::unique_ptr<Store>> store = Store::Open(Options(), args.db);
  if (!store.ok()) {
    PrintError("serve", store.status().message());
    return kExitStoreError;
  }

  ServerState state;
  state.store = store->get();
  state.read_timeout = std::chrono::seconds(*timeout);
  state.access_log = flags.Has("--access-log");

  asio::io_context io(static_cast<int>(*threads));
  tcp::acceptor acceptor(io);
  beast::error_code ec;
  const tcp::endpoint endpoint(address, port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    PrintError("serve", "cannot listen on " + listen + ": " + ec.message());
    return kExitStoreError;
  }
  const tcp::endpoint bound = acceptor.local_endpoint();
  auto listener = std::make_shared<Listener>(&io, std::move(acceptor), &state);
  listener->Accept();

  // Stop accepting at once; let the answers in flight go out, then stop.
  asio::signal_set signals(io, SIGINT, SIGTERM);
  asio::steady_timer drain(io);
  std::chrono::steady_clock::time_point deadline;
  std::function<void(beast::error_code)> wait_drained =
      [&](beast::error_code) {
        if (state.in_flight == 0 || std::chrono::steady_clock::now() > deadline) {
          io.stop();
          return;
        }
        drain.expires_after(std::chrono::milliseconds(5));
        drain.async_wait(wait_drained);
      };
  signals.async_wait([&](beast::error_code, int) {
    state.stopping = true;
    deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    listener->Stop();
    wait_drained({});
  });

  std::printf("listening on %s:%u\n",
              bound.address().is_v6()
                  ? ("[" + bound.address().to_string() + "]").c_str()
                  : bound.address().to_string().c_str(),
              static_cast<unsigned>(bound.port()));
  std::fflush(stdout);

  std::vector<std::thread> workers;
  for (uint64_t i = 1; i < *threads; ++i) workers.emplace_back([&io] { io.run(); });
  io.run();
  for (std::thread& worker : workers) worker.join();
  return kExitOk;
}

}  // namespace orderstore::tool
