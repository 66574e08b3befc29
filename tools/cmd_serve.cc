// orderstore serve: the detail endpoint (docs/http.md) over HTTP/1.1 with
// Boost.Beast, plain or in TLS. The answer to each request comes from the
// library's HandleHttpRequest; this file only moves bytes: accept, read
// with a bound and a timeout, check the bearer token, write, keep alive,
// stop gracefully.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "bearer_tokens.h"
#include "cli.h"
#include "orderstore/http.h"
#include "orderstore/store.h"
#include "serve_tls.h"

namespace orderstore::tool {

const char kServeHelp[] = R"(usage: orderstore [--db DIR] serve [--listen HOST:PORT] [--threads N]
                                   [--read-timeout SECONDS] [--access-log]
                                   [--row-cache-mib N] [--token-file FILE]
                                   [--tls-cert FILE --tls-key FILE]
                                   [--allow-unauthenticated]

Answers GET /v1/order/detail/<order_hash> over HTTP/1.1 with the documented
detail response. HEAD is answered like GET without the body.
Errors have the body {"request_id":"...","code":N,"message":"..."}: 400 for
a malformed hash, 404 for an unknown order or any other path, 405 (with
"Allow: GET, HEAD") for other methods, 503 when the store cannot be read;
431 for a request whose request line and headers exceed 8 KiB, 413 for a
body over 1 KiB, 400 for one that is not HTTP. Every response has a fresh
request id, also sent as the X-Request-Id header. Connections are kept
alive as HTTP/1.1 says.

Private by default: without --token-file, serve listens on loopback
addresses only. With it, every request must carry "Authorization: Bearer
<token>" with a token from the file; one without gets 401 and
"WWW-Authenticate: Bearer", a wrong one 401 and "WWW-Authenticate: Bearer
error="invalid_token"" (the same error body as above). SIGHUP reads the
file again (connections stay open; a file that fails to load keeps the old
tokens). With --tls-cert and --tls-key, serve speaks HTTPS only (TLS 1.2 and
1.3); plain HTTP sent there gets a 400 and is closed. See docs/security.md.

Serve opens the store for writing (it holds the store's lock), so other
commands read it as a secondary instance meanwhile; it prints
"listening on HOST:PORT" on stdout once it accepts connections.

  --listen HOST:PORT      where to listen (default 127.0.0.1:8080; port 0
                          picks a free port, printed at start)
  --threads N             worker threads (default: one per core)
  --read-timeout SECONDS  drop a connection that takes longer than this to
                          send a request, or to take its answer, or idles
                          this long between requests (default 10; checked
                          every quarter of it, at most every second)
  --access-log            one line per request on stderr: client, token
                          fingerprint (first 8 hex digits of the token's
                          SHA-256; "-" for none), method, target, status,
                          body bytes, microseconds, request id
  --row-cache-mib N       memory for whole orders kept in RAM (default 256,
                          about half a million orders at ~520 bytes each).
                          A request for a cached order costs a few
                          microseconds; one outside it reads and
                          decompresses a block, several times that. Size it
                          to the orders clients ask for.
  --token-file FILE       bearer tokens, one a line (16 to 512 characters
                          of letters, digits and - . _ ~ + / =; '#' starts a
                          comment line). Refused unless only its owner may
                          read it (chmod 600). Make one with
                          'openssl rand -hex 32'.
  --tls-cert FILE         the server's certificate chain (PEM)
  --tls-key FILE          its private key (PEM, unencrypted; refused unless
                          only its owner may read it)
  --allow-unauthenticated listen on a non-loopback address without
                          --token-file (when a firewall or a proxy in front
                          decides who gets in)
  --db DIR                the store (default: $ORDERSTORE_DB, else
                          ./orderstore.db)

SIGINT or SIGTERM: stop accepting, finish the requests in flight (up to 5
seconds), exit 0. SIGHUP: reload --token-file.

Exit: 0 stopped by a signal, 2 usage error (e.g. a bad --listen, a
non-loopback --listen without --token-file, a token or key file others may
read), 4 store error or the address cannot be bound.
)";

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
// Sockets bound to one io_context's executor, not the type-erased
// any_io_executor: no executor copies or virtual calls per operation.
using Socket = asio::basic_stream_socket<tcp, asio::io_context::executor_type>;
using TlsStream = asio::ssl::stream<Socket>;

// Request line plus headers; a request larger than this is refused with 431
// (GET requests have no body worth more than a few bytes: 413 above this).
constexpr size_t kHeaderLimit = 8 * 1024;
constexpr size_t kBodyLimit = 1024;

struct Config {
  const Store* store = nullptr;
  Clock::duration read_timeout;
  bool access_log = false;
  // Null: plain HTTP.
  asio::ssl::context* tls = nullptr;
};

// `who`: the fingerprint of the request's token, "-" for none.
void LogAccess(const std::string& client, std::string_view who,
               std::string_view method, std::string_view target,
               const HttpResponse& response, Clock::time_point started) {
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                          Clock::now() - started)
                          .count();
  std::string line = client;
  line += ' ';
  line.append(who);
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

// Beast's request parser keeping only what serve uses: the method, the
// target and the Authorization header, copied into strings the connection
// reuses (keep-alive and the version come from basic_parser itself). http::request_parser would store
// every header field too, at an allocation each; here parsing a request
// allocates nothing. A fresh one parses each request (Beast's parsers
// cannot be reset); that costs no allocation either.
class RequestParser final : public http::basic_parser<true> {
 public:
  // `authorization` gets the last Authorization header's value, `count`
  // how many there were.
  RequestParser(std::string* method, std::string* target,
                std::string* authorization, size_t* count)
      : method_(method),
        target_(target),
        authorization_(authorization),
        authorizations_(count) {
    authorization_->clear();
    *authorizations_ = 0;
    header_limit(kHeaderLimit);
    body_limit(kBodyLimit);
    eager(true);  // parse a body in the same put() as its header
  }
  http::verb verb() const { return verb_; }
  int version() const { return version_; }

