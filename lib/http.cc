// The detail endpoint of SPEC §6 (see http.h).
#include "orderstore/http.h"

#include "orderstore/json_export.h"
#include "orderstore/store.h"

namespace orderstore {
namespace {

constexpr std::string_view kDetailPrefix = "/v1/order/detail/";

void Reset(int status, HttpResponse* response) {
  response->status = status;
  response->headers.clear();
  response->body.clear();
  response->request_id = NewRequestId();
  response->headers.emplace_back("Content-Type", "application/json");
  response->headers.emplace_back("X-Request-Id", response->request_id);
}

}  // namespace

void MakeHttpError(int status, std::string_view message,
                   HttpResponse* response) {
  Reset(status, response);
  std::string& body = response->body;
  body += "{\"request_id\":";
  AppendJsonString(response->request_id, &body);
  body += ",\"code\":";
  body += std::to_string(status);
  body += ",\"message\":";
  AppendJsonString(message, &body);
  body += '}';
}

void HandleHttpRequest(const Store& store, std::string_view method,
                       std::string_view target, HttpResponse* response) {
  std::string_view path = target.substr(0, target.find('?'));
  if (path.substr(0, kDetailPrefix.size()) != kDetailPrefix) {
    MakeHttpError(404, "no such endpoint: " + std::string(path), response);
    return;
  }
  if (method != "GET" && method != "HEAD") {
    MakeHttpError(405, "method " + std::string(method) +
                           " not allowed; use GET or HEAD",
                  response);
    response->headers.emplace_back("Allow", "GET, HEAD");
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

}  // namespace orderstore
