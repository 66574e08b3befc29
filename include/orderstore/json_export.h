// The documented JSON: writing an order as the source document's detail
// response ({"data":{...},"request_id":"..."}) or as a bare order object.
//
// Thread safety: every function here may be called from any number of
// threads at once (each with its own output string). NewRequestId keeps a
// random generator per thread.
//
// Format: what Go's encoding/json writes for the documented types. Keys in
// the documented order; numbers as Go and JavaScript write them (shortest
// round-trip digits, plain decimal when 1e-6 <= |x| < 1e21, else exponent
// form like 1e-7 or 1e+21; zero is 0); times as FormatTimestamp writes them;
// strings with UTF-8 passed through, control characters, U+2028 and U+2029
// escaped, and by default '<', '>' and '&' escaped too (see
// ExportOptions::escape_html). Compact output has no spaces or newlines;
// pretty output indents by two spaces, as Go's json.MarshalIndent(v, "",
// "  ") does.
#ifndef ORDERSTORE_JSON_EXPORT_H_
#define ORDERSTORE_JSON_EXPORT_H_

#include <string>
#include <string_view>

#include "orderstore/export.h"
#include "orderstore/order_view.h"

namespace orderstore {

// How AppendDetailResponse, AppendOrderJson, ListResponseWriter and
// AppendJsonString write their output.
struct ExportOptions {
  // Indent with newlines and two spaces instead of the compact form.
  bool pretty = false;
  // Write '<', '>' and '&' in strings as \u003c, \u003e and \u0026 (true,
  // the default), as Go's json.Marshal does by default, and so the Go
  // service and every Go web framework built on encoding/json: the output is
  // then byte for byte what they write, and safe to embed in HTML. false
  // writes them as they are, as Go's Encoder.SetEscapeHTML(false) does; both
  // forms decode to the same strings.
  bool escape_html = true;
};

// Appends `{"data":<order>,"request_id":"<request_id>"}` to *out. Never
// fails: a view is always a verified order.
ORDERSTORE_EXPORT void AppendDetailResponse(OrderView order,
                                            std::string_view request_id,
                                            std::string* out,
                                            const ExportOptions& options = {});

// Appends the bare order object (the response's "data") to *out.
ORDERSTORE_EXPORT void AppendOrderJson(OrderView order, std::string* out,
                                       const ExportOptions& options = {});

// Appends an owned order (e.g. one not yet stored) as the bare order object,
// exactly as AppendOrderJson would write it once stored. Writes nothing and
// returns InvalidArgument (see ValidateOrder) for an order the store would
// refuse.
ORDERSTORE_EXPORT Status AppendOrderJson(const Order& order, std::string* out,
                                         const ExportOptions& options = {});

// Appends `x` as a JSON number in the documented format.
// REQUIRES: x is finite.
ORDERSTORE_EXPORT void AppendJsonNumber(double x, std::string* out);

// Appends `text` as a JSON string literal, quotes included, escaped as the
// order's strings are (see Format above and ExportOptions::escape_html;
// `options.pretty` does not apply). Bytes that are not valid UTF-8 are
// written as \ufffd, as Go does.
ORDERSTORE_EXPORT void AppendJsonString(std::string_view text,
                                        std::string* out,
                                        const ExportOptions& options = {});

// A fresh request id: 16 random characters from [A-Za-z0-9], like the
// source document's "TRBUBYEtcQWEg18W".
ORDERSTORE_EXPORT std::string NewRequestId();

// Writes the response for many orders, {"data":[<order>,...],
// "request_id":"..."} (the documented multi-order form), one order at a time, so
// that any number of orders stream in constant memory: after each Add the
// caller may write out and clear *out.
//
//   ListResponseWriter list(NewRequestId(), &out);
//   for (...) { list.Add(view); if (out.size() > 1 << 16) flush(out); }
//   list.Finish();  // then flush(out)
//
// Thread safety: one thread at a time.
class ORDERSTORE_EXPORT ListResponseWriter {
 public:
  // Appends the opening `{"data":[` to *out. `out` must outlive the writer.
  ListResponseWriter(std::string request_id, std::string* out,
                     const ExportOptions& options = {});
  // Appends one order (as AppendOrderJson writes it) to the array.
  void Add(OrderView order);
  // Appends the closing `],"request_id":"..."}`. REQUIRES: called once,
  // after the last Add.
  void Finish();

 private:
  std::string request_id_;
  std::string* out_;
  ExportOptions options_;
  bool empty_ = true;
};

}  // namespace orderstore

#endif  // ORDERSTORE_JSON_EXPORT_H_