 private:
  void on_request_impl(http::verb verb, beast::string_view method,
                       beast::string_view target, int version,
                       beast::error_code&) override {
    verb_ = verb;
    version_ = version;
    method_->assign(method.data(), method.size());
    target_->assign(target.data(), target.size());
  }
  void on_response_impl(int, beast::string_view, int,
                        beast::error_code&) override {}
  void on_field_impl(http::field name, beast::string_view,
                     beast::string_view value, beast::error_code&) override {
    if (name != http::field::authorization) return;
    authorization_->assign(value.data(), value.size());
    ++*authorizations_;
  }
  void on_header_impl(beast::error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>&,
                         beast::error_code&) override {}
  // A body (at most kBodyLimit bytes) means nothing to the endpoint.
  size_t on_body_impl(beast::string_view body, beast::error_code&) override {
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, beast::string_view,
                            beast::error_code&) override {}
  size_t on_chunk_body_impl(std::uint64_t, beast::string_view body,
                            beast::error_code&) override {
    return body.size();
  }
  void on_finish_impl(beast::error_code&) override {}

  std::string* method_;
  std::string* target_;
  std::string* authorization_;
  size_t* authorizations_;
  http::verb verb_ = http::verb::unknown;
  int version_ = 11;
};

// What Worker::Sweep needs of a connection, plain or TLS.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // Whether the connection has waited for its client longer than the read
  // timeout allows (for its next request, or to take its answer).
  virtual bool Overdue(Clock::time_point now) const = 0;
  // Pending reads and writes then end with operation_aborted, dropping the
  // last references to the session.
  virtual void Close() = 0;
};

// One worker thread: its own io_context, run by that thread alone, holding
// its share of the connections. Nothing here is shared between threads
// (apart from posting work to `io`), so a request takes no lock, no strand
// and no atomic operation.
struct Worker {
  explicit Worker(const Config* server_config)
      : config(server_config), sweep(io) {}

  // Every `period`, drops the connections whose deadline has passed (one
  // timer for all of them, instead of a timer set and cancelled on every
  // read and write).
  void Sweep(Clock::duration period);
  // Stops after the answers being written have gone out, or at `deadline`.
  void Drain(Clock::time_point deadline);

