#include "lib/clickhouse_http.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <string>

namespace orderstore::internal {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

// Percent-encodes everything but RFC 3986's unreserved characters.
std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
        (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

// ClickHouse's error text is a message plus, at times, a stack trace: its
// first line, bounded, is what an operator needs.
std::string FirstLine(std::string_view text) {
  const size_t end = text.find_first_of("\r\n");
  std::string line(text.substr(0, end));
  constexpr size_t kMax = 400;
  if (line.size() > kMax) line = line.substr(0, kMax) + "...";
  return line;
}

}  // namespace

Result<std::string> ClickHousePost(const ShipOptions& options,
                                   std::string_view query, std::string body,
                                   std::string_view database) {
  const std::string where =
      "ClickHouse at " + options.host + ":" + std::to_string(options.port) + ": ";
  net::io_context io;
  beast::tcp_stream stream(io);
  std::string target = "/?query=" + UrlEncode(query);
  if (!database.empty()) target += "&database=" + UrlEncode(database);
  http::request<http::string_body> request{http::verb::post, target, 11};
  request.set(http::field::host, options.host);
  request.set(http::field::content_type, "text/plain; charset=utf-8");
  if (!options.user.empty()) {
    request.set("X-ClickHouse-User", options.user);
    request.set("X-ClickHouse-Key", options.key);
  }
  request.body() = std::move(body);
  request.prepare_payload();
  http::response<http::string_body> response;
  beast::flat_buffer buffer;

  // Asynchronous operations only because they are the ones a deadline
  // (tcp_stream::expires_after) cancels: the io_context runs on this
  // thread, so the call is synchronous to its caller.
  beast::error_code failure;
  std::string step;
  tcp::resolver resolver(io);
  beast::error_code resolve_error;
  const auto endpoints = resolver.resolve(
      options.host, std::to_string(options.port), resolve_error);
  if (resolve_error) {
    return Status::IOError(where + "resolve: " + resolve_error.message());
  }
  stream.expires_after(options.timeout);
  stream.async_connect(endpoints, [&](beast::error_code connected, const tcp::endpoint&) {
    if (connected) {
      failure = connected, step = "connect";
      return;
    }
    http::async_write(stream, request, [&](beast::error_code sent, size_t) {
      if (sent) {
        failure = sent, step = "send";
        return;
      }
      http::async_read(stream, buffer, response, [&](beast::error_code read, size_t) {
        if (read) failure = read, step = "read the answer";
      });
    });
  });
  io.run();
  if (failure) {
    if (failure == beast::error::timeout) {
      return Status::IOError(where + step + ": no answer within " +
                             std::to_string(options.timeout.count()) + " ms");
    }
    return Status::IOError(where + step + ": " + failure.message());
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  if (response.result() != http::status::ok) {
    return Status::IOError(where + "HTTP " +
                           std::to_string(response.result_int()) + ": " +
                           FirstLine(response.body()));
  }
  return std::move(response.body());
}

}  // namespace orderstore::internal
