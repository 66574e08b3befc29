// The HTTP endpoint of SPEC §6 as a plain function: a request's method and
// target in, the status, headers and body out. `orderstore serve` puts it
// behind a socket; tests call it directly.
//
// Thread safety: HandleHttpRequest may be called from any number of threads
// at once on one Store (each with its own response).
#ifndef ORDERSTORE_HTTP_H_
#define ORDERSTORE_HTTP_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "orderstore/export.h"

namespace orderstore {

class Store;

// What HandleHttpRequest answers.
struct HttpResponse {
  int status = 200;  // the HTTP status: 200, 400, 404, 405 or 503
  // Besides Content-Length: Content-Type, X-Request-Id (equal to the body's
  // request_id) and, for 405, Allow.
  std::vector<std::pair<std::string, std::string>> headers;
  // The JSON body. For HEAD the server sends the headers of this body (its
  // Content-Length) without the body itself.
  std::string body;
  // The fresh request id of this response (16 characters of [A-Za-z0-9]).
  std::string request_id;
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
// otherwise; `response` is overwritten.
ORDERSTORE_EXPORT void HandleHttpRequest(const Store& store,
                                         std::string_view method,
                                         std::string_view target,
                                         HttpResponse* response);

// The body of an error response, for failures the server detects before a
// request reaches HandleHttpRequest (a malformed or oversized request).
ORDERSTORE_EXPORT void MakeHttpError(int status, std::string_view message,
                                     HttpResponse* response);

}  // namespace orderstore

#endif  // ORDERSTORE_HTTP_H_