  asio::io_context io{1};
  const Config* config;
  bool stopping = false;
  int in_flight = 0;  // requests read and not yet answered (write pending)
  std::vector<std::weak_ptr<SessionBase>> sessions;  // pruned by Sweep
  asio::steady_timer sweep;
  // The accepted tokens (null: no --token-file); SIGHUP posts a new set to
  // every worker, so requests read it without a lock.
  std::shared_ptr<const BearerTokens> tokens;
};

// One connection: read a request, answer it, repeat while kept alive.
// Lives in its worker's thread only. Stream is Socket (plain HTTP) or
// TlsStream (HTTPS: a TLS handshake first).
template <class Stream>
class Session final : public SessionBase,
                      public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

 public:
  Session(Socket socket, Worker* worker)
      : stream_(MakeStream(std::move(socket), *worker->config)),
        worker_(worker) {
    if (worker_->config->access_log) {
      beast::error_code ec;
      tcp::endpoint remote = this->socket().remote_endpoint(ec);
      if (!ec) {
        client_ = remote.address().to_string() + ":" +
                  std::to_string(remote.port());
      }
    }
  }

  // Runs in the worker's thread.
  void Start() {
    worker_->sessions.push_back(this->weak_from_this());
    deadline_ = Clock::now() + worker_->config->read_timeout;
    if constexpr (kTls) {
      ReadHello();
    } else {
      NextRequest();
    }
  }

  bool Overdue(Clock::time_point now) const override { return now > deadline_; }

  void Close() override {
    beast::error_code ignored;
    socket().shutdown(tcp::socket::shutdown_send, ignored);
    socket().close(ignored);
  }

 private:
  // A prvalue, so that the stream is made in place.
  static Stream MakeStream(Socket socket, const Config& config) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *config.tls);
    } else {
      return socket;
    }
  }

  Socket& socket() { return beast::get_lowest_layer(stream_); }

  // HTTPS: the client's first bytes. A TLS handshake record (type 22) goes
  // on to the handshake; anything else is most likely plain HTTP sent to
  // the HTTPS port, which gets a plain HTTP 400 saying so (better than a
  // connection reset nobody can explain), and the connection is closed.
  void ReadHello() {
    socket().async_read_some(
        buffer_.prepare(buffer_.max_size()),
        [self = this->shared_from_this()](beast::error_code ec, size_t bytes) {
          if (ec) return self->Close();
          self->buffer_.commit(bytes);
          const auto* first =
              static_cast<const unsigned char*>(self->buffer_.data().data());
          if (*first != 0x16) return self->RefusePlainHttp();
          self->stream_.async_handshake(
              asio::ssl::stream_base::server, self->buffer_.data(),
              [self](beast::error_code handshake_ec, size_t used) {
                if (handshake_ec) return self->Close();
                self->buffer_.consume(used);
                // Bytes past the handshake would be TLS records the engine
                // has not seen; a client does not send any before the
                // handshake ends (no early data is offered).
                if (self->buffer_.size() > 0) return self->Close();
                self->NextRequest();
              });
        });
  }

  void RefusePlainHttp() {
    Began();
    MakeHttpError(400,
                  "this port speaks HTTPS: plain HTTP is not served here",
                  &response_);
    if (worker_->config->access_log) {
      LogAccess(client_, "-", "-", "-", response_, started_);
    }
    wire_.clear();
    AppendHttpResponse(response_, "close", /*head=*/false, &wire_);
    asio::async_write(socket(), asio::buffer(wire_),
                      [self = this->shared_from_this()](beast::error_code,
                                                        size_t) {
                        --self->worker_->in_flight;
                        self->Close();
                      });
  }

  void NextRequest() {
    if (worker_->stopping) return Close();
    deadline_ = Clock::now() + worker_->config->read_timeout;
    parser_.emplace(&method_, &target_, &authorization_, &authorizations_);
    Parse();  // a pipelined request may be in the buffer already
  }

  // Feeds the parser what has been read; reads more until a request is
  // complete.
  void Parse() {
    while (buffer_.size() > 0) {
      beast::error_code ec;
      const size_t used = parser_->put(buffer_.data(), ec);
      buffer_.consume(used);
      if (ec == http::error::need_more) break;
      if (ec) return Refuse(ec);
      if (parser_->is_done()) return Answer();
      if (used == 0) break;
    }
    const size_t room = buffer_.max_size() - buffer_.size();
    // Cannot happen (the header limit strikes first); refuse rather than
    // read nothing forever.
    if (room == 0) return Refuse(http::error::header_limit);
    stream_.async_read_some(
        buffer_.prepare(room),
        [self = this->shared_from_this()](beast::error_code ec, size_t bytes) {
          // An error: the client went away, or Sweep or a stop closed us.
          if (ec) return self->Close();
          self->buffer_.commit(bytes);
          self->Parse();
        });
  }

  void Answer() {
    Began();
    HttpAuth auth = HttpAuth::kAllowed;
    std::string_view who = "-";
    if (worker_->tokens != nullptr) {
      auth = worker_->tokens->Check(authorization_, authorizations_, &who);
    }
    HandleHttpRequest(*worker_->config->store, method_, target_, auth,
                      &response_);
    Send(parser_->keep_alive(), parser_->verb() == http::verb::head,
         parser_->version(), who, method_, target_);
  }

  // Too large, or not HTTP: answer once, then close the connection (its
  // framing can no longer be trusted). Nothing of the store is in such an
  // answer, so it needs no token.
  void Refuse(beast::error_code ec) {
    Began();
    if (ec == http::error::header_limit) {
      MakeHttpError(431,
                    "request too large (request line and headers are "
                    "limited to 8192 bytes)",
                    &response_);
    } else if (ec == http::error::body_limit) {
      MakeHttpError(413, "request body too large (limited to 1024 bytes)",
                    &response_);
    } else {
      MakeHttpError(400, "malformed HTTP request: " + ec.message(), &response_);
    }
    // A HEAD request whose request line was read gets no body even here.
    Send(/*keep_alive=*/false, parser_->verb() == http::verb::head, 11, "-",
         "-", "-");
  }

  void Began() {
    ++worker_->in_flight;
    if (worker_->config->access_log) started_ = Clock::now();
  }

  // Writes the response, head and body, with one send.
  void Send(bool keep_alive, bool head, int version, std::string_view who,
            std::string_view method, std::string_view target) {
    if (worker_->config->access_log) {
      LogAccess(client_, who, method, target, response_, started_);
    }
    keep_alive_ = keep_alive && !worker_->stopping;
    // HTTP/1.1 keeps a connection open unless told otherwise; HTTP/1.0
    // closes it unless told otherwise.
    const std::string_view connection =
        !keep_alive_ ? "close" : version < 11 ? "keep-alive" : "";
    wire_.clear();
    AppendHttpResponse(response_, connection, head, &wire_);
    deadline_ = Clock::now() + worker_->config->read_timeout;
    asio::async_write(stream_, asio::buffer(wire_),
                      [self = this->shared_from_this()](beast::error_code ec,
                                                        size_t) {
                        --self->worker_->in_flight;
                        if (ec || !self->keep_alive_) return self->Close();
                        self->NextRequest();
                      });
  }

  Stream stream_;
  Worker* worker_;
  std::string client_ = "-";
  Clock::time_point deadline_;
  Clock::time_point started_;
  // Reused from request to request: after the first few requests of a
  // connection, answering one allocates only the request id.
  beast::flat_buffer buffer_{kHeaderLimit + kBodyLimit};
  std::optional<RequestParser> parser_;
  std::string method_;
  std::string target_;
  std::string authorization_;  // a secret: never logged
  size_t authorizations_ = 0;
  HttpResponse response_;
  std::string wire_;
  bool keep_alive_ = false;
};

