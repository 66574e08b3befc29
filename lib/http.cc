// The detail endpoint (see http.h and docs/http.md).
#include "orderstore/http.h"

#include <charconv>

#include "orderstore/json_export.h"
#include "orderstore/store.h"

namespace orderstore {
namespace {

constexpr std::string_view kDetailPrefix = "/v1/order/detail/";

void Reset(int status, HttpResponse* response) {
  response->status = status;
  response->body.clear();
  response->request_id = NewRequestId();
  response->allow = {};
  response->www_authenticate = {};
}

// The reason phrase of every status serve sends (RFC 9110 §15).
std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Content Too Large";
    case 431: return "Request Header Fields Too Large";
    case 503: return "Service Unavailable";
    default: return "Error";
  }
}

void AppendNumber(uint64_t n, std::string* out) {
  char digits[20];
  const auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
  out->append(digits, end);
}

}  // namespace

void MakeHttpError(int status, std::string_view message,
                   HttpResponse* response) {
  Reset(status, response);
  std::string& body = response->body;
  body += "{\"request_id\":";
  AppendJsonString(response->request_id, &body);
  body += ",\"code\":";
  AppendNumber(static_cast<uint64_t>(status), &body);
  body += ",\"message\":";
  AppendJsonString(message, &body);
  body += '}';
}

void HandleHttpRequest(const Store& store, std::string_view method,
                       std::string_view target, HttpResponse* response) {
  HandleHttpRequest(store, method, target, HttpAuth::kAllowed, response);
}

void HandleHttpRequest(const Store& store, std::string_view method,
                       std::string_view target, HttpAuth auth,
                       HttpResponse* response) {
  // RFC 6750 §3: no error code when the request carried no token.
  if (auth == HttpAuth::kMissing) {
    MakeHttpError(401,
                  "authentication required: send an Authorization: Bearer "
                  "token",
                  response);
    response->www_authenticate = "Bearer";
    return;
  }
  if (auth == HttpAuth::kRefused) {
    MakeHttpError(401, "invalid bearer token", response);
    response->www_authenticate = "Bearer error=\"invalid_token\"";
    return;
  }
  std::string_view path = target.substr(0, target.find('?'));
  if (path.substr(0, kDetailPrefix.size()) != kDetailPrefix) {
    MakeHttpError(404, "no such endpoint: " + std::string(path), response);
    return;
  }
  if (method != "GET" && method != "HEAD") {
    MakeHttpError(405, "method " + std::string(method) +
                           " not allowed; use GET or HEAD",
                  response);
    response->allow = "GET, HEAD";
    return;
  }
  Result<OrderHash> hash = OrderHash::Parse(path.substr(kDetailPrefix.size()));
  if (!hash.ok()) {
    MakeHttpError(400, hash.status().message(), response);
    return;
  }
  Result<PinnedOrder> order = store.Get(ReadOptions(), *hash);
  if (order.status().IsNotFound()) {
    MakeHttpError(404, order.status().message(), response);
    return;
  }
  if (!order.ok()) {
    MakeHttpError(503, "the store cannot be read: " + order.status().message(),
                  response);
    return;
  }
  Reset(200, response);
  AppendDetailResponse(order->view(), response->request_id, &response->body);
}

void AppendHttpResponse(const HttpResponse& response,
                        std::string_view connection, bool head,
                        std::string* out) {
  out->reserve(out->size() + 160 + (head ? 0 : response.body.size()));
  *out += "HTTP/1.1 ";
  AppendNumber(static_cast<uint64_t>(response.status), out);
  *out += ' ';
  *out += ReasonPhrase(response.status);
  *out += "\r\nContent-Type: application/json\r\nX-Request-Id: ";
  *out += response.request_id;
  if (!response.allow.empty()) {
    *out += "\r\nAllow: ";
    *out += response.allow;
  }
  if (!response.www_authenticate.empty()) {
    *out += "\r\nWWW-Authenticate: ";
    *out += response.www_authenticate;
  }
  if (!connection.empty()) {
    *out += "\r\nConnection: ";
    *out += connection;
  }
  *out += "\r\nContent-Length: ";
  AppendNumber(response.body.size(), out);
  *out += "\r\n\r\n";
  if (!head) *out += response.body;
}

}  // namespace orderstore
