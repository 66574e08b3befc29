// Reading the documented JSON into owned orders.
//
// Thread safety: an OrderParser keeps parse buffers for reuse and must be
// used by one thread at a time; use one parser per thread.
//
// Accepted input (docs/contract.md): JSON Lines, a JSON array, or a single
// JSON value. Each record is either a documented response
// ({"data":...,"request_id":...}, where data is one order or an array of
// orders) or a bare order object. Every documented field is required, with
// its documented type; unknown extra fields are ignored. Invalid records are
// named by line (JSON Lines) or by element (a JSON array), with the field:
//   "orders.jsonl:17: items[1].status: unknown item status \"canceled\""
#ifndef ORDERSTORE_JSON_IMPORT_H_
#define ORDERSTORE_JSON_IMPORT_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "orderstore/export.h"
#include "orderstore/order.h"
#include "orderstore/status.h"

namespace orderstore {

// How OrderParser::Parse treats invalid records and reports progress.
struct ParseOptions {
  // Stop at the first invalid record (false), or parse every record and
  // collect one error per invalid record (true).
  bool keep_going = false;
  // Called now and then with how many bytes of the text have been parsed,
  // for a progress display. May be empty.
  std::function<void(size_t parsed_bytes, size_t total_bytes)> progress;
};

// What OrderParser::Parse read: the valid orders, one error per invalid
// record.
struct ParseResult {
  // The orders of every valid record, in input order.
  std::vector<Order> orders;
  // One InvalidArgument per invalid record, in input order (at most one
  // unless keep_going). Each message starts with `source` and the line or
  // element, then names the field.
  std::vector<Status> errors;
  // How many records were read, valid or not.
  size_t records = 0;

  // For each order of `orders`, the number of the record it was read from:
  // its line (JSON Lines), its element (a JSON array), or 1 (one record
  // spread over several lines). Origin() spells it as errors do.
  std::vector<uint32_t> record_numbers;
  enum class Layout : uint8_t { kLines, kArray, kSingle };
  Layout layout = Layout::kLines;

  // Where orders[i] was read, as the parser's errors name a record:
  // "SOURCE:17", "SOURCE: element 3" or "SOURCE: record 1".
  // REQUIRES: i < orders.size()
  ORDERSTORE_EXPORT std::string Origin(std::string_view source, size_t i) const;
};

// Parses the documented JSON into owned orders. It keeps its buffers between
// calls, so one parser reused is faster than a new one per input.
class ORDERSTORE_EXPORT OrderParser {
 public:
  // A parser with empty buffers; destroying it frees them.
  OrderParser();
  ~OrderParser();
  OrderParser(const OrderParser&) = delete;
  OrderParser& operator=(const OrderParser&) = delete;

  // Parses a whole input (a file's contents). `source` names it in errors
  // (a file name, or "-" for stdin). Text that is not valid UTF-8, not
  // valid JSON, or has trailing text after the value is an error of the
  // record it falls in. Never fails otherwise: errors are in the result.
  ParseResult Parse(std::string_view text, std::string_view source,
                    const ParseOptions& options = {});

  // Parses exactly one record holding exactly one order (a detail response
  // or a bare order). InvalidArgument naming the field otherwise.
  Result<Order> ParseOne(std::string_view json);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace orderstore

#endif  // ORDERSTORE_JSON_IMPORT_H_
