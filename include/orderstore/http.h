// The HTTP endpoint (docs/http.md), GET /v1/order/detail/<hash>, as plain
// functions: a request's method and target in, the status, request id and
// body out (HandleHttpRequest), and that response as HTTP/1.1 bytes
// (AppendHttpResponse). `orderstore serve` puts them behind a socket; an
// application can put them behind its own server; tests call them directly.
// A library of its own: link orderstore::http (CMake) or orderstore-http
// (pkg-config).
//
// Thread safety: both may be called from any number of threads at once on
// one Store (each with its own response and output).
#ifndef ORDERSTORE_HTTP_H_
#define ORDERSTORE_HTTP_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "orderstore/export.h"

namespace orderstore {

class Store;

// What HandleHttpRequest answers. Every response has the headers
// Content-Type: application/json, X-Request-Id: <request_id> and
// Content-Length; a 405 also has Allow, a 401 WWW-Authenticate.
// AppendHttpResponse writes them.
struct HttpResponse {
  int status = 200;  // the HTTP status: 200, 400, 401, 404, 405 or 503
  // The JSON body. For HEAD the server sends the headers of this body (its
  // Content-Length) without the body itself.
  std::string body;
  // The fresh request id of this response (16 characters of [A-Za-z0-9]),
  // also in the body.
  std::string request_id;
  // The Allow header's value; empty (no Allow header) except for 405.
  std::string_view allow;
  // The WWW-Authenticate header's value; empty (no such header) except
  // for 401.
  std::string_view www_authenticate;
};

// What the server in front of HandleHttpRequest decided about a request's
// credentials (RFC 6750 bearer tokens, or whatever the embedding daemon
// checks). The endpoint authenticates nothing itself: it turns the
// decision into the answer, so that every server answers alike.
enum class HttpAuth : uint8_t {
  kAllowed,  // answered as usual
  // No credentials (no Authorization header, or not a bearer token): 401
  // "authentication required", with "WWW-Authenticate: Bearer".
  kMissing,
  // Credentials that are not accepted: 401 "invalid bearer token", with
  // "WWW-Authenticate: Bearer error=\"invalid_token\"".
  kRefused,
};

// Answers one request:
//   GET or HEAD /v1/order/detail/<hash>  200 and the documented detail
//     response; 400 when <hash> is not 32 hex digits; 404 when there is no
//     such order; 503 when the store cannot read it (I/O error, damaged
//     record).
//   other methods on that path           405, with "Allow: GET, HEAD".
//   any other path                        404.
// A query string ("?...") is ignored. Errors have the compact body
// {"request_id":"...","code":<status>,"message":"..."}. Never fails
// otherwise; `response` is overwritten (its strings' capacity is reused, so
// a response object kept from request to request stops allocating).
// Answers every request as HttpAuth::kAllowed: for servers that let
// everyone who reaches them in (on loopback, say).
ORDERSTORE_EXPORT void HandleHttpRequest(const Store& store,
                                         std::string_view method,
                                         std::string_view target,
                                         HttpResponse* response);

// The same, for a server that authenticates its clients: with `auth`
// kMissing or kRefused the answer is the 401 described at HttpAuth, whatever
// the method and target (a stranger learns nothing of the endpoint, not even
// which paths exist), and the store is not read.
ORDERSTORE_EXPORT void HandleHttpRequest(const Store& store,
                                         std::string_view method,
                                         std::string_view target, HttpAuth auth,
                                         HttpResponse* response);

// The body of an error response, for failures the server detects before a
// request reaches HandleHttpRequest (a malformed or oversized request).
ORDERSTORE_EXPORT void MakeHttpError(int status, std::string_view message,
                                     HttpResponse* response);

// Appends `response` as HTTP/1.1 bytes to `out`: the status line, the
// headers listed at HttpResponse (Allow and WWW-Authenticate when set), "Connection: <connection>" unless
// `connection` is empty, a blank line, then the body unless `head` (a HEAD
// answer keeps the body's Content-Length).
ORDERSTORE_EXPORT void AppendHttpResponse(const HttpResponse& response,
                                          std::string_view connection,
                                          bool head, std::string* out);

}  // namespace orderstore

#endif  // ORDERSTORE_HTTP_H_