void Worker::Sweep(Clock::duration period) {
  sweep.expires_after(period);
  sweep.async_wait([this, period](beast::error_code ec) {
    if (ec) return;
    const Clock::time_point now = Clock::now();
    for (size_t i = 0; i < sessions.size();) {
      std::shared_ptr<SessionBase> session = sessions[i].lock();
      if (!session) {
        sessions[i] = std::move(sessions.back());
        sessions.pop_back();
        continue;
      }
      if (session->Overdue(now)) session->Close();
      ++i;
    }
    Sweep(period);
  });
}

void Worker::Drain(Clock::time_point deadline) {
  if (in_flight == 0 || Clock::now() > deadline) {
    io.stop();
    return;
  }
  sweep.expires_after(std::chrono::milliseconds(5));
  sweep.async_wait([this, deadline](beast::error_code) { Drain(deadline); });
}

// Accepts connections in the first worker's thread and hands them to the
// workers in turn.
class Listener {
 public:
  Listener(tcp::acceptor acceptor, std::vector<std::unique_ptr<Worker>>* workers)
      : acceptor_(std::move(acceptor)), workers_(workers) {}

  void Accept() {
    Worker* worker = (*workers_)[next_++ % workers_->size()].get();
    acceptor_.async_accept(worker->io, [this, worker](beast::error_code ec,
                                                      Socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
      if (!ec) {
        socket.set_option(tcp::no_delay(true), ec);
        if (worker->config->tls != nullptr) {
          Start(std::make_shared<Session<TlsStream>>(std::move(socket), worker),
                worker);
        } else {
          Start(std::make_shared<Session<Socket>>(std::move(socket), worker),
                worker);
        }
      }
      Accept();
    });
  }

