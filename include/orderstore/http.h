// The HTTP endpoint (docs/http.md) as plain functions: a request's method and
// target in, the status, request id and body out (HandleHttpRequest), and
// that response as HTTP/1.1 bytes (AppendHttpResponse). `orderstore serve`
// puts them behind a socket; tests call them directly.
//
// Thread safety: both may be called from any number of threads at once on
// one Store (each with its own response and output).
#ifndef ORDERSTORE_HTTP_H_
#define ORDERSTORE_HTTP_H_

#include <string>
#include <string_view>

#include "orderstore/export.h"

namespace orderstore {

class Store;

// What HandleHttpRequest answers. Every response has the headers
// Content-Type: application/json, X-Request-Id: <request_id> and
// Content-Length; a 405 also has Allow. AppendHttpResponse writes them.
struct HttpResponse {
  int status = 200;  // the HTTP status: 200, 400, 404, 405 or 503
  // The JSON body. For HEAD the server sends the headers of this body (its
  // Content-Length) without the body itself.
  std::string body;
  // The fresh request id of this response (16 characters of [A-Za-z0-9]),
  // also in the body.
  std::string request_id;
  // The Allow header's value; empty (no Allow header) except for 405.
  std::string_view allow;
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
ORDERSTORE_EXPORT void HandleHttpRequest(const Store& store,
                                         std::string_view method,
                                         std::string_view target,
                                         HttpResponse* response);

// The body of an error response, for failures the server detects before a
// request reaches HandleHttpRequest (a malformed or oversized request).
ORDERSTORE_EXPORT void MakeHttpError(int status, std::string_view message,
                                     HttpResponse* response);

// Appends `response` as HTTP/1.1 bytes to `out`: the status line, the
// headers listed at HttpResponse, "Connection: <connection>" unless
// `connection` is empty, a blank line, then the body unless `head` (a HEAD
// answer keeps the body's Content-Length).
ORDERSTORE_EXPORT void AppendHttpResponse(const HttpResponse& response,
                                          std::string_view connection,
                                          bool head, std::string* out);

}  // namespace orderstore

#endif  // ORDERSTORE_HTTP_H_