  void Stop() {
    beast::error_code ignored;
    acceptor_.close(ignored);
  }

 private:
  template <class SessionPtr>
  static void Start(SessionPtr session, Worker* worker) {
    asio::post(worker->io, [session] { session->Start(); });
  }

  tcp::acceptor acceptor_;
  std::vector<std::unique_ptr<Worker>>* workers_;
  size_t next_ = 0;
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

// Says on stderr what a reload did; stderr is unbuffered, and these lines
// go with the access log.
void Say(const std::string& line) {
  const std::string text = "orderstore: serve: " + line + "\n";
  std::fwrite(text.data(), 1, text.size(), stderr);
}

}  // namespace

int Serve(const Args& args) {
  FlagParser flags("serve", args.words);
  if (!flags.Parse({"--access-log", "--allow-unauthenticated"},
                   {"--listen", "--threads", "--read-timeout",
                    "--row-cache-mib", "--token-file", "--tls-cert",
                    "--tls-key"},
                   FlagParser::Operands::kNone)) {
    return kExitUsage;
  }
  const std::string listen = flags.Value("--listen").value_or("127.0.0.1:8080");
  asio::ip::address address;
  unsigned short port = 0;
  if (!ParseListen(listen, &address, &port)) {
    return flags.UsageError("--listen wants HOST:PORT, got \"" + listen + "\"");
  }
  const std::optional<std::string> token_file = flags.Value("--token-file");
  const std::optional<std::string> tls_cert = flags.Value("--tls-cert");
  const std::optional<std::string> tls_key = flags.Value("--tls-key");
  if (tls_cert.has_value() != tls_key.has_value()) {
    return flags.UsageError("--tls-cert and --tls-key go together");
  }
  // Like Redis's protected mode: no credentials, no strangers.
  if (!address.is_loopback() && !token_file &&
      !flags.Has("--allow-unauthenticated")) {
    return flags.UsageError(
        "--listen " + listen +
        " is not a loopback address, and without --token-file anyone who "
        "reaches it could read every order: give --token-file FILE, or "
        "--allow-unauthenticated if a firewall or proxy decides who gets in");
  }
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  std::optional<uint64_t> threads = flags.Count("--threads", cores);
  std::optional<uint64_t> timeout = flags.Count("--read-timeout", 10);
  Options options = ToolOptions("serve");
  std::optional<uint64_t> row_cache_mib =
      flags.Count("--row-cache-mib", options.row_cache_bytes >> 20);
  if (!threads || !timeout || !row_cache_mib) return kExitUsage;
  if (*row_cache_mib > (uint64_t{1} << 30)) {
    return flags.UsageError("--row-cache-mib is too large");
  }
  options.row_cache_bytes = *row_cache_mib << 20;
  if (*threads == 0 || *threads > 256) {
    return flags.UsageError("--threads wants 1 to 256");
  }
  if (*timeout == 0) return flags.UsageError("--read-timeout wants at least 1");

  // The secrets are checked before the store is opened: a refused file
  // leaves everything as it was.
  std::shared_ptr<const BearerTokens> tokens;
  if (token_file) {
    Result<std::shared_ptr<const BearerTokens>> loaded =
        BearerTokens::Load(*token_file);
    if (!loaded.ok()) {
      PrintError("serve", loaded.status().message());
      return kExitUsage;
    }
    tokens = std::move(*loaded);
  }
  std::unique_ptr<asio::ssl::context> tls;
  if (tls_cert) {
    Result<std::unique_ptr<asio::ssl::context>> made =
        MakeTlsContext(*tls_cert, *tls_key);
    if (!made.ok()) {
      PrintError("serve", made.status().message());
      return kExitUsage;
    }
    tls = std::move(*made);
  }
  if (tokens != nullptr && tls == nullptr && !address.is_loopback()) {
    Say("tokens and orders cross the network unencrypted on " + listen +
        ": add --tls-cert and --tls-key, or serve through a TLS proxy");
  }

  Result<std::unique_ptr<Store>> store = Store::Open(options, args.db);
  if (!store.ok()) {
    PrintError("serve", store.status().message());
    return kExitStoreError;
  }

  Config config;
  config.store = store->get();
  config.read_timeout = std::chrono::seconds(*timeout);
  config.access_log = flags.Has("--access-log");
  config.tls = tls.get();

  std::vector<std::unique_ptr<Worker>> workers;
  for (uint64_t i = 0; i < *threads; ++i) {
    workers.push_back(std::make_unique<Worker>(&config));
    workers.back()->tokens = tokens;
  }
  asio::io_context& first = workers.front()->io;
  tcp::acceptor acceptor(first);
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
  Listener listener(std::move(acceptor), &workers);
  listener.Accept();
  // A quarter of the timeout, at most 1 s: a connection is dropped at most
  // that long after its deadline.
  const Clock::duration sweep_period = std::min<Clock::duration>(
      config.read_timeout / 4, std::chrono::seconds(1));
  for (auto& worker : workers) worker->Sweep(sweep_period);

  // Stop accepting at once; each worker lets the answers it is writing go
  // out (for up to 5 s), then stops.
  asio::signal_set signals(first, SIGINT, SIGTERM);
  signals.async_wait([&](beast::error_code, int) {
    listener.Stop();
    const Clock::time_point deadline = Clock::now() + std::chrono::seconds(5);
    for (auto& worker : workers) {
      asio::post(worker->io, [w = worker.get(), deadline] {
        w->stopping = true;
        w->Drain(deadline);
      });
    }
  });

  // SIGHUP: the token file again. Each worker takes the new set between
  // two requests; no connection is touched, so none is dropped. A file
  // that does not load leaves the old tokens in force.
  asio::signal_set hangups(first);
  std::function<void()> await_hangup = [&] {
    hangups.async_wait([&](beast::error_code hangup_ec, int) {
      if (hangup_ec) return;
      Result<std::shared_ptr<const BearerTokens>> loaded =
          BearerTokens::Load(*token_file);
      if (!loaded.ok()) {
        Say("token file not reloaded, the old tokens stay: " +
            loaded.status().message());
      } else {
        for (auto& worker : workers) {
          asio::post(worker->io, [w = worker.get(), fresh = *loaded] {
            w->tokens = fresh;
          });
        }
        Say("reloaded " + std::to_string((*loaded)->size()) +
            ((*loaded)->size() == 1 ? " token from " : " tokens from ") +
            *token_file);
      }
      await_hangup();
    });
  };
  if (token_file) {
    hangups.add(SIGHUP);
    await_hangup();
  }

  std::printf("listening on %s:%u\n",
              bound.address().is_v6()
                  ? ("[" + bound.address().to_string() + "]").c_str()
                  : bound.address().to_string().c_str(),
              static_cast<unsigned>(bound.port()));
  std::fflush(stdout);

  std::vector<std::thread> threads_running;
  for (size_t i = 1; i < workers.size(); ++i) {
    threads_running.emplace_back([w = workers[i].get()] { w->io.run(); });
  }
  first.run();
  for (std::thread& thread : threads_running) thread.join();
  return kExitOk;
}

}  // namespace orderstore::tool
